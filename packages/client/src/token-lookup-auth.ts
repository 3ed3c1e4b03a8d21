import { buildTokenLookupRequest, type PasswordLogin } from '@ecs-metadata/core';
import type { CredentialProvider, LoginDetails, RequestSigner } from './auth.js';
import { DEFAULT_LOGIN_TIMEOUT_MS, type PasswordAuthOptions, sendLogin } from './password-auth.js';

/** Options of {@link tokenLookupAuth}. */
export type TokenLookupAuthOptions = Pick<PasswordAuthOptions, 'timeoutMs' | 'fetch' | 'onResponse' | 'userAgent'> & {
  /** The identity endpoint that issued the token (`OS_AUTH_URL`). */
  readonly authUrl: string;
  /** The token (`OS_TOKEN`). A secret: it lives only in a closure. */
  readonly token: string;
};

/**
 * A given Keystone / IAM token (as `tokenAuth`), plus its catalog and project when the client needs
 * them (no endpoint or project configured): looked up once with `GET {authUrl}/v3/auth/tokens`,
 * as `openstack` does when given `OS_TOKEN` and `OS_AUTH_URL`. The token itself is never replaced;
 * a 401 is not retried, since a given token cannot be renewed.
 *
 * @throws {ConfigError} naming `authUrl` or `token`, before any I/O.
 */
export function tokenLookupAuth(options: TokenLookupAuthOptions): CredentialProvider {
  const { token, fetch: customFetch, onResponse, timeoutMs = DEFAULT_LOGIN_TIMEOUT_MS } = options;
  const request = buildTokenLookupRequest({ authUrl: options.authUrl, token, userAgent: options.userAgent });
  let lookup: Promise<PasswordLogin> | undefined;
  const signer: RequestSigner = {
    sign: () => ({ 'X-Auth-Token': token }),
    loginDetails: async (options): Promise<LoginDetails> => {
      // One lookup, shared; a failed one is forgotten so that the next call tries again.
      lookup ??= sendLogin(request, {
        subject: 'token lookup',
        timeoutMs,
        customFetch,
        onResponse,
        attempt: 1,
        secrets: [token],
        abandon: options?.signal ?? new AbortController().signal,
      }).catch((error: unknown) => {
        lookup = undefined;
        throw error;
      });
      const found = await lookup;
      return { catalog: found.catalog, projectId: found.project?.id };
    },
  };
  return () => Promise.resolve(signer);
}
