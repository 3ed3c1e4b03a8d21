import { readFile } from 'node:fs/promises';
import {
  buildReplaceServerMetadataRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
  type EcsRequest,
  type MetadataKeyRules,
} from '@ecs-metadata/core';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatMetadata, type OutputFormat } from '../output.js';
import { SET_COMMAND } from '../command-table.js';
import { parseCommandLine } from '../parse.js';
import { dryRunTarget, refuseStdinAsServerId, formatRequest, loadConnectionConfig, openClient, VALIDATION_TARGET } from './metadata-client.js';

/** `ecs-metadata set <server-id> KEY=VALUE...`: merges (or, with `--replace`, replaces) metadata. */
export async function run(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandLine(SET_COMMAND, args);
  const [serverId, ...itemArgs] = positionals;
  if (serverId === undefined) {
    throw new UsageError(`set needs a <server-id> and at least one KEY=VALUE. Run "ecs-metadata help set".`);
  }
  refuseStdinAsServerId('set', serverId);
  if (values.replace === true && values.native === true) {
    throw new UsageError('--replace and --native exclude each other: the ECS native API has no replace call');
  }
  // One of the table's choices for set's --output (checked by parseCommandLine).
  const output = (values.output ?? 'json') as OutputFormat;
  const stdinItems = itemArgs.filter((arg) => arg === '-');
  const source = values['from-file'] ?? (stdinItems.length > 0 ? '-' : undefined);
  if (stdinItems.length > 0 && values['from-file'] !== undefined) {
    throw new UsageError('give either --from-file or "-", not both');
  }
  const fromFile = source === undefined ? {} : await readItemsFile(source, io);
  const fromArgs = parseItems(itemArgs.filter((arg) => arg !== '-'));
  if (source === undefined && Object.keys(fromArgs).length === 0) {
    throw new UsageError(`set needs at least one KEY=VALUE (or --from-file FILE)`);
  }
  const metadata = { ...fromFile, ...fromArgs };
  const keyRules: MetadataKeyRules = values['nova-keys'] === true ? 'nova' : 'huawei';
  const force = values.force === true;
  const mode = values.native === true ? 'native' : values.replace === true ? 'replace' : 'merge';
  const build = (target: typeof VALIDATION_TARGET & { apiVersion?: 'v2' | 'v2.1' }): EcsRequest => {
    const params = { ...target, serverId, metadata, keyRules, force };
    return mode === 'native' ? buildUpdateServerMetadataV1Request(params) : mode === 'replace' ? buildReplaceServerMetadataRequest(params) : buildUpdateServerMetadataRequest(params);
  };
  // Every input is checked before anything is configured, logged in or sent.
  build(VALIDATION_TARGET);

  const config = await loadConnectionConfig(values, io);
  if (values['dry-run'] === true) {
    io.stdout.write(formatRequest(build(dryRunTarget(config))));
    io.stderr.write('Dry run: nothing was sent (credentials are added only when sending).\n');
    return;
  }
  const client = await openClient(config, values, io);
  try {
    const options = { signal: io.signal, keyRules, force };
    const result =
      mode === 'native'
        ? await client.updateServerMetadataV1(serverId, metadata, options)
        : mode === 'replace'
          ? await client.replaceServerMetadata(serverId, metadata, options)
          : await client.updateServerMetadata(serverId, metadata, options);
    io.stdout.write(await formatMetadata(result, { format: output, pretty: io.stdout.isTTY === true, envPrefix: values['env-prefix'] ?? 'ECS_META_' }));
  } finally {
    client.close();
  }
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
    throw new UsageError(`--from-file: cannot read ${where}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from-file: ${where} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UsageError(`--from-file: ${where} must hold a JSON object, {"KEY": "VALUE"} or {"metadata": {...}}`);
  }
  const record = json as Record<string, unknown>;
  const keys = Object.keys(record);
  const wrapped = keys.length === 1 && keys[0] === 'metadata' && typeof record['metadata'] === 'object' && record['metadata'] !== null && !Array.isArray(record['metadata']);
  return (wrapped ? record['metadata'] : record) as Record<string, string>;
}

async function readStdin(io: CliIo): Promise<string> {
  if (io.stdin === undefined) {
    throw new UsageError('"-" reads the items from stdin, but there is no stdin');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}
