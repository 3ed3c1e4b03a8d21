import { akskAuth } from './aksk-auth.js';
import { applicationCredentialAuth } from './application-credential-auth.js';
import { type CredentialProvider, tokenAuth } from './auth.js';
import type { ResolvedConfig } from './resolve-config.js';
import { CredentialsNotConfiguredError } from './credential-chain.js';
import type { FetchLike } from './fetch-types.js';
import { type LoginEvent, passwordAuth } from './password-auth.js';
import { tokenLookupAuth } from './token-lookup-auth.js';

/** What to set when no credentials are configured (named in the error). */
export const NO_CREDENTIALS_HELP =
  'set a token (ECS_METADATA_TOKEN or OS_TOKEN), an AK/SK pair (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), ' +
  'a password login (OS_AUTH_URL, OS_USERNAME and OS_PASSWORD), ' +
  'an application credential (OS_AUTH_URL, OS_APPLICATION_CREDENTIAL_ID and OS_APPLICATION_CREDENTIAL_SECRET), ' +
  'or a cloud of clouds.yaml (--os-cloud or OS_CLOUD); ' +
  'or put token, access_key and secret_key, or auth_url, username and password in a profile';

/** Options of {@link credentialsFromConfig}. */
export interface CredentialsFromConfigOptions {
  /** The transport of a password login (default: node:http). */
  fetch?: FetchLike | undefined;
  /** Observes the login's (or token lookup's) responses (for `--verbose`). */
  onLogin?: ((event: LoginEvent) => void) | undefined;
  /** `User-Agent` of the password login. */
  userAgent?: string | undefined;
}

/**
 * The credential provider a resolved configuration describes (`config.credentials`): `tokenAuth`
 * (with an auth URL: `tokenLookupAuth`, which can look up the token's catalog), `akskAuth`,
 * `passwordAuth` or `applicationCredentialAuth`, built now, so invalid values fail here, before any request.
 *
 * @throws {CredentialsNotConfiguredError} (setting `credentials`) when the configuration holds no
 *   complete credential; {@link ConfigError} from the provider for an invalid one.
 */
export function credentialsFromConfig(config: ResolvedConfig, options: CredentialsFromConfigOptions = {}): CredentialProvider {
  switch (config.credentials) {
    case 'token':
      return config.authUrl === undefined
        ? tokenAuth(config.token?.value.reveal() ?? '')
        : tokenLookupAuth({
            authUrl: config.authUrl.value,
            token: config.token?.value.reveal() ?? '',
            fetch: options.fetch,
            onResponse: options.onLogin,
            userAgent: options.userAgent,
          });
    case 'aksk':
      return akskAuth({
        accessKey: config.accessKey?.value ?? '',
        secretKey: config.secretKey?.value.reveal() ?? '',
        securityToken: config.securityToken?.value.reveal(),
      });
    case 'password':
      return passwordAuth({
        authUrl: config.authUrl?.value ?? '',
        username: config.username?.value ?? '',
        password: config.password?.value.reveal() ?? '',
        userDomainName: config.userDomainName?.value,
        userDomainId: config.userDomainId?.value,
        projectId: config.projectId?.value,
        projectName: config.projectName?.value,
        projectDomainName: config.projectDomainName?.value,
        projectDomainId: config.projectDomainId?.value,
        fetch: options.fetch,
        onResponse: options.onLogin,
        userAgent: options.userAgent,
      });
    case 'applicationCredential':
      return applicationCredentialAuth({
        authUrl: config.authUrl?.value ?? '',
        id: config.applicationCredentialId?.value,
        name: config.applicationCredentialName?.value,
        secret: config.applicationCredentialSecret?.value.reveal() ?? '',
        username: config.username?.value,
        userDomainName: config.userDomainName?.value,
        userDomainId: config.userDomainId?.value,
        fetch: options.fetch,
        onResponse: options.onLogin,
        userAgent: options.userAgent,
      });
    default:
      throw new CredentialsNotConfiguredError('credentials', `No credentials configured: ${NO_CREDENTIALS_HELP}`);
  }
}
