#!/usr/bin/env node
/* global process, console, setTimeout */
// A 10,000-server batch read with `ecs-metadata get -` against the mock provider throttled at a fixed
// rate (per project, burst one second's worth, 429 APIG.0308 + Retry-After past it). Prints the wall
// time against the ideal N / rate, the 429s and the failures. `--command set` measures a batch merge
// (`ecs-metadata set - bench=1`) the same way, `--command both` runs the read and then the merge on
// the same fleet and prints their requests per second side by side. Not part of `npm test`.
//
//   npm run bench:batch                         # 10,000 servers at 200/s
//   node tools/bench/batch-throttled.mjs --servers 3000 --rate 100
//   node tools/bench/batch-throttled.mjs --servers 3000 --command both
import { parseArgs } from 'node:util';
import { fleetServerId, startMockProvider } from '@ecs-metadata/mock-provider';
import { runCli, writeLines } from './batch-support.mjs';
import { DEMO_TOKEN, PROJECT_ID } from './lib/fixture.mjs';
import { machineLine, printTable, verdict } from './lib/report.mjs';

const { values } = parseArgs({
  options: { servers: { type: 'string', default: '10000' }, rate: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '16' }, command: { type: 'string', default: 'get' } },
});
const COMMANDS = { get: ['get', '-'], set: ['set', '-', 'bench=1'] };
if (!['get', 'set', 'both'].includes(values.command)) throw new Error(`--command must be get, set or both; got ${values.command}`);
const TARGET_WALL_RATIO = 1.05;
const servers = Number(values.servers);
const rate = Number(values.rate);

const mock = await startMockProvider({ port: 0, rateLimit: { ratePerSecond: rate }, generatedServers: servers });
try {
  console.log(machineLine());
  const rows = [];
  const rates = {};
  for (const command of values.command === 'both' ? ['get', 'set'] : [values.command]) {
    const measured = await measure(command);
    rates[command] = measured.requestsPerSecond;
    rows.push(...measured.rows);
    // The next command starts with a full bucket, as the first did.
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }
  if (rates.get !== undefined && rates.set !== undefined) {
    console.log(`\nrequests/s: get ${rates.get.toFixed(1)}, set ${rates.set.toFixed(1)} (set / get ${(rates.set / rates.get).toFixed(3)}×)`);
  }
  console.log('\ntargets:');
  printTable(['measure', 'target', 'measured', 'verdict'], rows);
  process.exitCode = rows.every((row) => row[3] === 'PASS') ? 0 : 1;
} finally {
  await mock.close();
}

async function measure(command) {
  let ok = 0;
  let failed = 0;
  let responses = 0;
  let throttled = 0;
  // --verbose logs every attempt's status to stderr: the count of 429s the provider answered.
  const run = await runCli([...COMMANDS[command], '--verbose', '--concurrency', values.concurrency], { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN }, {
    feed: (stdin) => writeLines(stdin, servers, fleetServerId),
    onLine: (line) => {
      if (line.startsWith('{"serverId"')) {
        if (line.includes('"error":')) failed += 1;
        else ok += 1;
      }
    },
  });
  for (const line of run.stderr.split('\n')) {
    if (/ → \d{3} \(attempt /u.test(line)) {
      responses += 1;
      if (/ → 429 /u.test(line)) throttled += 1;
    }
  }
  const idealMs = (servers / rate) * 1000;
  const wallRatio = run.wallMs / idealMs;
  const throttledShare = throttled / responses;
  console.log(`\n${command}: servers ${servers}, mock rate ${rate}/s per project (burst ${rate}), CLI concurrency ${values.concurrency}, exit code ${run.code}`);
  console.log(`wall ${(run.wallMs / 1000).toFixed(1)} s, ideal N/rate ${(idealMs / 1000).toFixed(1)} s; requests ${responses}, answered 429: ${throttled}`);
  console.log(run.stderr.split('\n').filter((line) => line.startsWith('ecs-metadata:')).join('\n'));
  // Issue 15 (reads) and 17 (writes): wall within 1.05× N/rate, no failure; the 429 share is the rate limiter's own target.
  return {
    requestsPerSecond: (servers * 1000) / run.wallMs,
    rows: [
      [`${command}: wall time / (N / rate)`, `≤ ${TARGET_WALL_RATIO}×`, `${wallRatio.toFixed(3)}×`, verdict(wallRatio, TARGET_WALL_RATIO, { higherIsBetter: false })],
      [`${command}: share of answers that are 429`, '≤ 5 %', `${(throttledShare * 100).toFixed(2)} %`, verdict(throttledShare, 0.05, { higherIsBetter: false })],
      [`${command}: servers failed`, '0', String(failed), failed === 0 && ok === servers ? 'PASS' : 'MISS'],
    ],
  };
}
