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
import { errorMessage } from '../error-message.js';
import type { CliIo } from '../io.js';
import { escapeControl, escapeLine } from '../terminal.js';
import { UNSET_COMMAND } from '../command-table.js';
import { parseCommandLine } from '../parse.js';
import { dryRunTarget, refuseStdinAsServerId, formatRequest, loadConnectionConfig, openClient, VALIDATION_TARGET } from './metadata-client.js';

/** `ecs-metadata unset <server-id> KEY...`: deletes keys one by one and reports each. */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(UNSET_COMMAND, args);
  const [serverId, ...keys] = positionals;
  if (serverId === undefined || keys.length === 0) {
    throw new UsageError(`unset needs a <server-id> and at least one KEY. Run "ecs-metadata help unset".`);
  }
  refuseStdinAsServerId('unset', serverId);
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
        await (native ? client.deleteServerMetadataItemV1(serverId, key, options) : client.deleteServerMetadataItem(serverId, key, options));
        deleted.push(key);
        io.stdout.write(`deleted ${key}\n`);
      } catch (error) {
        firstFailure ??= error;
        io.stderr.write(`ecs-metadata: ${escapeLine(key)} not deleted: ${escapeControl(errorMessage(error))}\n`);
        // A missing key or a refused write concerns this key; anything else (auth, server, network,
        // Ctrl-C) would fail the rest the same way: stop, and say what was not tried.
        if (!(isMetadataItemNotFound(error) || error instanceof ConflictError)) {
          const rest = keys.slice(index + 1);
          if (rest.length > 0 && !(error instanceof AbortError)) {
            io.stderr.write(`ecs-metadata: not attempted: ${escapeLine(rest.join(' '))}\n`);
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
