#!/usr/bin/env node
// Fails when a runtime dependency of a published package falls a major behind the registry without a
// written reason. "Runtime dependency": an entry of `dependencies` in a non-private packages/*
// package.json (our own @ecs-metadata/* excepted). Its installed version comes from the lockfile;
// the registry's latest version from tools/dependency-majors.json, a table recorded by `--refresh`,
// so `npm test` needs no network and cannot flake on it. A dependency held back on purpose has a
// line in docs/decisions.md reading **Held back: `name` N.x** (N its installed major) and why; a
// line that no longer matches the installed major fails too, so it cannot outlive the upgrade.
//
//   node tools/check-dependency-majors.mjs             offline, against the recorded table (npm test)
//   node tools/check-dependency-majors.mjs --online    against the registry's `latest` now (CI)
//   node tools/check-dependency-majors.mjs --refresh   re-record the table from the registry
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { workspacePackages } from './lib/workspace-packages.mjs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const TABLE_FILE = join(root, 'tools', 'dependency-majors.json');
const DECISIONS_FILE = join(root, 'docs', 'decisions.md');
const HELD_BACK = /\*\*Held back: `([^`]+)` (\d+(?:\.\d+)?)\.x\*\*/g;

/** The line a major is counted in: `4` for 4.6.7, `0.28` for 0.28.20 (a caret range's unit). */
export function majorOf(version) {
  const [major, minor] = version.split('.');
  return major === '0' ? `0.${minor}` : major;
}

/** `{ name, range, package }` for every runtime dependency of every published package. */
function runtimeDependencies() {
  return workspacePackages({ publishableOnly: true }).flatMap(({ pkg }) =>
    Object.entries(pkg.dependencies ?? {})
      .filter(([name]) => !name.startsWith('@ecs-metadata/'))
      .map(([name, range]) => ({ name, range, package: pkg.name })),
  );
}

/** The version the lockfile installs for `name` as seen from `packages/<dir>` (nested first, then hoisted). */
function installedVersion(lock, packageName, name) {
  const dir = Object.keys(lock.packages).find((key) => lock.packages[key].name === packageName && key.startsWith('packages/'));
  return (dir && lock.packages[`${dir}/node_modules/${name}`]?.version) ?? lock.packages[`node_modules/${name}`]?.version;
}

function latestFromRegistry(name) {
  return JSON.parse(execFileSync('npm', ['view', name, 'dist-tags.latest', '--json'], { encoding: 'utf8', cwd: root }));
}

const { values: flags } = parseArgs({ options: { online: { type: 'boolean' }, refresh: { type: 'boolean' } } });
const dependencies = runtimeDependencies();
const names = [...new Set(dependencies.map((dependency) => dependency.name))].sort();

if (flags.refresh) {
  const latest = Object.fromEntries(names.map((name) => [name, latestFromRegistry(name)]));
  writeFileSync(TABLE_FILE, `${JSON.stringify({ recorded: new Date().toISOString().slice(0, 10), latest }, null, 2)}\n`);
  console.log(`recorded the registry's latest version of ${names.length} runtime dependencies in ${TABLE_FILE}`);
  process.exit(0);
}

const table = JSON.parse(readFileSync(TABLE_FILE, 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const heldBack = new Map([...readFileSync(DECISIONS_FILE, 'utf8').matchAll(HELD_BACK)].map(([, name, major]) => [name, major]));
const problems = [];
for (const { name, range, package: packageName } of dependencies) {
  const latest = flags.online ? latestFromRegistry(name) : table.latest[name];
  if (latest === undefined) {
    problems.push(`${packageName} depends on ${name}, which tools/dependency-majors.json does not list: run node tools/check-dependency-majors.mjs --refresh`);
    continue;
  }
  const installed = installedVersion(lock, packageName, name);
  if (installed === undefined) {
    problems.push(`${packageName} depends on ${name} ${range}, but package-lock.json installs no ${name} for it: run npm install`);
    continue;
  }
  const reason = heldBack.get(name);
  const behind = majorOf(installed) !== majorOf(latest);
  const line = `${packageName}: ${name} ${range} installs ${installed}, latest ${latest}`;
  if (behind && reason !== majorOf(installed)) {
    problems.push(`${line}: a major behind, and docs/decisions.md has no "**Held back: \`${name}\` ${majorOf(installed)}.x**" line saying why`);
  } else if (!behind && reason !== undefined) {
    problems.push(`${line}: current, but docs/decisions.md still holds it back at ${reason}.x: remove that line`);
  } else {
    console.log(`ok   ${line}${behind ? ` (held back at ${reason}.x, docs/decisions.md)` : ''}`);
  }
}
for (const [name, major] of heldBack) {
  if (!names.includes(name)) problems.push(`docs/decisions.md holds back ${name} ${major}.x, which no published package depends on: remove that line`);
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`runtime dependencies: none a major behind without a reason (registry ${flags.online ? 'now' : `as recorded ${table.recorded}`})`);
