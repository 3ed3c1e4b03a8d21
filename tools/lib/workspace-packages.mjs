// The workspace's packages, read once from packages/*/package.json: one listing for every tool that
// packs, publishes, checks or runs them, so "publishable" means the same thing everywhere.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The workspace root (this file is tools/lib/). */
export const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * `{ dir, pkg }` for every folder of packages/ with a package.json, sorted by folder (`dir` absolute,
 * `pkg` its parsed package.json); with `publishableOnly`, only those not marked `private`.
 */
export function workspacePackages({ publishableOnly = false } = {}) {
  const packagesDir = join(workspaceRoot, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !publishableOnly || pkg.private !== true);
}
