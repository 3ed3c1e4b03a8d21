import { parseArgs } from 'node:util';
import {
  AbortError,
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  ConflictError,
  type EcsRequest,
  isMetadataItemNotFound,
  type MetadataKeyRules,
} from '@ecs-metadata/core';
import { ExitCode, exitCodeFor, UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';
import { CONNECTION_OPTIONS, CONNECTION_USAGE, dryRunTarget, formatRequest, loadConnectionConfig, openClient, VALIDATION_TARGET } from './metadata-client.js';

export const UNSET_USAGE = `Usage: ecs-metadata unset <server-id> KEY... [options]

Delete items from a server's metadata: one DELETE .../metadata/{key} per key, in order, as
python-novaclient does. Prints "deleted KEY" for each key deleted; each failure goes to stderr.
Exit 0 when every key was deleted, 7 when only some were, else the code of the first failure
(4 for an unknown key or server).

Options:
  --native               use the ECS native API: DELETE /v1/{project}/cloudservers/{server}/metadata/{key}
  --nova-keys            check keys with Nova's rules (space allowed) instead of Huawei's
  --force                allow deleting platform keys (os_type, charging_mode, metering.*, ...)
  --dry-run              print the requests (method, URL, headers) and send nothing
${CONNECTION_USAGE}
A DELETE is idempotent and retried as reads are; when a retry finds the key already gone because
an earlier attempt's answer was lost, the key counts as deleted.
`;

/** `ecs-metadata unset <server-id> KEY...`: deletes keys one by one and reports each. */
export async function runUnset(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...CONNECTION_OPTIONS,
        native: { type: 'boolean' },
        'nova-keys': { type: 'boolean' },
        force: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    }),
  );
  const [serverId, ...keys] = positionals;
  if (serverId === undefined || keys.length === 0) {
    throw new UsageError(`unset needs a <server-id> and at least one KEY\n\n${UNSET_USAGE}`);
  }
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate !== undefined) {
    throw new UsageError(`the key "${duplicate}" is given twice`);
  }
  const keyRules: MetadataKeyRules = values['nova-keys'] === true ? 'nova' : 'huawei';
  const force = values.force === true;
  const native = values.native === true;
  const build = (target: typeof VALIDATION_TARGET & { apiVersion?: 'v2' | 'v2.1' }, key: string): EcsRequest => {
    const params = { ...target, serverId, key, keyRules, force };
    return native ? buildDeleteServerMetadataItemV1Request(params) : buildDeleteServerMetadataItemRequest(params);
  };
  // Every key is checked before anything is configured, logged in or sent.
  keys.forEach((key) => build(VALIDATION_TARGET, key));

  const config = await loadConnectionConfig(values, io);
  if (values['dry-run'] === true) {
    const target = dryRunTarget(config);
    io.stdout.write(keys.map((key) => formatRequest(build(target, key))).join('\n'));
    io.stderr.write('Dry run: nothing was sent (credentials are added only when sending).\n');
    return ExitCode.Ok;
  }
  const client = await openClient(config, values, io);
  const deleted: string[] = [];
  let firstFailure: unknown;
  try {
    for (const [index, key] of keys.entries()) {
      try {
        const options = { signal: io.signal, keyRules, force };
        await (native
          ? client.deleteServerMetadataItemV1(serverId, key, options)
          : client.deleteServerMetadataItem(serverId, key, options));
        deleted.push(key);
        io.stdout.write(`deleted ${key}\n`);
      } catch (error) {
        firstFailure ??= error;
        io.stderr.write(`ecs-metadata: ${key} not deleted: ${error instanceof Error ? error.message : String(error)}\n`);
        // A missing key or a refused write concerns this key; anything else (auth, server, network,
        // Ctrl-C) would fail the rest the same way: stop, and say what was not tried.
        if (!(isMetadataItemNotFound(error) || error instanceof ConflictError)) {
          const rest = keys.slice(index + 1);
          if (rest.length > 0 && !(error instanceof AbortError)) {
            io.stderr.write(`ecs-metadata: not attempted: ${rest.join(' ')}\n`);
          }
          break;
        }
      }
    }
  } finally {
    client.close();
  }
  if (firstFailure === undefined) {
    return ExitCode.Ok;
  }
  return deleted.length > 0 ? ExitCode.PartialFailure : exitCodeFor(firstFailure);
}
