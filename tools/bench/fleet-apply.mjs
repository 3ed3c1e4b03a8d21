#!/usr/bin/env node
/* global process, console */
// Issue 17's targets for `ecs-metadata apply` and `plan`, against the mock provider. Not part of
// `npm test`; prints ratios and PASS/MISS, recorded in docs/performance.md.
//
// 1. A 3,000-server `apply` against the mock throttled at 200/s (per project, burst one second's
//    worth): wall time against (requests the plan needs / rate), where the requests are those the
//    provider accepted (the 429s it turned away cost no budget and are reported apart); then every
//    server read back from the mock's store: 0 lost writes (each holds exactly the desired map) and
//    0 duplicated (no write request sent twice for a server: from the --verbose log).
// 2. A 100,000-server NDJSON desired-state file through `plan` (unthrottled mock): peak RSS.
//
//   npm run bench:fleet                                   # both, 3,000 at 200/s and 100,000
//   node tools/bench/fleet-apply.mjs --servers 3000 --rate 200 --plan-servers 100000
//   node tools/bench/fleet-apply.mjs --skip apply --node-options='--max-semi-space-size=4 --max-old-space-size=96'
//
// The plan runs twice: as shipped (the CLI restarts it in a capped heap) and in V8's default heap.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fleetServerId, startMockProvider } from '@ecs-metadata/mock-provider';
import { DEFAULT_HEAP_ARGS, mb, ratio, runCli } from './batch-support.mjs';
import { DEMO_TOKEN, PROJECT_ID } from './lib/fixture.mjs';
import { machineLine, printTable, verdict } from './lib/report.mjs';

const { values } = parseArgs({
  options: {
    servers: { type: 'string', default: '3000' },
    rate: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '16' },
    'plan-servers': { type: 'string', default: '100000' },
    skip: { type: 'string', default: '' },
    // V8 flags on the command line of the plan's CLI process (e.g. "--max-old-space-size=96"), instead of its own.
    'node-options': { type: 'string', default: '' },
  },
});
const TARGET_WALL_RATIO = 1.1;
const TARGET_PLAN_RSS_BYTES = 200 * 2 ** 20;
const servers = Number(values.servers);
const rate = Number(values.rate);
const planServers = Number(values['plan-servers']);
const dir = mkdtempSync(join(tmpdir(), 'ecs-metadata-fleet-bench-'));

/** A third of the servers get a merge of two keys (one POST), a third an exact map (a DELETE and a PUT), a third an unset (a DELETE). */
const entryOf = (i) => {
  const serverId = fleetServerId(i);
  return i % 3 === 0 ? { serverId, set: { owner: 'ops', env: 'prod' } } : i % 3 === 1 ? { serverId, metadata: { owner: 'ops' } } : { serverId, unset: ['index'] };
};
const expectedOf = (i) => (i % 3 === 0 ? { index: String(i), owner: 'ops', env: 'prod' } : i % 3 === 1 ? { owner: 'ops' } : {});
const writesOf = (i) => (i % 3 === 1 ? 2 : 1);

function desiredFile(name, count) {
  const path = join(dir, name);
  let text = '';
  for (let i = 0; i < count; i += 1) text += `${JSON.stringify(entryOf(i))}\n`;
  writeFileSync(path, text);
  return path;
}

