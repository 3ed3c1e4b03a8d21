import {
  type ConfigOptions,
  createClientFromConfig,
  type EcsMetadataClient,
  type EcsMetadataClientOptions,
  loadConfigFiles,
  plannedEndpoint,
  type ResolvedConfig,
  resolveConfig,
} from '@ecs-metadata/client';
import { apiVersionSchema, parseWith } from '@ecs-metadata/core';
import type { CliIo } from './io.js';

/**
 * The flags every command that talks to the API takes, for `parseArgs`. There is no password flag:
 * a password on the command line is visible to every user (`ps`), so it comes only from
 * `OS_PASSWORD`, `clouds.yaml` or a profile.
 */
export const CONFIG_FLAGS = {
  profile: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  domain: { type: 'string' },
  'project-id': { type: 'string' },
  'api-version': { type: 'string' },
  token: { type: 'string' },
  ak: { type: 'string' },
  sk: { type: 'string' },
  'auth-url': { type: 'string' },
  username: { type: 'string' },
  'os-cloud': { type: 'string' },
  'os-auth-type': { type: 'string' },
  'os-interface': { type: 'string' },
} as const;

/** The values `parseArgs` gives for {@link CONFIG_FLAGS}. */
export type ConfigFlagValues = { [K in keyof typeof CONFIG_FLAGS]?: string | undefined };

/** The usage lines of {@link CONFIG_FLAGS}. */
export const CONFIG_FLAGS_USAGE = `Configuration (flag > environment > clouds.yaml (OS_CLOUD) > profile; see "ecs-metadata config show"):
  --profile NAME         profile of $XDG_CONFIG_HOME/ecs-metadata/config.toml (env ECS_METADATA_PROFILE; default [default])
  --endpoint URL         API endpoint (env ECS_METADATA_ENDPOINT)
  --region ID            region, e.g. cn-north-4: endpoint HUAWEICLOUD_SDK_REGION_ECS_{REGION} if set, else
                         https://ecs.{region}.myhuaweicloud.com (env ECS_METADATA_REGION, HUAWEICLOUD_SDK_REGION_ID,
                         OS_REGION_NAME; with a login it picks the catalog's region)
  --domain DOMAIN        endpoint domain for --region, e.g. otc.t-systems.com (default myhuaweicloud.com)
  --project-id ID        project (env ECS_METADATA_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID, OS_PROJECT_ID)
  --api-version V        v2 or v2.1 (default v2.1)
  --token TOKEN          IAM/Keystone token (env ECS_METADATA_TOKEN, OS_TOKEN)
  --ak AK, --sk SK       AK/SK signing (env HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN)
  --auth-url URL         IAM/Keystone URL for a password login (env OS_AUTH_URL)
  --username NAME        password login user (env OS_USERNAME); the password only from OS_PASSWORD,
                         clouds.yaml or a profile, never a flag
  --os-cloud NAME        cloud of clouds.yaml (env OS_CLOUD): auth_type password, v3applicationcredential or token
  --os-auth-type TYPE    password, v3applicationcredential or token (env OS_AUTH_TYPE; default: the complete one);
                         an application credential comes from OS_APPLICATION_CREDENTIAL_ID (or _NAME with
                         OS_USERNAME) and OS_APPLICATION_CREDENTIAL_SECRET; a token with OS_AUTH_URL looks up its catalog
  --os-interface IF      catalog interface of the compute endpoint: public (default), internal, admin (env OS_INTERFACE)
  Secrets given as flags (--token, --sk) are visible to other users in "ps" and your shell
  history: prefer the environment or a profile (chmod 600).
`;

const SECRET_FLAGS = ['token', 'sk'] as const;

/** The configuration options the flags state. `--api-version` is checked here, naming the flag. */
export function configOptionsFromFlags(values: ConfigFlagValues): ConfigOptions {
  if (values['api-version'] !== undefined) {
    parseWith(apiVersionSchema, '--api-version', values['api-version']);
  }
  return {
    profile: values.profile,
    cloud: values['os-cloud'],
    authType: values['os-auth-type'],
    interface: values['os-interface'],
    endpoint: values.endpoint,
    region: values.region,
    domain: values.domain,
    projectId: values['project-id'],
    apiVersion: values['api-version'],
    token: values.token,
    accessKey: values.ak,
    secretKey: values.sk,
    authUrl: values['auth-url'],
    username: values.username,
  };
}

/**
 * Resolves the configuration of a command: its flags, `io.env`, the profile file and, with
 * `OS_CLOUD`, `clouds.yaml`. Writes one warning line to stderr for a secret given as a flag and
 * one for each of the configuration's warnings (a profile file others can read).
 *
 * @throws {ConfigError} naming the setting (exit 2).
 */
export async function loadCliConfig(values: ConfigFlagValues, io: CliIo): Promise<ResolvedConfig> {
  const options = configOptionsFromFlags(values);
  const onCommandLine = SECRET_FLAGS.filter((flag) => values[flag] !== undefined).map((flag) => `--${flag}`);
  if (onCommandLine.length > 0) {
    io.stderr.write(
      `ecs-metadata: warning: ${onCommandLine.join(' and ')} put a secret on the command line, where other users can see it (ps, shell history); prefer the environment or a profile\n`,
    );
  }
  const config = resolveConfig(options, io.env, await loadConfigFiles(io.env, { cloud: options.cloud }));
  for (const warning of config.warnings) {
    io.stderr.write(`ecs-metadata: warning: ${warning}\n`);
  }
  return config;
}

/** Client options a command adds to the configuration. */
export type CliClientOptions = Partial<Pick<EcsMetadataClientOptions, 'timeoutMs' | 'retry'>> & {
  /** Log each response (and a password login) to stderr: method, URL, status, request id; never secrets. */
  verbose?: boolean;
};

/**
 * The client a command uses: the one shared path from configuration to client, so every command
 * (`get`, `set`, `unset`, ...) authenticates the same way. With `verbose`, logs the configuration's
 * sources, every response and the password login to stderr, never a secret.
 *
 * @throws {ConfigError} naming what is missing (exit 2); a refused password login (exit 3).
 */
export async function createCliClient(config: ResolvedConfig, io: CliIo, options: CliClientOptions = {}): Promise<EcsMetadataClient> {
  const { verbose = false, ...clientOptions } = options;
  if (verbose) {
    const where = (name: 'endpoint' | 'region' | 'projectId'): string => {
      const setting = config[name];
      return setting === undefined ? '' : ` ${name} ${setting.value} (${setting.source})`;
    };
    const endpoint = plannedEndpoint(config);
    const calls = ` calls ${endpoint.url ?? '-'} (${endpoint.source})`;
    io.stderr.write(`config: credentials ${config.credentials ?? 'none'}${where('endpoint')}${where('region')}${where('projectId')}${calls}\n`);
  }
  return createClientFromConfig(config, {
    ...clientOptions,
    // A password login for the catalog happens here, before any call: Ctrl-C must end it too.
    signal: io.signal,
    ...(verbose
      ? {
          onResponse: (event) =>
            io.stderr.write(`${event.method} ${event.url} → ${event.status} (attempt ${event.attempt}, request id ${event.requestId ?? 'none'})\n`),
          onLogin: (event) => io.stderr.write(`${event.method} ${event.url} → ${event.status} (password login, request id ${event.requestId ?? 'none'})\n`),
        }
      : {}),
  });
}
