import type { EcsMetadataClient } from '@ecs-metadata/client';
import {
  AbortError,
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  ConflictError,
  EcsMetadataError,
  type EcsRequest,
  isMetadataItemNotFound,
  type MetadataKeyRules,
} from '@ecs-metadata/core';
import { idSourcesOf } from '../batch/batch-flags.js';
import type { IdSource } from '../batch/id-source.js';
import { ndjsonResult, summarizeError, textResult } from '../batch/result-lines.js';
import { runServerBatch, type ServerBatchFlags } from '../batch/server-batch.js';
import { createWriteJournal, journalBeforeState } from '../batch/write-journal.js';
import type { BatchOutcome } from '../batch/stream-batch.js';
import { ExitCode, exitCodeFor, UsageError } from '../exit-codes.js';
import { errorMessage } from '../error-message.js';
import type { CliIo } from '../io.js';
import { escapeControl, escapeLine, type SecretRegistry } from '../terminal.js';
import { UNSET_COMMAND } from '../command-table.js';
import { parseCommandLine } from '../parse.js';
import {
  dryRunTarget,
  formatRequest,
  loadConnectionConfig,
  noteDryRunServer,
  openClient,
  serverCalls,
  VALIDATION_SERVER_ID,
  VALIDATION_TARGET,
} from './metadata-client.js';

