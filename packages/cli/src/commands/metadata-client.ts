import { type EcsMetadataClient, parseTimeoutMs, type ResolvedConfig } from '@ecs-metadata/client';
import { ConfigError, type EcsRequest, resolveEndpoint } from '@ecs-metadata/core';
import { CONFIG_FLAGS, CONFIG_FLAGS_USAGE, type ConfigFlagValues, createCliClient, loadCliConfig } from '../client-from-config.js';
import type { CliIo } from '../io.js';

/**
 * What the writing commands (`set`, `unset`) share besides the configuration path of
 * `client-from-config.ts`: their connection flags, the client, and the `--dry-run` output.
 */

/** The configuration flags plus `--timeout` and `--verbose`, for node's `parseArgs`. */
export const CONNECTION_OPTIONS = {
  ...CONFIG_FLAGS,
  timeout: { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

/** The usage lines of {@link CONNECTION_OPTIONS}. */
export const CONNECTION_USAGE = `  --timeout MS           timeout of each attempt in ms (default 30000)
  --verbose              log method, URL, status and request id to stderr (never secrets)

${CONFIG_FLAGS_USAGE}`;

/** The parsed {@link CONNECTION_OPTIONS}. */
export type ConnectionFlags = ConfigFlagValues & { readonly timeout?: string | undefined; readonly verbose?: boolean | undefined };

/**
 * The configuration the flags, the environment and the files describe.
 *
 * @throws {ConfigError} naming the setting at fault.
 */
export function loadConnectionConfig(flags: ConnectionFlags, io: CliIo): Promise<ResolvedConfig> {
  return loadCliConfig(flags, io);
}

/**
 * The client for `config`, with the flags' timeout and `--verbose` log. A password login, if that
 * is the credential, happens here.
 *
 * @throws {ConfigError} naming what is missing.
 */
export function openClient(config: ResolvedConfig, flags: ConnectionFlags, io: CliIo): Promise<EcsMetadataClient> {
  const timeoutMs = flags.timeout === undefined ? undefined : parseTimeoutMs('--timeout', flags.timeout);
  return createCliClient(config, io, { verbose: flags.verbose === true, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
}

/** Where a dry run's requests would go. */
export interface DryRunTarget {
  readonly endpoint: string;
  readonly projectId: string;
  readonly apiVersion: 'v2' | 'v2.1';
}

/**
 * The endpoint, project and prefix the requests would use, from the configuration alone: a dry run
 * needs no credential and sends nothing, not even a login.
 *
 * @throws {ConfigError} (`endpoint`, `projectId`) when the configuration does not name them.
 */
export function dryRunTarget(config: ResolvedConfig): DryRunTarget {
  const endpoint = resolveEndpoint({ endpoint: config.endpoint?.value, region: config.region?.value, domain: config.domain?.value });
  if (endpoint === undefined) {
    throw new ConfigError('endpoint', 'A dry run needs the endpoint: pass --endpoint or --region, or set ECS_METADATA_ENDPOINT');
  }
  const projectId = config.projectId?.value;
  if (projectId === undefined) {
    throw new ConfigError('projectId', 'A dry run needs the project id: pass --project-id, or set ECS_METADATA_PROJECT_ID');
  }
  return { endpoint, projectId, apiVersion: config.apiVersion.value };
}

/**
 * A request as `--dry-run` prints it: the request line, the headers as built (credentials are
 * added by the signer when sending, so none appear), a blank line and the body, if any.
 */
export function formatRequest(request: EcsRequest): string {
  const headers = Object.entries(request.headers).map(([name, value]) => `${name}: ${value}\n`);
  return `${request.method} ${request.url}\n${headers.join('')}${request.body === undefined ? '' : `\n${request.body}\n`}`;
}

/**
 * A target for checking inputs before anything is configured or sent: the builders validate the
 * server id, keys and values the same whatever the endpoint, so a placeholder one serves.
 */
export const VALIDATION_TARGET: { readonly endpoint: string; readonly projectId: string } = Object.freeze({ endpoint: 'http://127.0.0.1', projectId: '0' });
