import { type EcsMetadataClient, NotFoundError, parseTimeoutMs, type ResolvedConfig } from '@ecs-metadata/client';
import { ConfigError, type EcsRequest, encodePathSegment, isMetadataItemNotFound, isServerUuid, parseWith, resolveEndpoint, serverIdSchema } from '@ecs-metadata/core';
import { type ConfigFlagValues, createCliClient, loadCliConfig } from '../client-from-config.js';
import type { CliIo } from '../io.js';

/**
 * What the writing commands (`set`, `unset`) share besides the configuration path of
 * `client-from-config.ts`: their connection flags, the client, and the `--dry-run` output.
 */

/** The parsed configuration options plus `--timeout` and `--verbose` (`REQUEST_OPTIONS`). */
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

/** A placeholder server id for checking a batch's items once, before any server's own id is looked at. */
export const VALIDATION_SERVER_ID = '0';

/**
 * Checks a server argument before anything is configured or sent: an id or a name, it must be one
 * safe path segment (not empty, no `/`, `\\`, `.`/`..` or control characters), so that a typo or an
 * injection is named, never sent; a name with a slash is therefore not looked up.
 *
 * @throws {ValidationError} (`serverId`) naming what is wrong.
 */
export function checkServerArgument(server: string): void {
  encodePathSegment('serverId', parseWith(serverIdSchema, 'serverId', server));
}

/**
 * Runs `call` with the server argument as the id, as `openstack` tries the exact id first: an id
 * costs no extra request. When the server answers that no server has that id (404, not a missing
 * item) and the argument is no UUID, it is looked up as an exact name (`GET /servers?name=`) and
 * `call` runs once more with the server's id, which later calls reuse; `--verbose` says which. A
 * name no server has fails with the server's own 404 (its request id); several → exit 2 listing ids.
 */
export function serverCalls(
  client: EcsMetadataClient,
  server: string,
  io: CliIo,
  verbose: boolean,
): <T>(call: (serverId: string) => Promise<T>) => Promise<T> {
  let resolved: string | undefined;
  return async <T>(call: (serverId: string) => Promise<T>): Promise<T> => {
    if (resolved !== undefined) {
      return call(resolved);
    }
    try {
      const result = await call(server);
      resolved = server;
      return result;
    } catch (error) {
      if (!(error instanceof NotFoundError) || isMetadataItemNotFound(error) || isServerUuid(server)) {
        throw error;
      }
      const id = await client.findServerIdByName(server, { signal: io.signal }).catch((lookup: unknown) => {
        throw lookup instanceof NotFoundError ? error : lookup;
      });
      if (verbose) {
        io.stderr.write(`server "${server}" is ${id}\n`);
      }
      resolved = id;
      return call(id);
    }
  };
}

/** A dry run sends nothing, so it cannot look a name up: it shows the argument as the id, and says so. */
export function noteDryRunServer(server: string, io: CliIo): void {
  if (!isServerUuid(server)) {
    io.stderr.write(`Dry run: "${server}" is shown as the server id (a name is looked up only when sending).\n`);
  }
}