const sameMap = (a, b) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b).sort());
const rows = [];
console.log(machineLine());
try {
  if (!values.skip.includes('apply')) {
    const mock = await startMockProvider({ port: 0, rateLimit: { ratePerSecond: rate }, generatedServers: servers });
    try {
      const file = desiredFile('apply.ndjson', servers);
      const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN, XDG_STATE_HOME: join(dir, 'state') };
      const run = await runCli(['apply', file, '--verbose', '--concurrency', values.concurrency], env);
      let accepted = 0;
      let throttled = 0;
      const writesPerServer = new Map();
      for (const line of run.stderr.split('\n')) {
        const match = / (GET|PUT|POST|DELETE) (\S+) → (\d{3}) \(attempt /u.exec(` ${line}`);
        if (match === null) continue;
        const [, method, url, status] = match;
        if (status === '429') {
          throttled += 1;
          continue;
        }
        accepted += 1;
        if (method !== 'GET') {
          const server = /\/servers\/([^/]+)\/metadata/u.exec(url)?.[1] ?? url;
          writesPerServer.set(server, (writesPerServer.get(server) ?? 0) + 1);
        }
      }
      const planned = Array.from({ length: servers }, (_, i) => 2 + writesOf(i)).reduce((sum, n) => sum + n, 0);
      const idealMs = (accepted / rate) * 1000;
      const wallRatio = run.wallMs / idealMs;
      let lost = 0;
      for (let i = 0; i < servers; i += 1) {
        if (!sameMap(mock.admin.getServer(PROJECT_ID, fleetServerId(i))?.metadata, expectedOf(i))) lost += 1;
      }
      let duplicated = 0;
      for (let i = 0; i < servers; i += 1) {
        duplicated += Math.max(0, (writesPerServer.get(fleetServerId(i)) ?? 0) - writesOf(i));
      }
      console.log(`\napply: ${servers} servers, mock ${rate}/s per project (burst ${rate}), concurrency ${values.concurrency}, exit code ${run.code}`);
      console.log(`  requests accepted ${accepted} (the plan needs ${planned}: a read to plan, a re-read before writing, the writes), answered 429: ${throttled}`);
      console.log(`  wall ${(run.wallMs / 1000).toFixed(1)} s, ideal accepted/rate ${(idealMs / 1000).toFixed(1)} s; with the 429s counted as sent: ${(run.wallMs / (((accepted + throttled) / rate) * 1000)).toFixed(3)}×`);
      console.log(`  peak RSS ${mb(run.maxRssBytes)}`);
      console.log(run.stderr.split('\n').filter((line) => line.startsWith('ecs-metadata:')).map((line) => `  ${line}`).join('\n'));
      rows.push(['apply wall / (requests accepted / rate)', `≤ ${TARGET_WALL_RATIO}×`, `${wallRatio.toFixed(3)}×`, verdict(wallRatio, TARGET_WALL_RATIO, { higherIsBetter: false })]);
      rows.push(['servers not at the desired map (lost writes)', '0', String(lost), lost === 0 && run.code === 0 ? 'PASS' : 'MISS']);
      rows.push(['write requests beyond the plan (duplicates)', '0', String(duplicated), duplicated === 0 && accepted === planned ? 'PASS' : 'MISS']);
    } finally {
      await mock.close();
    }
  }
  if (!values.skip.includes('plan')) {
    const mock = await startMockProvider({ port: 0, generatedServers: planServers });
    try {
      const file = desiredFile('plan.ndjson', planServers);
      const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN };
      const runPlan = async (nodeArgs, label) => {
        let lines = 0;
        const run = await runCli(['plan', file, '--concurrency', values.concurrency], env, { onLine: () => (lines += 1), nodeArgs });
        console.log(`\nplan: ${planServers} servers (an NDJSON file), unthrottled mock, ${label}: exit code ${run.code}, ${lines} lines, wall ${(run.wallMs / 1000).toFixed(1)} s, CPU ${(run.cpuMs / 1000).toFixed(1)} s, peak RSS ${mb(run.maxRssBytes)}`);
        console.log(run.stderr.split('\n').filter((line) => line.startsWith('ecs-metadata:')).map((line) => `  ${line}`).join('\n'));
        return { ...run, lines };
      };
      const shipped = values['node-options'] === '' ? [] : values['node-options'].split(' ');
      const run = await runPlan(shipped, shipped.length === 0 ? 'as shipped' : `CLI flags ${values['node-options']}`);
      const defaultHeap = await runPlan(DEFAULT_HEAP_ARGS, `V8's default heap (${DEFAULT_HEAP_ARGS.join(' ')})`);
      console.log(`\nplan, ${shipped.length === 0 ? 'as shipped' : 'with those flags'} / default heap: peak RSS ${ratio(run.maxRssBytes, defaultHeap.maxRssBytes)}, wall ${ratio(run.wallMs, defaultHeap.wallMs)}, CPU ${ratio(run.cpuMs, defaultHeap.cpuMs)}`);
      rows.push([`plan of ${planServers} servers: peak RSS`, '≤ 200 MB', mb(run.maxRssBytes), run.lines === planServers ? verdict(run.maxRssBytes, TARGET_PLAN_RSS_BYTES, { higherIsBetter: false }) : 'MISS (lines)']);
    } finally {
      await mock.close();
    }
  }
  console.log('\ntargets:');
  printTable(['measure', 'target', 'measured', 'verdict'], rows);
  process.exitCode = rows.every((row) => row[3] === 'PASS') ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
