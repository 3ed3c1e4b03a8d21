import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { MOCK_SERVE_COMMAND } from '../command-table.js';
import { parseCommandLine } from '../parse.js';

/** `ecs-metadata mock serve`: a long-running local endpoint for manual tests and verifiers. */
export async function run(args: readonly string[], io: CliIo): Promise<void> {
  const { values } = parseCommandLine(MOCK_SERVE_COMMAND, args);
  const port = Number(values.port ?? '8774');
  if (!/^\d+$/u.test(values.port ?? '8774') || port > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535; got "${values.port}"`);
  }
  const burst = values.burst === undefined ? undefined : wholeNumber('--burst', values.burst, 1);
  if (burst !== undefined && values.rate === undefined) {
    throw new UsageError('--burst needs --rate');
  }
  const servers = values.servers === undefined ? 0 : wholeNumber('--servers', values.servers, 0);
  const { DEFAULT_FIXTURE, loadFixture, parseRate, startMockProvider } = await import('@ecs-metadata/mock-provider');
  const rateLimit = values.rate === undefined ? undefined : { ratePerSecond: parseRate('--rate', values.rate), ...(burst === undefined ? {} : { burst }) };
  const fixture = values.fixture === undefined ? DEFAULT_FIXTURE : await loadFixture(values.fixture);
  const mock = await startMockProvider({ port, host: values.host ?? '127.0.0.1', fixture, rateLimit, generatedServers: servers });
  io.stderr.write(`Mock provider listening at ${mock.url}\n`);
  if (rateLimit !== undefined) {
    io.stderr.write(`  rate limit ${rateLimit.ratePerSecond}/s per project, burst ${rateLimit.burst ?? Math.max(1, Math.ceil(rateLimit.ratePerSecond))} (429 APIG.0308 past it)\n`);
  }
  if (servers > 0) {
    io.stderr.write(`  ${servers} generated servers f1ee7000-0000-4000-8000-000000000000 ... in the fixture's first project\n`);
  }
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

function wholeNumber(flag: string, value: string, min: number): number {
  const number = Number(value);
  if (!/^\d+$/u.test(value) || number < min || number > 10_000_000) {
    throw new UsageError(`${flag} must be a whole number from ${min} to 10000000; got "${value}"`);
  }
  return number;
}
