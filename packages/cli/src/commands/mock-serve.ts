import { parseArgs } from 'node:util';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';

export const MOCK_SERVE_USAGE = `Usage: ecs-metadata mock serve [--port N] [--host H] [--fixture FILE]

Run the mock provider until interrupted (Ctrl-C).

Options:
  --port N        port to listen on (default 8774, Nova's; 0 picks a free one)
  --host H        address to bind (default 127.0.0.1)
  --fixture FILE  JSON fixture with tokens, access keys, users and servers (default: the documentation's example)
`;

/** `ecs-metadata mock serve`: a long-running local endpoint for manual tests and verifiers. */
export async function runMockServe(args: readonly string[], io: CliIo): Promise<void> {
  const { values, positionals } = parseCommandLine(() =>
    parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' }, fixture: { type: 'string' } },
    }),
  );
  if (positionals.length > 0) {
    throw new UsageError(`mock serve takes no arguments, got "${positionals.join(' ')}"\n\n${MOCK_SERVE_USAGE}`);
  }
  const port = Number(values.port ?? '8774');
  if (!/^\d+$/u.test(values.port ?? '8774') || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535; got "${values.port}"`);
  }
  const { DEFAULT_FIXTURE, loadFixture, startMockProvider } = await import('@ecs-metadata/mock-provider');
  const fixture = values.fixture === undefined ? DEFAULT_FIXTURE : await loadFixture(values.fixture);
  const mock = await startMockProvider({ port, host: values.host ?? '127.0.0.1', fixture });
  io.stderr.write(`Mock provider listening at ${mock.url}\n`);
  for (const { token, projectId } of fixture.tokens) {
    io.stderr.write(`  token ${token} → project ${projectId}\n`);
  }
  for (const { accessKey, projectId } of fixture.accessKeys ?? []) {
    io.stderr.write(`  access key ${accessKey} (secret key in the fixture) → project ${projectId}\n`);
  }
  if ((fixture.users ?? []).length > 0) {
    io.stderr.write(`  password login: OS_AUTH_URL=${mock.url}/v3\n`);
  }
  for (const { username, projectId } of fixture.users ?? []) {
    io.stderr.write(`  user ${username} (password in the fixture) → project ${projectId}\n`);
  }
  io.stderr.write('Press Ctrl-C to stop.\n');
  io.stdout.write(`${mock.url}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) {
      resolve();
    }
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await mock.close();
}
