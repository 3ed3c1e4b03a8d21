import { parseArgs } from 'node:util';
import { encodePathSegment, parseWith, serverIdSchema } from '@ecs-metadata/core';
import { CONFIG_FLAGS, CONFIG_FLAGS_USAGE, createCliClient, loadCliConfig } from '../client-from-config.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatMetadata, OUTPUT_FORMATS, type OutputFormat } from '../output.js';
import { parseCommandLine } from '../parse.js';

export const GET_USAGE = `Usage: ecs-metadata get <server-id> [options]

Print the metadata of a server.

Options:
  --output FORMAT        json (default), table, env or value
  --key KEY              only this item, read with GET .../metadata/KEY (required by --output value)
  --env-prefix PREFIX    variable prefix for --output env (default ECS_META_)
  --timeout MS           timeout of each attempt in ms (default 30000)
  --verbose              log method, URL, status and request id to stderr (never secrets)

${CONFIG_FLAGS_USAGE}`;

/** `ecs-metadata get <server-id>`: prints the server's metadata. */
export async function runGet(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        ...CONFIG_FLAGS,
        output: { type: 'string', short: 'o' },
        key: { type: 'string' },
        'env-prefix': { type: 'string' },
        timeout: { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
      },
    }),
  );
  if (positionals.length !== 1) {
    throw new UsageError(`get takes exactly one <server-id>, got ${positionals.length}\n\n${GET_USAGE}`);
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
      formatMetadata(selected, { format, pretty: io.stdout.isTTY === true, key: values.key, envPrefix: values['env-prefix'] ?? 'ECS_META_' }),
    );
  } finally {
    client.close();
  }
}

function parseOutputFormat(value: string | undefined): OutputFormat {
  if (value === undefined) {
    return 'json';
  }
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}; got "${value}"`);
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
