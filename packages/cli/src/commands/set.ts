import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
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
import { parseCommandLine } from '../parse.js';
import {
  CONNECTION_OPTIONS,
  CONNECTION_USAGE,
  dryRunTarget,
  formatRequest,
  loadConnectionConfig,
  noteDryRunServer,
  openClient,
  SERVER_ARGUMENT_USAGE,
  serverCalls,
  VALIDATION_TARGET,
} from './metadata-client.js';

export const SET_USAGE = `Usage: ecs-metadata set <server-id> KEY=VALUE... [options]

Merge items into a server's metadata (POST .../metadata): the keys given are created or
overwritten, the others kept. With --replace, the server's metadata becomes exactly the items
given (PUT .../metadata). Prints the map the server answers with.
${SERVER_ARGUMENT_USAGE}

Items:
  KEY=VALUE              one item; split at the first "=", the value may be empty
  --from-file FILE       a JSON object {"KEY": "VALUE", ...} or {"metadata": {...}}; "-" reads stdin
  -                      same as --from-file -
                         (items on the command line win over the file's)

Options:
  --replace              replace all metadata (PUT; idempotent) instead of merging (POST)
  --native               use the ECS native API: POST /v1/{project}/cloudservers/{server}/metadata
  --nova-keys            check keys with Nova's rules (space allowed) instead of Huawei's
  --force                allow writing platform keys (os_type, charging_mode, metering.*, ...)
  --dry-run              print the request (method, URL, headers, body) and send nothing
  --output FORMAT        json (default), table or env
  --env-prefix PREFIX    variable prefix for --output env (default ECS_META_)
${CONNECTION_USAGE}
Keys: 1-255 of A-Z a-z 0-9 - _ : . (and space with --nova-keys); values: strings of 0-255
characters; at most 128 items. A merge is retried only after a 429 (a POST may have been applied);
--replace is retried as reads are.
`;

const OUTPUT_FORMATS: readonly OutputFormat[] = ['json', 'table', 'env'];

/** `ecs-metadata set <server-id> KEY=VALUE...`: merges (or, with `--replace`, replaces) metadata. */
export async function runSet(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...CONNECTION_OPTIONS,
        'from-file': { type: 'string' },
        replace: { type: 'boolean' },
        native: { type: 'boolean' },
        'nova-keys': { type: 'boolean' },
        force: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        output: { type: 'string', short: 'o' },
        'env-prefix': { type: 'string' },
      },
    }),
  );
  const [server, ...itemArgs] = positionals;
  if (server === undefined) {
    throw new UsageError(`set needs a <server-id> and at least one KEY=VALUE\n\n${SET_USAGE}`);
  }
  if (values.replace === true && values.native === true) {
    throw new UsageError('--replace and --native exclude each other: the ECS native API has no replace call');
  }
  const output = (values.output ?? 'json') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(output)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}; got "${values.output}"`);
  }
  const stdinItems = itemArgs.filter((arg) => arg === '-');
  const source = values['from-file'] ?? (stdinItems.length > 0 ? '-' : undefined);
  if (stdinItems.length > 0 && values['from-file'] !== undefined) {
    throw new UsageError('give either --from-file or "-", not both');
  }
  const fromFile = source === undefined ? {} : await readItemsFile(source, io);
  const fromArgs = parseItems(itemArgs.filter((arg) => arg !== '-'));
  if (source === undefined && Object.keys(fromArgs).length === 0) {
    throw new UsageError(`set needs at least one KEY=VALUE (or --from-file FILE)\n\n${SET_USAGE}`);
  }
  const metadata = { ...fromFile, ...fromArgs };
  const keyRules: MetadataKeyRules = values['nova-keys'] === true ? 'nova' : 'huawei';
  const force = values.force === true;
  const mode = values.native === true ? 'native' : values.replace === true ? 'replace' : 'merge';
  const build = (target: typeof VALIDATION_TARGET & { apiVersion?: 'v2' | 'v2.1' }): EcsRequest => {
    const params = { ...target, serverId: server, metadata, keyRules, force };
    return mode === 'native' ? buildUpdateServerMetadataV1Request(params) : mode === 'replace' ? buildReplaceServerMetadataRequest(params) : buildUpdateServerMetadataRequest(params);
  };
  // Every input is checked before anything is configured, logged in or sent.
  build(VALIDATION_TARGET);

  const config = await loadConnectionConfig(values, io);
  if (values['dry-run'] === true) {
    noteDryRunServer(server, io);
    io.stdout.write(formatRequest(build(dryRunTarget(config))));
    io.stderr.write('Dry run: nothing was sent (credentials are added only when sending).\n');
    return;
  }
  const client = await openClient(config, values, io);
  try {
    const options = { signal: io.signal, keyRules, force };
    const result = await serverCalls(client, server, io, values.verbose === true)((serverId) =>
      mode === 'native'
        ? client.updateServerMetadataV1(serverId, metadata, options)
        : mode === 'replace'
          ? client.replaceServerMetadata(serverId, metadata, options)
          : client.updateServerMetadata(serverId, metadata, options),
    );
    io.stdout.write(formatMetadata(result, { format: output, pretty: io.stdout.isTTY === true, envPrefix: values['env-prefix'] ?? 'ECS_META_' }));
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
