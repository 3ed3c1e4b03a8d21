import { type ApplicationCredentialLoginParams, buildApplicationCredentialLoginRequest, ConfigError } from '@ecs-metadata/core';
import type { CredentialProvider } from './auth.js';
import { keystoneLoginAuth, type PasswordAuthOptions } from './password-auth.js';

/**
 * Options of {@link applicationCredentialAuth}: the credential (core's
 * {@link ApplicationCredentialLoginParams}: `authUrl`, `id` or `name` with `username`, `secret`)
 * and the caching and transport options of `passwordAuth`.
 */
export type ApplicationCredentialAuthOptions = ApplicationCredentialLoginParams &
  Pick<PasswordAuthOptions, 'refreshBeforeExpiryMs' | 'timeoutMs' | 'fetch' | 'now' | 'onResponse'>;

/**
 * Keystone v3 application credential login (`auth_type: v3applicationcredential`): `POST
 * {authUrl}/v3/auth/tokens` with the `application_credential` method, unscoped (the credential is
 * bound to its project, which the token's catalog and project then name). The token is cached,
 * renewed and refreshed on a 401 exactly as `passwordAuth`'s; the secret lives only in a closure.
 *
 * @example
 * ```ts
 * const auth = applicationCredentialAuth({ authUrl: 'https://keystone.example/v3',
 *   id: process.env.OS_APPLICATION_CREDENTIAL_ID, secret: process.env.OS_APPLICATION_CREDENTIAL_SECRET ?? '' });
 * ```
 * @throws {ConfigError} naming `authUrl`, `applicationCredentialId`, `applicationCredentialSecret`,
 *   `username`, a domain or an option, at once, before any I/O.
 */
export function applicationCredentialAuth(options: ApplicationCredentialAuthOptions): CredentialProvider {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('authUrl', 'applicationCredentialAuth needs { authUrl, id | name and username, secret }');
  }
  const request = buildApplicationCredentialLoginRequest(options);
  return keystoneLoginAuth(request, { ...options, subject: 'application credential login', secrets: [options.secret] });
}
