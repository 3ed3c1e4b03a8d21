#!/usr/bin/env node
// Child-process entry: `node serve.mjs mock|minimal` starts that server, prints its URL on stdout and
// runs until stdin closes (the parent exiting) or SIGTERM. A server in its own process keeps its CPU
// out of the measured client's, and the client's out of its.
import { startMockProvider } from '@ecs-metadata/mock-provider';
import { DEFAULT_FIXTURE } from './fixture.mjs';
import { startMinimalServer } from './minimal-server.mjs';

const kind = process.argv[2];
const server =
  kind === 'mock'
    ? await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE })
    : kind === 'minimal'
      ? await startMinimalServer()
      : undefined;
if (server === undefined) {
  console.error(`usage: serve.mjs mock|minimal (got ${String(kind)})`);
  process.exit(2);
}
const stop = async () => {
  await server.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
process.stdout.write(`${server.url}\n`);
