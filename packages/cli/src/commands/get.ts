import { encodePathSegment, parseWith, serverIdSchema } from '@ecs-metadata/core';
import { DEFAULT_BATCH_CONCURRENCY } from '@ecs-metadata/client';
import { checkFileSources, type IdSource } from '../batch/id-source.js';
import { GET_COMMAND } from '../command-table.js';
import { createCliClient, loadCliConfig } from '../client-from-config.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatMetadata, OUTPUT_FORMATS, type OutputFormat } from '../output.js';
import { type ParsedCommandLine, parseCommandLine } from '../parse.js';
import { BATCH_OUTPUT_FORMATS, type BatchOutputFormat } from './batch-formats.js';

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
  if (positionals.length !== 1 || positionals[0] === '-' || fromFile !== undefined || batchFormat) {
    return runGetMany(positionals, values, io);
  }
  const serverId = positionals[0] as string;
  const format = parseOutputFormat(values.output);
  const timeoutMs = values.timeout === undefined ? undefined : parseTimeout(values.timeout);
  // Checked before the configuration, so a typo is named before any login is sent.
  encodePathSegment('serverId', parseWith(serverIdSchema, 'serverId', serverId));
  const config = await loadCliConfig(values, io);
  const client = await createCliClient(config, io, { verbose: values.verbose === true, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  try {
    // --key reads one item (spec §3.2): a missing key is the server's 404 "Metadata item was not
    // found" (exit 4). Nova's key rules, so that a key with a space set on OpenStack can be read.
    const selected =
      values.key === undefined
        ? await client.getServerMetadata(serverId, { signal: io.signal })
        : { [values.key]: await client.getServerMetadataItem(serverId, values.key, { signal: io.signal, keyRules: 'nova' }) };
    io.stdout.write(
      await formatMetadata(selected, { format, pretty: io.stdout.isTTY === true, key: values.key, envPrefix: values['env-prefix'] ?? 'ECS_META_' }),
    );
  } finally {
    client.close();
  }
}

/** `get` of several servers: see {@link runBatchGet}. */
async function runGetMany(
  positionals: readonly string[],
  values: ParsedCommandLine<typeof GET_COMMAND>['values'],
  io: CliIo,
): Promise<number> {
  if (values.key !== undefined) {
    throw new UsageError('--key reads one item of one server; it cannot be used with several servers');
  }
  const format = parseBatchFormat(values.output, io);
  const concurrency = values.concurrency === undefined ? DEFAULT_BATCH_CONCURRENCY : parseConcurrency(values.concurrency);
  const timeoutMs = values.timeout === undefined ? undefined : parseTimeout(values.timeout);
  const sources: IdSource[] = positionals.map((arg) => (arg === '-' ? { kind: 'stdin' } : { kind: 'id', id: arg }));
  if (values['from-file'] !== undefined) {
    sources.push(values['from-file'] === '-' ? { kind: 'stdin' } : { kind: 'file', path: values['from-file'] });
  }
  if (sources.filter((source) => source.kind === 'stdin').length > 1) {
    throw new UsageError('stdin can be read once: give "-" (or --from-file -) only once');
  }
  await checkFileSources(sources);
  const { runBatchGet } = await import('./get-batch.js');
  const config = await loadCliConfig(values, io);
  const client = await createCliClient(config, io, { verbose: values.verbose === true, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  try {
    return await runBatchGet({ sources, format, concurrency, failFast: values['fail-fast'] === true }, client, io);
  } finally {
    client.close();
  }
}

function parseBatchFormat(value: string | undefined, io: CliIo): BatchOutputFormat {
  if (value === undefined) {
    return io.stdout.isTTY === true ? 'text' : 'ndjson';
  }
  if (!(BATCH_OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output with several servers must be one of ${BATCH_OUTPUT_FORMATS.join(', ')}; got "${value}"`);
  }
  return value as BatchOutputFormat;
}

function parseConcurrency(value: string): number {
  const concurrency = Number(value);
  if (!/^\d+$/u.test(value) || concurrency < 1 || concurrency > 1024) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 1024; got "${value}"`);
  }
  return concurrency;
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

function parseTimeout(value: string): number {
  const timeout = Number(value);
  if (!/^\d+$/u.test(value) || timeout <= 0) {
    throw new UsageError(`--timeout must be a positive number of milliseconds; got "${value}"`);
  }
  return timeout;
}
