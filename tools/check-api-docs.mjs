#!/usr/bin/env node
// Fails when docs/api/ is not what `npm run docs:api` generates from the current sources: the
// reference is regenerated into a temporary folder (same typedoc.json, so undocumented exports
// fail here too) and compared file by file. Fix: `npm run docs:api` and commit docs/api/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const committed = join(workspaceRoot, 'docs', 'api');
const typedocBin = join(workspaceRoot, 'node_modules', 'typedoc', 'bin', 'typedoc');

function listFiles(root, dir = root) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(root, join(dir, entry.name)) : [relative(root, join(dir, entry.name))],
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'ecs-metadata-api-docs-'));
try {
  const fresh = join(scratch, 'api');
  try {
    execFileSync(process.execPath, [typedocBin, '--out', fresh], { cwd: workspaceRoot, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    console.error(`typedoc failed (an undocumented export, a broken link?):\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    process.exit(1);
  }
  const expected = new Set(listFiles(fresh));
  const actual = new Set(listFiles(committed));
  const problems = [];
  for (const file of expected) {
    if (!actual.has(file)) problems.push(`missing   docs/api/${file}`);
    else if (!readFileSync(join(fresh, file)).equals(readFileSync(join(committed, file)))) problems.push(`outdated  docs/api/${file}`);
  }
  for (const file of actual) if (!expected.has(file)) problems.push(`stale     docs/api/${file}`);
  if (problems.length > 0) {
    console.error(`docs/api/ is not what the sources generate:\n  ${problems.join('\n  ')}\nRun \`npm run docs:api\` and commit docs/api/.`);
    process.exit(1);
  }
  console.log(`docs/api/ is up to date (${expected.size} files, every export documented)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
