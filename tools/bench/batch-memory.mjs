#!/usr/bin/env node
/* global process, console */
// A 100,000-id batch read with `ecs-metadata get -`, the ids piped to its stdin, against the mock
// provider (not throttled): the CLI's peak RSS, against a one-server `get` as the baseline and the
// 150 MB target. Not part of `npm test`.
//
//   npm run bench:batch-memory
//   node tools/bench/batch-memory.mjs --servers 20000
import { parseArgs } from 'node:util';
import { fleetServerId, startMockProvider } from '@ecs-metadata/mock-provider';
import { mb, runCli, writeLines } from './batch-support.mjs';
import { DEMO_TOKEN, PROJECT_ID } from './lib/fixture.mjs';
import { machineLine, printTable, verdict } from './lib/report.mjs';

const { values } = parseArgs({ options: { servers: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '16' } } });
const servers = Number(values.servers);
const TARGET_BYTES = 150 * 2 ** 20;

const mock = await startMockProvider({ port: 0, generatedServers: servers });
const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN };
try {
  const single = await runCli(['get', fleetServerId(0)], env);
  let lines = 0;
  let failed = 0;
  const batch = await runCli(['get', '-', '--concurrency', values.concurrency], env, {
    feed: (stdin) => writeLines(stdin, servers, fleetServerId),
    onLine: (line) => {
      lines += 1;
      if (line.includes('"error":')) failed += 1;
    },
  });
  console.log(machineLine());
  console.log(`one-server get: peak RSS ${mb(single.maxRssBytes)} (exit ${single.code})`);
  console.log(`${servers}-id batch from stdin: peak RSS ${mb(batch.maxRssBytes)} (exit ${batch.code}), ${lines} lines, ${failed} failed, ${(batch.wallMs / 1000).toFixed(1)} s (${Math.round(servers / (batch.wallMs / 1000))}/s)`);
  console.log(`ratio batch / one-server peak RSS ${(batch.maxRssBytes / single.maxRssBytes).toFixed(2)}`);
  console.log('\ntargets:');
  printTable(
    ['measure', 'target', 'measured', 'verdict'],
    [
      [`${servers}-id batch peak RSS, no forced GC`, '≤ 150 MB', mb(batch.maxRssBytes), verdict(batch.maxRssBytes, TARGET_BYTES, { higherIsBetter: false })],
      ['lines out, failed', `${servers}, 0`, `${lines}, ${failed}`, lines === servers && failed === 0 ? 'PASS' : 'MISS'],
    ],
  );
  const met = batch.maxRssBytes <= TARGET_BYTES && lines === servers && failed === 0;
  console.log(met ? 'targets met' : 'TARGET MISSED');
  process.exitCode = met ? 0 : 1;
} finally {
  await mock.close();
}
