import { parseArgs } from 'node:util';
import { EcsMetadataClient, resolveConfig, tokenAuth } from '@ecs-metadata/client';
import { type ApiVersion, apiVersionSchema, NotFoundError, parseWith } from '@ecs-metadata/core';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { formatMetadata, OUTPUT_FORMATS, type OutputFormat } from '../output.js';
import { parseCommandLine } from '../parse.js';

export const GET_USAGE = `Usage: ecs-metadata get <server-id> [options]

Print the metadata of a server.

Options:
  --project-id ID        project (env ECS_METADATA_PROJECT_ID, HUAWEICLOUD_SDK_PROJECT_ID, OS_PROJECT_ID)
  --endpoint URL         API endpoint (env ECS_METADATA_ENDPOINT)
  --token TOKEN          IAM/Keystone token (env ECS_METADATA_TOKEN, OS_TOKEN); prefer the environment
  --api-version V        v2 or v2.1 (default v2.1)
  --output FORMAT        json (default), table, env or value
  --key KEY              only this key (required by --output value)
  --env-prefix PREFIX    variable prefix for --output env (default ECS_META_)
  --timeout MS           timeout of each attempt in ms (default 30000)
  --verbose              log method, URL, status and request id to stderr (never secrets)
`;

/** `ecs-metadata get <server-id>`: prints the server's metadata. */
export async function runGet(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        'project-id': { type: 'string' },
        endpoint: { type: 'string' },
        token: { type: 'string' },
        'api-version': { type: 'string' },
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
  const apiVersion: ApiVersion = parseWith(apiVersionSchema, '--api-version', values['api-version'] ?? 'v2.1');
  const timeoutMs = values.timeout === undefined ? undefined : parseTimeout(values.timeout);
  const config = resolveConfig({ endpoint: values.endpoint, projectId: values['project-id'], token: values.token }, io.env);
  const verbose = values.verbose === true;

  const client = new EcsMetadataClient({
    endpoint: config.endpoint.value,
    projectId: config.projectId.value,
    auth: tokenAuth(config.token.value),
    apiVersion,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(verbose
      ? {
          onResponse: (event) =>
            io.stderr.write(`${event.method} ${event.url} → ${event.status} (attempt ${event.attempt}, request id ${event.requestId ?? 'none'})\n`),
        }
      : {}),
  });
  try {
    const metadata = await client.getServerMetadata(serverId, { signal: io.signal });
    const selected = values.key === undefined ? metadata : selectKey(metadata, values.key, serverId);
    io.stdout.write(
      formatMetadata(selected, { format, pretty: io.stdout.isTTY === true, key: values.key, envPrefix: values['env-prefix'] ?? 'ECS_META_' }),
    );
  } finally {
    client.close();
  }
}

function selectKey(metadata: Readonly<Record<string, string>>, key: string, serverId: string): Record<string, string> {
  const value = metadata[key];
  if (value === undefined) {
    throw new NotFoundError({
      status: 404,
      code: 'itemNotFound',
      message: `Metadata item was not found: server ${serverId} has no key "${key}"`,
      requestId: undefined,
      bodyExcerpt: '',
    });
  }
  return { [key]: value };
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
