import { ConfigError } from './errors.js';
import { loginLine, loginUserAgent, passwordLoginUrl } from './password-login.js';
import type { EcsRequest } from './request.js';

/**
 * Parameters of {@link buildApplicationCredentialLoginRequest}: a Keystone v3 application
 * credential (`auth_type: v3applicationcredential`), by id, or by name and its user.
 */
export interface ApplicationCredentialLoginParams {
  /** The identity endpoint, with or without `/v3` (`OS_AUTH_URL`). */
  authUrl: string;
  /** The credential's id (`OS_APPLICATION_CREDENTIAL_ID`); wins over `name`. */
  id?: string | undefined;
  /** The credential's name (`OS_APPLICATION_CREDENTIAL_NAME`), with `username`: names are unique per user only. */
  name?: string | undefined;
  /** The credential's secret (`OS_APPLICATION_CREDENTIAL_SECRET`). A secret: never log it. */
  secret: string;
  /** The owner of a credential given by name (`OS_USERNAME`). */
  username?: string | undefined;
  /** The owner's domain by name; else by id; neither: id `default`, as for a password login. */
  userDomainName?: string | undefined;
  userDomainId?: string | undefined;
  /** `User-Agent`; default `ecs-metadata/<version>`. */
  userAgent?: string | undefined;
}

/**
 * Builds an application credential login, `POST {authUrl}/v3/auth/tokens` with the method
 * `application_credential`, as keystoneauth's `ApplicationCredentialMethod` does: `{id, secret}`,
 * or `{name, secret, user: {name, domain}}`. No scope: the credential is bound to its project, and
 * Keystone refuses a scope in the request (401). Pure; the body holds the secret: never log it.
 *
 * @throws {ConfigError} naming `authUrl`, `applicationCredentialSecret`, `applicationCredentialId`
 *   (neither id nor name given), `username` (a name without its user), a domain or `userAgent`.
 */
export function buildApplicationCredentialLoginRequest(params: ApplicationCredentialLoginParams): EcsRequest {
  const url = passwordLoginUrl(params.authUrl);
  if (typeof params.secret !== 'string' || params.secret === '') {
    throw new ConfigError('applicationCredentialSecret', 'An application credential login needs its secret (applicationCredentialSecret)');
  }
  const id = loginLine('applicationCredentialId', params.id);
  const name = loginLine('applicationCredentialName', params.name);
  const username = loginLine('username', params.username);
  const userDomainName = loginLine('userDomainName', params.userDomainName);
  const userDomainId = loginLine('userDomainId', params.userDomainId);
  const userAgent = loginUserAgent(params.userAgent);
  let credential: Record<string, unknown>;
  if (id !== undefined) {
    credential = { id, secret: params.secret };
  } else if (name === undefined) {
    throw new ConfigError('applicationCredentialId', 'An application credential login needs the credential id (applicationCredentialId), or its name and user');
  } else if (username === undefined) {
    throw new ConfigError('username', `An application credential given by name ("${name}") needs its user (username): names are unique per user only`);
  } else {
    const domain = userDomainName !== undefined ? { name: userDomainName } : { id: userDomainId ?? 'default' };
    credential = { name, secret: params.secret, user: { name: username, domain } };
  }
  const body = { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
  return {
    method: 'POST',
    url,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': userAgent },
    body: JSON.stringify(body),
  };
}

/** Parameters of {@link buildTokenLookupRequest}. */
export interface TokenLookupParams {
  /** The identity endpoint, with or without `/v3` (`OS_AUTH_URL`). */
  authUrl: string;
  /** The token to look up, which also authorises the lookup. A secret: never log it. */
  token: string;
  /** `User-Agent`; default `ecs-metadata/<version>`. */
  userAgent?: string | undefined;
}

/**
 * Builds the lookup of a token's own catalog and project: `GET {authUrl}/v3/auth/tokens` with the
 * token as both `X-Auth-Token` and `X-Subject-Token` (Keystone's "validate and show information for
 * token", allowed to the token's own subject). Its answer has the shape of a login's, so
 * {@link interpretPasswordLoginResponse} reads it. Unlike keystoneauth's token plugin, which logs in
 * again with the `token` method and gets a new token, this mints nothing: the given token is used as it is.
 *
 * @throws {ConfigError} naming `authUrl`, `token` (empty or not one line) or `userAgent`.
 */
export function buildTokenLookupRequest(params: TokenLookupParams): EcsRequest {
  const url = passwordLoginUrl(params.authUrl);
  if (typeof params.token !== 'string' || params.token.trim() === '' || /[\r\n\0]/u.test(params.token)) {
    throw new ConfigError('token', 'The token must be a non-empty single line');
  }
  const userAgent = loginUserAgent(params.userAgent);
  return {
    method: 'GET',
    url,
    headers: { Accept: 'application/json', 'User-Agent': userAgent, 'X-Auth-Token': params.token, 'X-Subject-Token': params.token },
    body: undefined,
  };
}
