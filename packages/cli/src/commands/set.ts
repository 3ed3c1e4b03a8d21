import { readFile } from 'node:fs/promises';
import type { EcsMetadataClient, MergeCallOptions, Metadata } from '@ecs-metadata/client';
import {
  buildReplaceServerMetadataRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
  diffMetadata,
  type EcsRequest,
  type MetadataKeyRules,
} from '@ecs-metadata/core';
import { idSourcesOf } from '../batch/batch-flags.js';
import type { IdSource } from '../batch/id-source.js';
import { formatDiff } from '../batch/metadata-diff-text.js';
import { ndjsonLine, textLine, toMetadataResult } from '../batch/result-lines.js';
import { runServerBatch, type ServerBatchFlags } from '../batch/server-batch.js';
import { createWriteJournal, journalBeforeState } from '../batch/write-journal.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatMetadata, type OutputFormat } from '../output.js';
import { SET_COMMAND } from '../command-table.js';
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

/** The formats of one server's `set` (many servers: `ndjson`, `text`). */
const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'yaml', 'table', 'env'];

/** How `set` writes: merge (POST), replace (PUT), or the ECS native merge. */
type SetMode = 'merge' | 'replace' | 'native';

/**
 * `ecs-metadata set <server-id>... KEY=VALUE...`: merges (or, with `--replace`, replaces) metadata
 * of one server, or of many as a batch (exit 0, 7 or the failure's code).
 */
export async function run(args: readonly string[], io: CliIo): Promise<void | number> {
  const { values, positionals } = parseCommandLine(SET_COMMAND, args);
  const { ids, itemArgs } = splitIdsAndItems(positionals);
  const sources = idSourcesOf(ids, values['from-file']);
  if (sources.length === 0) {
    throw new UsageError(`set needs a <server-id> (or several, --from-file FILE, "-") and at least one KEY=VALUE. Run "ecs-metadata help set".`);
  }
  if (values.replace === true && values.native === true) {
    throw new UsageError('--replace and --native exclude each other: the ECS native API has no replace call');
  }
  if (values.items === '-' && sources.some((source) => source.kind === 'stdin')) {
    throw new UsageError('stdin can be read once: it cannot hold both the server ids and the items (--items -)');
  }
  const fromFile = values.items === undefined ? {} : await readItemsFile(values.items, io);
  const fromArgs = parseItems(itemArgs);
  if (values.items === undefined && itemArgs.length === 0) {
    const last = ids.at(-1);
    const hint = ids.length > 1 && last !== undefined ? `; "${last}" is not KEY=VALUE (to set an empty value, write "${last}=")` : '';
    throw new UsageError(`set needs at least one KEY=VALUE (or --items FILE)${hint}`);
  }
  const metadata = { ...fromFile, ...fromArgs };
  const keyRules: MetadataKeyRules = values['nova-keys'] === true ? 'nova' : 'huawei';
  const force = values.force === true;
  const mode: SetMode = values.native === true ? 'native' : values.replace === true ? 'replace' : 'merge';
  const build = (target: typeof VALIDATION_TARGET & { apiVersion?: 'v2' | 'v2.1' }, serverId: string): EcsRequest => {
    const params = { ...target, serverId, metadata, keyRules, force };
    return mode === 'native' ? buildUpdateServerMetadataV1Request(params) : mode === 'replace' ? buildReplaceServerMetadataRequest(params) : buildUpdateServerMetadataRequest(params);
  };
  // One id is a one-server call unless a batch output or --journal asks for a batch of one.
  const single = sources.length === 1 && sources[0]?.kind === 'id' && values.output !== 'ndjson' && values.output !== 'text' && values.journal === undefined ? sources[0].id : undefined;
  // Every input is checked before anything is configured, logged in or sent; in a batch each id is
  // that server's own error line, the items are checked once.
  build(VALIDATION_TARGET, single ?? VALIDATION_SERVER_ID);
  if (single === undefined) {
    return runSetMany(sources, { metadata, keyRules, force, mode }, values, io);
  }
  const output = values.output === undefined ? undefined : parseOutput(values.output);
  const config = await loadConnectionConfig(values, io);
  if (values['dry-run'] === true) {
    noteDryRunServer(single, io);
    io.stdout.write(formatRequest(build(dryRunTarget(config), single)));
    io.stderr.write('Dry run: nothing was sent (credentials are added only when sending).\n');
    return;
  }
  const client = await openClient(config, values, io);
  try {
    const options = { signal: io.signal, keyRules, force };
    // On a terminal, without --output, the change is shown as a diff: the map before is read first
    // (GET, then the write); the map after is the write's answer.
    const showDiff = output === undefined && io.stdout.isTTY === true && mode !== 'native';
    // A name is looked up at most once (by the first call that answers 404 for it).
    const onServer = serverCalls(client, single, io, values.verbose === true);
    const before = showDiff ? await onServer((serverId) => client.getServerMetadata(serverId, { signal: io.signal })) : undefined;
    const result = await onServer((serverId) => writeMetadata(client, serverId, metadata, mode, options));
    if (before !== undefined) {
      io.stdout.write(formatDiff(diffMetadata(before, result), { colour: io.env['NO_COLOR'] === undefined || io.env['NO_COLOR'] === '' }));
    } else {
      io.stdout.write(await formatMetadata(result, { format: output ?? 'json', pretty: io.stdout.isTTY === true, envPrefix: values['env-prefix'] ?? 'ECS_META_' }));
    }
  } finally {
    client.close();
  }
}

