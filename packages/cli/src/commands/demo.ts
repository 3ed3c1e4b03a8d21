import { type EcsMetadataClient, resolveConfig } from '@ecs-metadata/client';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { createCliClient } from '../client-from-config.js';
import { DEMO_COMMAND } from '../command-table.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';
import { formatMetadata } from '../output.js';

/**
 * `ecs-metadata demo`: starts the embedded mock provider, reads the documentation's example
 * server through the real client, prints the result and stops. This is what `npm start` runs.
 */
export async function run(args: readonly string[], io: CliIo): Promise<void> {
  parseCommandLine(DEMO_COMMAND, args);
  // Loaded here, not at the top: `get` must not pay for the mock (DECISIONS "Packages").
  const { DEFAULT_FIXTURE, DEMO_TOKEN, startMockProvider } = await import('@ecs-metadata/mock-provider');
  const mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
  let client: EcsMetadataClient | undefined;
  try {
    // The shared config → client path, fed explicit values only: the user's environment and profiles do not apply.
    client = await createCliClient(resolveConfig({ endpoint: mock.url, projectId: EXAMPLE_PROJECT_ID, token: DEMO_TOKEN }, {}), io);
    io.stderr.write(`Embedded mock provider at ${mock.url}\n`);
    io.stderr.write(`GET /v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata\n`);
    const metadata = await client.getServerMetadata(EXAMPLE_SERVER_ID, { signal: io.signal });
    io.stdout.write(formatMetadata({ ...metadata }, { format: 'json', pretty: io.stdout.isTTY === true, envPrefix: '' }));
  } finally {
    client?.close();
    await mock.close();
  }
}
