#!/usr/bin/env node
// CLI start-up benchmark: `npm run bench:cli` (options: --runs N, default 30).
// `ecs-metadata get <id>` against a mock started beforehand in its own process (the CLI does not pay
// for starting it), next to a bare node script doing one global-fetch GET. Runs alternate between the
// variants; each run's wall time is measured here around the spawn, its peak RSS by /usr/bin/time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServerChild } from './lib/children.mjs';
import { DEMO_TOKEN, METADATA_BODY, METADATA_PATH, PROJECT_ID, SERVER_ID } from './lib/fixture.mjs';
import { machineLine, median, printTable, verdict } from './lib/report.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string' } } });
const runs = Number(values.runs ?? 30);
// Issue 15's targets: `get` within 2× an empty node start and 0.8× a bare global-fetch script.
const TARGET_EMPTY_RATIO = 2;
const TARGET_FETCH_RATIO = 0.8;
const root = fileURLToPath(new URL('../..', import.meta.url));
const TIME = '/usr/bin/time';
const EXPECTED_OUTPUTS = new Set([METADATA_BODY, JSON.stringify(JSON.parse(METADATA_BODY).metadata)]);

const mock = await startServerChild('mock');
// An empty config home and HOME: no profile or clouds.yaml of this machine is read.
const home = mkdtempSync(join(tmpdir(), 'bench-cli-'));
const env = {
  PATH: process.env.PATH,
  HOME: home,
  XDG_CONFIG_HOME: home,
  ECS_METADATA_ENDPOINT: mock.url,
  ECS_METADATA_PROJECT_ID: PROJECT_ID,
  ECS_METADATA_TOKEN: DEMO_TOKEN,
};
const VARIANTS = [
  { name: 'node -e 0 (empty start)', args: ['-e', '0'], expectsOutput: false },
  { name: 'bare node fetch script (floor)', args: [join(root, 'tools/bench/bare-fetch-get.mjs'), `${mock.url}${METADATA_PATH}`] },
  { name: 'ecs-metadata get (bin as shipped)', args: [join(root, 'packages/cli/bin/ecs-metadata.js'), 'get', SERVER_ID] },
  { name: 'ecs-metadata get (tsc dist, lazy imports)', args: [join(root, 'packages/cli/dist/bin.js'), 'get', SERVER_ID] },
];

async function runOnce(args, expectsOutput = true) {
  const rssFile = join(home, 'rss');
  const started = process.hrtime.bigint();
  const child = spawn(TIME, ['-f', '%M', '-o', rssFile, process.execPath, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const [code] = await once(child, 'exit');
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  // The CLI prints the metadata map, the bare script the whole body: either proves the GET was made.
  if (code !== 0 || (expectsOutput && !EXPECTED_OUTPUTS.has(stdout.trim()))) {
    throw new Error(`${args.join(' ')} exited ${code} printing ${stdout}`);
  }
  return { wallMs, maxRssKb: Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) };
}

try {
  console.log(machineLine());
  console.log(`runs per variant: ${runs} (alternating, after one warm-up run each), mock at ${mock.url}\n`);
  for (const variant of VARIANTS) {
    await runOnce(variant.args, variant.expectsOutput); // warm the page cache
    variant.samples = [];
  }
  for (let run = 0; run < runs; run += 1) {
    for (const variant of VARIANTS) {
      variant.samples.push(await runOnce(variant.args, variant.expectsOutput));
    }
  }
  const [empty, floor, shippedVariant] = VARIANTS;
  const floorRss = median(floor.samples.map((s) => s.maxRssKb));
  printTable(
    ['variant', 'wall ms (median)', 'min', 'peak RSS MB (median)', '× floor wall (paired median)', '× floor RSS'],
    VARIANTS.map((variant) => {
      const wall = median(variant.samples.map((s) => s.wallMs));
      const rss = median(variant.samples.map((s) => s.maxRssKb));
      const pairedRatio = median(variant.samples.map((s, run) => s.wallMs / floor.samples[run].wallMs));
      return [variant.name, wall.toFixed(1), Math.min(...variant.samples.map((s) => s.wallMs)).toFixed(1), (rss / 1024).toFixed(1), pairedRatio.toFixed(2), (rss / floorRss).toFixed(2)];
    }),
  );
  // The verdict uses the median of per-round ratios: both runs of a round saw the same machine load.
  const ratioTo = (base) => median(shippedVariant.samples.map((s, run) => s.wallMs / base.samples[run].wallMs));
  const toEmpty = ratioTo(empty);
  const toFetch = ratioTo(floor);
  console.log(`\ntargets (node ${process.versions.node}):`);
  printTable(
    ['measure', 'target', 'measured', 'verdict'],
    [
      ['ecs-metadata get wall time / node -e 0', `≤ ${TARGET_EMPTY_RATIO}×`, `${toEmpty.toFixed(2)}×`, verdict(toEmpty, TARGET_EMPTY_RATIO, { higherIsBetter: false })],
      ['ecs-metadata get wall time / bare fetch script', `≤ ${TARGET_FETCH_RATIO}×`, `${toFetch.toFixed(2)}×`, verdict(toFetch, TARGET_FETCH_RATIO, { higherIsBetter: false })],
    ],
  );
} finally {
  rmSync(home, { recursive: true, force: true });
  await mock.stop();
}
