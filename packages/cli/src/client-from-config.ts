import {
  CONFIG_SETTINGS,
  type ConfigOptions,
  createClientFromConfig,
  type EcsMetadataClient,
  type EcsMetadataClientOptions,
  loadConfigFiles,
  plannedEndpoint,
  type ResolvedConfig,
  resolveConfig,
  Secret,
  type SettingName,
} from '@ecs-metadata/client';
import { apiVersionSchema, parseWith } from '@ecs-metadata/core';
import { CONFIGURATION_OPTIONS } from './command-table.js';
import type { CliIo } from './io.js';
import type { OptionValues } from './parse.js';
import { escapeControl } from './terminal.js';
import { plainHttpWarning } from './transport-warning.js';

/** The values `parseArgs` gives for the configuration options (`CONFIGURATION_OPTIONS`, `help config`). */
export type ConfigFlagValues = OptionValues<typeof CONFIGURATION_OPTIONS>;


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
  const onCommandLine = (Object.keys(CONFIGURATION_OPTIONS) as (keyof typeof CONFIGURATION_OPTIONS)[])
    .filter((flag) => 'secret' in CONFIGURATION_OPTIONS[flag] && values[flag] !== undefined)
    .map((flag) => `--${flag}`);
  if (onCommandLine.length > 0) {
    io.stderr.write(
      `ecs-metadata: warning: ${onCommandLine.join(' and ')} put a secret on the command line, where other users can see it (ps, shell history); prefer the environment or a profile\n`,
    );
  }
  // The environment's credentials are masked before anything could echo them, the files' as soon
  // as they are read.
  for (const spec of Object.values(CONFIG_SETTINGS)) {
    if (spec.secret) {
      spec.env.forEach((name) => io.secrets?.add(io.env[name]));
    }
  }
  const config = resolveConfig(options, io.env, await loadConfigFiles(io.env, { cloud: options.cloud }));
  for (const name of Object.keys(CONFIG_SETTINGS) as SettingName[]) {
    const value = config[name]?.value;
    if (value instanceof Secret) {
      io.secrets?.add(value.reveal());
    }
  }
  for (const warning of config.warnings) {
    io.stderr.write(`ecs-metadata: warning: ${escapeControl(warning)}\n`);
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
  const loginWarning = plainHttpWarning(config, undefined);
  if (loginWarning !== undefined) {
    io.stderr.write(`ecs-metadata: warning: ${loginWarning}\n`);
  }
  const client = await createClientFromConfig(config, {
    ...clientOptions,
    // A password login for the catalog happens here, before any call: Ctrl-C must end it too.
    signal: io.signal,
    ...(verbose
      ? {
          onResponse: (event) => io.stderr.write(escapeControl(`${event.method} ${event.url} → ${event.status} (attempt ${event.attempt}, ${requestIdsText(event.requestIds)})\n`)),
          onLogin: (event) => io.stderr.write(escapeControl(`${event.method} ${event.url} → ${event.status} (password login, ${requestIdsText(event.requestIds)})\n`)),
        }
      : {}),
  });
  // Checked once the endpoint is known (a catalog's comes with the login), before any API request.
  // One warning at most: a plain-http login said it already.
  const endpointWarning = loginWarning === undefined ? plainHttpWarning(config, client.endpoint) : undefined;
  if (endpointWarning !== undefined) {
    io.stderr.write(`ecs-metadata: warning: ${endpointWarning}\n`);
  }
  return client;
}

/** `X-Openstack-Request-Id req-1, X-Compute-Request-Id req-2`: every request id the server sent, by its header. */
function requestIdsText(ids: Readonly<Partial<Record<string, string>>>): string {
  const entries = Object.entries(ids).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return entries.length === 0 ? 'no request id' : entries.map(([header, id]) => `${header} ${id}`).join(', ');
}
