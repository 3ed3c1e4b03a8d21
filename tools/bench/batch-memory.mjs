#!/usr/bin/env node
/* global process, console */
// A 100,000-id batch read with `ecs-metadata get -`, the ids piped to its stdin, against the mock
// provider (not throttled): the CLI's peak RSS, against a one-server `get` as the baseline and the
// 150 MB target, and beside it the same batch in V8's default heap (the CLI before it restarted a
// streamed batch in a capped heap), with wall and CPU time of both. Not part of `npm test`.
//
//   npm run bench:batch-memory
//   node tools/bench/batch-memory.mjs --servers 20000
import { parseArgs } from 'node:util';
import { fleetServerId, startMockProvider } from '@ecs-metadata/mock-provider';
import { DEFAULT_HEAP_ARGS, mb, ratio, runCli, writeLines } from './batch-support.mjs';
import { DEMO_TOKEN, PROJECT_ID } from './lib/fixture.mjs';
import { machineLine, printTable, verdict } from './lib/report.mjs';

const { values } = parseArgs({ options: { servers: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '16' } } });
const servers = Number(values.servers);
const TARGET_BYTES = 150 * 2 ** 20;

const mock = await startMockProvider({ port: 0, generatedServers: servers });
const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN };
try {
  const single = await runCli(['get', fleetServerId(0)], env);
  const runBatch = async (nodeArgs) => {
    let lines = 0;
    let failed = 0;
    const run = await runCli(['get', '-', '--concurrency', values.concurrency], env, {
      feed: (stdin) => writeLines(stdin, servers, fleetServerId),
      onLine: (line) => {
        lines += 1;
        if (line.includes('"error":')) failed += 1;
      },
      nodeArgs,
    });
    return { ...run, lines, failed };
  };
  const describe = (run) =>
    `peak RSS ${mb(run.maxRssBytes)} (exit ${run.code}), ${run.lines} lines, ${run.failed} failed, wall ${(run.wallMs / 1000).toFixed(1)} s (${Math.round(servers / (run.wallMs / 1000))}/s), CPU ${(run.cpuMs / 1000).toFixed(1)} s`;
  const batch = await runBatch([]);
  const defaultHeap = await runBatch(DEFAULT_HEAP_ARGS);
  const { lines, failed } = batch;
  console.log(machineLine());
  console.log(`one-server get: peak RSS ${mb(single.maxRssBytes)} (exit ${single.code})`);
  console.log(`${servers}-id batch from stdin, as shipped (capped heap): ${describe(batch)}`);
  console.log(`the same in V8's default heap (${DEFAULT_HEAP_ARGS.join(' ')}): ${describe(defaultHeap)}`);
  console.log(`capped / default heap: peak RSS ${ratio(batch.maxRssBytes, defaultHeap.maxRssBytes)}, wall ${ratio(batch.wallMs, defaultHeap.wallMs)}, CPU ${ratio(batch.cpuMs, defaultHeap.cpuMs)}`);
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
