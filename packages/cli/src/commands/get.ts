import { metadataKeySegment } from '@ecs-metadata/core';
import { idSourcesOf, isBatch } from '../batch/batch-flags.js';
import { parseTimeoutMs } from '@ecs-metadata/client';
import type { IdSource } from '../batch/id-source.js';
import { GET_COMMAND } from '../command-table.js';
import { createCliClient, loadCliConfig } from '../client-from-config.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatMetadata, OUTPUT_FORMATS, type OutputFormat } from '../output.js';
import { type ParsedCommandLine, parseCommandLine } from '../parse.js';
import { checkServerArgument, serverCalls } from './metadata-client.js';

/**
 * `ecs-metadata get <server-id>`: prints the server's metadata; with several ids, `--from-file` or
 * `-`, a batch (exit 0, 7 or the failure's code).
 */
export async function run(args: readonly string[], io: CliIo): Promise<void | number> {
  const { values, positionals } = parseCommandLine(GET_COMMAND, args);
  const fromFile = values['from-file'];
  if (positionals.length === 0 && fromFile === undefined) {
    throw new UsageError(`get needs a <server-id>, several, --from-file FILE or "-" for stdin. Run "ecs-metadata help get".`);
  }
  const batchFormat = values.output === 'ndjson' || values.output === 'text';
  const sources = idSourcesOf(positionals, fromFile);
  if (isBatch(sources) || batchFormat || values.resume !== undefined) {
    return runGetMany(sources, values, io);
  }
  const server = positionals[0] as string;
  const format = parseOutputFormat(values.output);
  const timeoutMs = values.timeout === undefined ? undefined : parseTimeoutMs('--timeout', values.timeout);
  // Checked before the configuration, so a typo is named before any login is sent.
  checkServerArgument(server);
  const config = await loadCliConfig(values, io);
  const client = await createCliClient(config, io, { verbose: values.verbose === true, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  try {
    const onServer = serverCalls(client, server, io, values.verbose === true);
    const key = values.key;
    // --key reads one item (spec §3.2): a missing key is the server's 404 "Metadata item was not
    // found" (exit 4). Nova's key rules, so that a key with a space set on OpenStack can be read.
    const selected =
      key === undefined
        ? await onServer((serverId) => client.getServerMetadata(serverId, { signal: io.signal }))
        : { [key]: await onServer((serverId) => client.getServerMetadataItem(serverId, key, { signal: io.signal, keyRules: 'nova' })) };
    io.stdout.write(
      await formatMetadata(selected, { format, pretty: io.stdout.isTTY === true, key: values.key, envPrefix: values['env-prefix'] ?? 'ECS_META_' }),
    );
  } finally {
    client.close();
  }
}

/** `get` of several servers: see {@link runBatchGet}. */
async function runGetMany(sources: readonly IdSource[], values: ParsedCommandLine<typeof GET_COMMAND>['values'], io: CliIo): Promise<number> {
  if (values.key !== undefined) {
    // Checked once, before anything is sent, not as every server's own error.
    metadataKeySegment(values.key, 'nova');
  }
  const { runBatchGet } = await import('./get-batch.js');
  return runBatchGet({ sources, flags: values, key: values.key, resume: values.resume }, io);
}

function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) {
    return 'json';
  }
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output ${value} is for several servers; one server: ${OUTPUT_FORMATS.join(', ')}`);
  }
  return value as OutputFormat;
}
