import type { ResolvedConfig } from '@ecs-metadata/client';

/**
 * The one warning of DECISIONS "Plain http" (not an error: private clouds run plain http inside):
 * credentials that would travel over plain http to a host other than this machine, or a catalog
 * endpoint that downgrades the login's https to http or names another host than the login's.
 *
 * @param endpoint - the API endpoint once known (after a catalog login); `undefined` to check the
 *   login alone, before it is sent.
 * @returns the warning, or `undefined` when there is nothing to say.
 */
export function plainHttpWarning(config: ResolvedConfig, endpoint: string | undefined): string | undefined {
  const login = config.credentials === 'password' ? urlOf(config.authUrl?.value) : undefined;
  if (endpoint === undefined) {
    return login !== undefined && isPlainRemote(login) ? `the password login goes over plain http to ${login.host}: the password can be read on the way` : undefined;
  }
  const api = urlOf(endpoint);
  if (api === undefined) {
    return undefined;
  }
  const fromCatalog = login !== undefined && config.endpoint === undefined;
  if (fromCatalog && login.protocol === 'https:' && api.protocol === 'http:') {
    return `the catalog's compute endpoint ${api.origin} is plain http although the login was https: the token can be read on the way`;
  }
  if (fromCatalog && api.hostname !== login.hostname) {
    return `the catalog's compute endpoint ${api.origin} is on another host than the login (${login.host}): the token goes there`;
  }
  return isPlainRemote(api) ? `credentials go over plain http to ${api.host}: they can be read on the way` : undefined;
}

function urlOf(text: string | undefined): URL | undefined {
  return text === undefined || !URL.canParse(text) ? undefined : new URL(text);
}

/** Plain http to anything but the loopback interface (`localhost`, `127.0.0.0/8`, `[::1]`). */
function isPlainRemote(url: URL): boolean {
  return url.protocol === 'http:' && !(url.hostname === 'localhost' || url.hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/u.test(url.hostname));
}