/** What every server of a batch `set` gets. */
interface SetChange {
  readonly metadata: Readonly<Record<string, string>>;
  readonly keyRules: MetadataKeyRules;
  readonly force: boolean;
  readonly mode: SetMode;
}

/**
 * `set` of several servers: per server, its map read and journaled (the before-state), then one
 * write, then the map it was left at journaled; streamed with the batch contract of `get`.
 */
async function runSetMany(
  sources: readonly IdSource[],
  change: SetChange,
  values: ServerBatchFlags & { readonly 'dry-run'?: boolean | undefined; readonly journal?: string | undefined },
  io: CliIo,
): Promise<number> {
  if (change.mode === 'native') {
    throw new UsageError('--native writes one server; with several, use the Nova merge (the default) or --replace');
  }
  if (values['dry-run'] === true) {
    throw new UsageError('--dry-run prints one server\'s request; give one server id');
  }
  const options = { keyRules: change.keyRules, force: change.force, readBackLostAnswer: true };
  return runServerBatch(
    {
      sources,
      flags: values,
      done: 'updated',
      openJournal: (client) => createWriteJournal('set', values.journal, 'ecs-metadata set', client, io),
      work: async (client, serverId, signal, journal) => {
        await journalBeforeState(client, journal, serverId, signal);
        const after = await writeMetadata(client, serverId, change.metadata, change.mode, { ...options, signal });
        await journal?.recordAfter(serverId, after);
        return after;
      },
      outcome: toMetadataResult,
      ndjson: ndjsonLine,
      text: textLine,
    },
    io,
  );
}

/**
 * One server's write. In a batch (`options.readBackLostAnswer`), a merge whose answer was lost is
 * resolved by reading the server back, never by sending it again (spec §8); one server's `set`
 * reports the lost answer as it is (exit 6, docs/reliability.md), for the person who typed it.
 */
function writeMetadata(
  client: EcsMetadataClient,
  serverId: string,
  metadata: Readonly<Record<string, string>>,
  mode: SetMode,
  options: MergeCallOptions,
): Promise<Metadata> {
  switch (mode) {
    case 'native':
      return client.updateServerMetadataV1(serverId, metadata, options);
    case 'replace':
      return client.replaceServerMetadata(serverId, metadata, options);
    case 'merge':
      return client.updateServerMetadata(serverId, metadata, options);
  }
}

/**
 * Server ids come first, then items: every argument before the first `KEY=VALUE` is an id (`-`:
 * stdin), every one from it on is an item (a later argument without "=" is refused by
 * {@link parseItems}, naming it). An id with "=" in it can be given with --from-file.
 */
function splitIdsAndItems(positionals: readonly string[]): { ids: string[]; itemArgs: string[] } {
  const firstItem = positionals.findIndex((arg) => arg.includes('='));
  return firstItem < 0
    ? { ids: [...positionals], itemArgs: [] }
    : { ids: positionals.slice(0, firstItem), itemArgs: positionals.slice(firstItem) };
}

function parseOutput(value: string): OutputFormat {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}; got "${value}"`);
  }
  return value as OutputFormat;
}

/** `KEY=VALUE` arguments as a map; a key given twice is refused (which one was meant?). */
function parseItems(args: readonly string[]): Record<string, string> {
  const items: Record<string, string> = {};
  for (const arg of args) {
    const split = arg.indexOf('=');
    if (split < 0) {
      throw new UsageError(`"${arg}" is not KEY=VALUE (to set an empty value, write "${arg}=")`);
    }
    const key = arg.slice(0, split);
    if (Object.hasOwn(items, key)) {
      throw new UsageError(`the key "${key}" is given twice`);
    }
    Object.defineProperty(items, key, { value: arg.slice(split + 1), enumerable: true, writable: true, configurable: true });
  }
  return items;
}

/**
 * Reads items from a JSON file (or stdin for `-`): `{"KEY": "VALUE"}` or `{"metadata": {...}}`.
 * Values are checked by the request builder, which names the key at fault.
 */
async function readItemsFile(source: string, io: CliIo): Promise<Record<string, string>> {
  const where = source === '-' ? 'stdin' : source;
  let text: string;
  try {
    text = source === '-' ? await readStdin(io) : await readFile(source, 'utf8');
  } catch (error) {
    if (error instanceof UsageError) {
      throw error;
    }
    throw new UsageError(`--items: cannot read ${where}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--items: ${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`--items: ${where} must hold a JSON object, {"KEY": "VALUE"} or {"metadata": {...}}`);
  }
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record);
  const wrapped = keys.length === 1 && keys[0] === 'metadata' && typeof record['metadata'] === 'object' && record['metadata'] !== null && !Array.isArray(record['metadata']);
  return (wrapped ? record['metadata'] : record) as Record<string, string>;
}

async function readStdin(io: CliIo): Promise<string> {
  if (io.stdin === undefined) {
    throw new UsageError('--items - reads the items from stdin, but there is no stdin');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
