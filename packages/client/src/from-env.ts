import type { CredentialProvider } from './auth.js';
import { credentialsFromConfig, NO_CREDENTIALS_HELP } from './config-credentials.js';
import { CLOUD_ENV_VAR, type Environment, PROFILE_ENV_VAR } from './config-settings.js';
import { CredentialsNotConfiguredError } from './credential-chain.js';
import { resolveConfig } from './resolve-config.js';

/**
 * Credentials from environment variables, in the precedence of {@link resolveConfig}: a token
 * (`ECS_METADATA_TOKEN`, `OS_TOKEN`), AK/SK (`HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
 * `HUAWEICLOUD_SDK_SECURITY_TOKEN`), or a password login (`OS_AUTH_URL`, `OS_USERNAME`,
 * `OS_PASSWORD`, `OS_PROJECT_ID` or `OS_PROJECT_NAME`, `OS_USER_DOMAIN_NAME`, ...), or an
 * application credential (`OS_AUTH_URL`, `OS_APPLICATION_CREDENTIAL_ID` or `_NAME` with
 * `OS_USERNAME`, `OS_APPLICATION_CREDENTIAL_SECRET`; `OS_AUTH_TYPE` picks the kind). The variables
 * are read when the provider is first called. Files (profiles, `clouds.yaml`) are not read: use
 * {@link loadConfig} for those.
 *
 * @param env - the environment; default `process.env` (an entry point at the edge, like `loadConfig`).
 * @example `new EcsMetadataClient({ region: 'cn-north-4', projectId, auth: fromEnv() })`
 * @throws (from the provider) `CredentialsNotConfiguredError` when none is set; {@link ConfigError}
 *   for one that is set but incomplete or invalid.
 */
export function fromEnv(env: Environment = process.env): CredentialProvider {
  let provider: CredentialProvider | undefined;
  return () => {
    try {
      // Variables only: the profile and OS_CLOUD name files, which loadConfig reads.
      const variables = Object.fromEntries(Object.entries(env).filter(([name]) => name !== PROFILE_ENV_VAR && name !== CLOUD_ENV_VAR));
      const config = resolveConfig({}, variables);
      if (config.credentials === undefined) {
        const hint = env[CLOUD_ENV_VAR] !== undefined || env[PROFILE_ENV_VAR] !== undefined
          ? ` (${CLOUD_ENV_VAR} and ${PROFILE_ENV_VAR} name files, which fromEnv does not read: use loadConfig and createClientFromConfig)`
          : '';
        throw new CredentialsNotConfiguredError('credentials', `No credentials in the environment${hint}: ${NO_CREDENTIALS_HELP}`);
      }
      provider ??= credentialsFromConfig(config);
    } catch (error) {
      return Promise.reject(error);
    }
    return provider();
  };
}
