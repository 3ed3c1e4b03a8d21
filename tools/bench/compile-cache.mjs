#!/usr/bin/env node
// What the bins' `module.enableCompileCache()` buys: `npm run bench:compile-cache` (options: --runs N,
// default 20; --node 22,24,26, default the supported lines of tools/node-runtimes.mjs).
// On each Node: `ecs-metadata get <id>` against a mock started beforehand (its own process), and
// `ecs-metadata-verify --version` (the verifier's start-up: Pact and its dependencies), each with the
// cache off (NODE_DISABLE_COMPILE_CACHE=1, which makes the launcher's call a no-op) and warm (a cache
// directory of this run, filled by the warm-up). Runs alternate between the variants; wall time is
// measured around the spawn, and the ratio is the median of per-round ratios.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureNodeRuntime, SUPPORTED_NODE_MAJORS } from '../node-runtimes.mjs';
import { startServerChild } from './lib/children.mjs';
import { DEMO_TOKEN, PROJECT_ID, SERVER_ID } from './lib/fixture.mjs';
import { machineLine, median, printTable } from './lib/report.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string' }, node: { type: 'string' } } });
const runs = Number(values.runs ?? 20);
const majors = values.node === undefined ? SUPPORTED_NODE_MAJORS : values.node.split(',');
const root = fileURLToPath(new URL('../..', import.meta.url));
const COMMANDS = [
  { name: 'ecs-metadata get', args: [join(root, 'packages/cli/bin/ecs-metadata.js'), 'get', SERVER_ID] },
  { name: 'ecs-metadata-verify --version', args: [join(root, 'packages/provider-verifier/bin/ecs-metadata-verify.js'), '--version'] },
];

async function runOnce(node, args, env) {
  const started = process.hrtime.bigint();
  const child = spawn(node, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${node} ${args.join(' ')} exited ${code}`);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const mock = await startServerChild('mock');
const scratch = mkdtempSync(join(tmpdir(), 'bench-compile-cache-'));
try {
  console.log(machineLine());
  console.log(`runs per variant: ${runs} (alternating, after one warm-up run each), mock at ${mock.url}\n`);
  const rows = [];
  for (const major of majors) {
    const node = join(ensureNodeRuntime(major), 'node');
    // An empty HOME and config home: no profile or clouds.yaml of this machine is read.
    const base = { PATH: process.env.PATH, HOME: scratch, XDG_CONFIG_HOME: scratch, ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN };
    const variants = COMMANDS.flatMap((command) => [
      { command, cache: 'off', env: { ...base, NODE_DISABLE_COMPILE_CACHE: '1' }, samples: [] },
      { command, cache: 'warm', env: { ...base, NODE_COMPILE_CACHE: join(scratch, `cache-${major}`) }, samples: [] },
    ]);
    for (const variant of variants) await runOnce(node, variant.command.args, variant.env); // page cache; fills the cache
    for (let run = 0; run < runs; run += 1) {
      for (const variant of variants) variant.samples.push(await runOnce(node, variant.command.args, variant.env));
    }
    for (const [off, warm] of [variants.slice(0, 2), variants.slice(2, 4)]) {
      rows.push([
        `node ${major}`,
        off.command.name,
        median(off.samples).toFixed(1),
        median(warm.samples).toFixed(1),
        median(warm.samples.map((sample, run) => sample / off.samples[run])).toFixed(2),
      ]);
    }
  }
  printTable(['node', 'command', 'cache off: wall ms (median)', 'cache warm: wall ms (median)', 'warm / off (paired median)'], rows);
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await mock.stop();
}