/** `ecs-metadata unset <server-id> KEY...`: deletes keys one by one and reports each; many servers as a batch. */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(UNSET_COMMAND, args);
  const { ids, keys } = splitIdsAndKeys(positionals, values.key, values['from-file'] !== undefined);
  const sources = idSourcesOf(ids, values['from-file']);
  if (sources.length === 0 || keys.length === 0) {
    throw new UsageError(`unset needs a <server-id> (or --key with several, --from-file FILE, "-") and at least one KEY. Run "ecs-metadata help unset".`);
  }
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate !== undefined) {
    throw new UsageError(`the key "${duplicate}" is given twice`);
  }
  // One id is a one-server call unless --output or --journal asks for a batch of one.
  const single = sources.length === 1 && sources[0]?.kind === 'id' && values.output === undefined && values.journal === undefined ? sources[0].id : undefined;
  const keyRules: MetadataKeyRules = values['nova-keys'] === true ? 'nova' : 'huawei';
  const force = values.force === true;
  const native = values.native === true;
  const build = (target: typeof VALIDATION_TARGET & { apiVersion?: 'v2' | 'v2.1' }, key: string, serverId = single ?? VALIDATION_SERVER_ID): EcsRequest => {
    const params = { ...target, serverId, key, keyRules, force };
    return native ? buildDeleteServerMetadataItemV1Request(params) : buildDeleteServerMetadataItemRequest(params);
  };
  // Every key is checked before anything is configured, logged in or sent (in a batch, each id is
  // that server's own error line).
  keys.forEach((key) => build(VALIDATION_TARGET, key));
  if (single === undefined) {
    return runUnsetMany(sources, { keys, keyRules, force, native }, values, io);
  }
  const server = single;

  const config = await loadConnectionConfig(values, io);
  if (values['dry-run'] === true) {
    const target = dryRunTarget(config);
    noteDryRunServer(server, io);
    io.stdout.write(keys.map((key) => formatRequest(build(target, key))).join('\n'));
    io.stderr.write('Dry run: nothing was sent (credentials are added only when sending).\n');
    return ExitCode.Ok;
  }
  const client = await openClient(config, values, io);
  const deleted: string[] = [];
  const onServer = serverCalls(client, server, io, values.verbose === true);
  let firstFailure: unknown;
  try {
    for (const [index, key] of keys.entries()) {
      try {
        const options = { signal: io.signal, keyRules, force };
        await onServer((serverId) =>
          native ? client.deleteServerMetadataItemV1(serverId, key, options) : client.deleteServerMetadataItem(serverId, key, options),
        );
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

/**
 * Which arguments are server ids and which are keys: with `--key`, every argument is a server id;
 * with `--from-file` (and no `--key`), every argument is a key; otherwise the first argument is the
 * server (an id, or "-" for ids on stdin) and the rest are keys.
 */
function splitIdsAndKeys(
  positionals: readonly string[],
  keyFlags: readonly string[] | undefined,
  fromFile: boolean,
): { ids: string[]; keys: string[] } {
  if (keyFlags !== undefined) {
    return { ids: [...positionals], keys: [...keyFlags] };
  }
  if (fromFile) {
    return { ids: [], keys: [...positionals] };
  }
  const [first, ...rest] = positionals;
  return { ids: first === undefined ? [] : [first], keys: rest };
}

/** What every server of a batch `unset` gets. */
interface UnsetChange {
  readonly keys: readonly string[];
  readonly keyRules: MetadataKeyRules;
  readonly force: boolean;
  readonly native: boolean;
}

/** One server's outcome of a batch `unset`: the keys deleted and those it did not have, or its error. */
interface UnsetOutcome extends BatchOutcome {
  readonly deleted: readonly string[];
  readonly absent: readonly string[];
}

/**
 * `unset` of several servers: per server, its map read and journaled (the before-state), then its
 * keys deleted in order, then the map it was left at journaled; streamed with the batch contract of `get`.
 */
async function runUnsetMany(
  sources: readonly IdSource[],
  change: UnsetChange,
  values: ServerBatchFlags & { readonly 'dry-run'?: boolean | undefined; readonly journal?: string | undefined },
  io: CliIo,
): Promise<number> {
  if (values['dry-run'] === true) {
    throw new UsageError('--dry-run prints one server\'s requests; give one server id');
  }
  return runServerBatch(
    {
      sources,
      flags: values,
      done: 'unset',
      openJournal: (client) => createWriteJournal('unset', values.journal, 'ecs-metadata unset', client, io),
      work: async (client, serverId, signal, journal) => {
        const before = await journalBeforeState(client, journal, serverId, signal);
        const outcome = await unsetKeys(client, serverId, change, signal);
        if (outcome.error === undefined) {
          // Every key is gone (deleted or absent): the map left is the before-state without them.
          await journal?.recordAfter(serverId, Object.fromEntries(Object.entries(before).filter(([key]) => !change.keys.includes(key))));
        }
        return outcome;
      },
      outcome: (result): UnsetOutcome => result.value ?? { serverId: result.serverId, error: result.error, deleted: [], absent: [] },
      ndjson: unsetNdjsonLine,
      text: unsetTextLine,
    },
    io,
  );
}

/** `{"serverId","deleted":[...],"absent":[...]}`, or the error line plus the keys deleted before the error. */
function unsetNdjsonLine(outcome: UnsetOutcome, secrets?: SecretRegistry): string {
  if (outcome.error === undefined) {
    return ndjsonResult(outcome.serverId, undefined, () => ({ deleted: outcome.deleted, absent: outcome.absent }));
  }
  const deleted = outcome.deleted.length > 0 ? { deleted: outcome.deleted } : {};
  return `${JSON.stringify({ serverId: outcome.serverId, error: summarizeError(outcome.error, secrets), ...deleted })}\n`;
}

function unsetTextLine(outcome: UnsetOutcome, secrets?: SecretRegistry): string {
  return textResult(outcome.serverId, outcome.error, () => `deleted ${outcome.deleted.join(' ') || '-'}; absent ${outcome.absent.join(' ') || '-'}`, secrets);
}

/**
 * Deletes `change.keys` from one server, in order. A key the server does not have is `absent` (the
 * state asked for holds); any other error ends this server, reported with the keys already deleted.
 */
async function unsetKeys(client: EcsMetadataClient, serverId: string, change: UnsetChange, signal: AbortSignal): Promise<UnsetOutcome> {
  const deleted: string[] = [];
  const absent: string[] = [];
  const options = { signal, keyRules: change.keyRules, force: change.force };
  for (const key of change.keys) {
    try {
      await (change.native
        ? client.deleteServerMetadataItemV1(serverId, key, options)
        : client.deleteServerMetadataItem(serverId, key, options));
      deleted.push(key);
    } catch (error) {
      if (error instanceof AbortError || !(error instanceof EcsMetadataError)) {
        throw error; // the batch's own stop, or a bug: not this server's outcome
      }
      if (!isMetadataItemNotFound(error)) {
        return { serverId, error, deleted, absent };
      }
      absent.push(key);
    }
  }
  return { serverId, deleted, absent };
}
