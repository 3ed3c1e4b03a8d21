#!/usr/bin/env node
// Checks every publishable package as a registry user would receive it: the tarball `npm pack`
// makes, not the workspace folder. publint and attw (ESM-only profile) run on that tarball, and so
// do our own checks of what they do not cover: metadata a registry page needs, that every bin
// target is in the tarball with a shebang and everything it imports, that every `types` condition
// has its declaration file, that source maps resolve, that no test file ships, that every package
// a shipped file imports is a declared dependency, and that the libraries (core, client) neither
// depend on nor import the mock provider. Reads `bin`,
// `exports` and `files` from each package.json, so a bundled bin keeps passing.
//
//   node tools/check-packages.mjs [package-dir...]     (default: every non-private packages/*)
//
// Exits 1 on any problem, including publint suggestions and attw warnings.
import { execFileSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { workspacePackages } from './lib/workspace-packages.mjs';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const attwBin = join(workspaceRoot, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');
/** Resolution kinds attw's `esm-only` profile ignores: we do not claim node10 or `require` from CJS. */
const ATTW_IGNORED_RESOLUTIONS = new Set(['node10', 'node16-cjs']);
const REQUIRED_FIELDS = ['name', 'version', 'description', 'license', 'repository', 'keywords', 'engines', 'type', 'exports', 'files', 'sideEffects'];
/** Files that exist for the workspace's tests and must never reach a user. */
const TEST_FILE = /(^|\/)(test-support\/|[^/]*\.spec\.[cm]?[jt]s(\.map)?$|[^/]*\.tsbuildinfo$|jest\.config\.|tsconfig[^/]*\.json$)/;

/**
 * The libraries ship no test server (STYLE; issue 19): the mock provider may be a devDependency of
 * these (their tests start it) but never a dependency, and nothing they ship may import it.
 */
const NO_TEST_SERVER = new Set(['@ecs-metadata/core', '@ecs-metadata/client']);
const MOCK_PROVIDER = '@ecs-metadata/mock-provider';
const RUNTIME_DEPENDENCY_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];

/** Packs `dir` into `destination` and unpacks it: the tarball path and the unpacked `package/` root. */
function packAndUnpack(dir, destination) {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', destination], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const tarball = join(destination, packed.filename);
  execFileSync('tar', ['-xzf', tarball, '-C', destination]);
  return { tarball, root: join(destination, 'package'), files: new Set(packed.files.map((f) => f.path)) };
}

/** Every string target in an `exports` value, with the condition path that leads to it. */
function exportTargets(value, path = []) {
  if (typeof value === 'string') return [{ path, target: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => exportTargets(inner, [...path, key]));
}

/** Relative specifiers a JS file imports statically or dynamically (enough for launchers and our ESM). */
function relativeImports(source) {
  const found = [];
  const pattern = /(?:\bimport\s*(?:[^'"]*?\bfrom\s*)?|\bimport\s*\(\s*|\bexport\s+[^'"]*?\bfrom\s*)['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const match of source.matchAll(pattern)) found.push(match[1]);
  return found;
}

/** Bare specifiers a shipped JS or declaration file imports, as package names (`zod`, `@scope/name`). */
function importedPackages(source) {
  const pattern = /(?:\bimport\s*(?:[^'"]*?\bfrom\s*)?|\bimport\s*\(\s*|\bexport\s+[^'"]*?\bfrom\s*|\brequire\s*\(\s*)['"]([^'"./][^'"]*)['"]/g;
  return [...source.matchAll(pattern)].map(([, specifier]) => {
    const parts = specifier.split('/');
    return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  });
}

/**
 * What a user installs is what `dependencies` says: every package a shipped file imports must be
 * declared there (or be Node's own, or the package itself), so a devDependency such as the mock
 * provider cannot leak into the published code through a test helper.
 */
function checkImports(pkg, { root, files }, problems) {
  const declared = new Set([pkg.name, ...RUNTIME_DEPENDENCY_FIELDS.flatMap((field) => Object.keys(pkg[field] ?? {}))]);
  if (NO_TEST_SERVER.has(pkg.name)) {
    for (const field of RUNTIME_DEPENDENCY_FIELDS) {
      if (pkg[field]?.[MOCK_PROVIDER] !== undefined) problems.push(`${MOCK_PROVIDER} is in "${field}": a library ships no test server (a devDependency at most)`);
    }
  }
  for (const file of files) {
    if (!/\.[cm]?[jt]s$/.test(file)) continue;
    for (const name of new Set(importedPackages(readFileSync(join(root, file), 'utf8')))) {
      if (name.startsWith('node:') || builtinModules.includes(name) || declared.has(name)) continue;
      problems.push(`${file} imports ${name}, which is not among the package's dependencies`);
    }
  }
}

function checkMetadata(pkg, problems) {
  for (const field of REQUIRED_FIELDS) if (pkg[field] === undefined) problems.push(`package.json has no "${field}"`);
  if (pkg.type !== 'module') problems.push('"type" must be "module" (the packages are ESM-only)');
  if (!Array.isArray(pkg.keywords) || pkg.keywords.length === 0) problems.push('"keywords" must be a non-empty array');
  if (typeof pkg.engines?.node !== 'string') problems.push('"engines.node" must state the tested Node versions');
  if (typeof pkg.repository !== 'object' || !pkg.repository?.url || !pkg.repository?.directory) {
    problems.push('"repository" needs "url" and "directory"');
  }
  for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
    // JSON data files (package.json, core's desired-state.schema.json) are imported as JSON: no types.
    if (subpath.endsWith('.json')) continue;
    const targets = exportTargets(conditions);
    if (!targets.some((t) => t.path.includes('types'))) problems.push(`exports["${subpath}"] has no "types" condition`);
  }
}

function checkTarball(pkg, { root, files }, problems) {
  for (const { path, target } of exportTargets(pkg.exports ?? {})) {
    const file = posix.normalize(target);
    if (!files.has(file)) problems.push(`exports${path.map((key) => `["${key}"]`).join('')} → ${target} is not in the tarball`);
    if (path.at(-1) === 'types' && !/\.d\.[cm]?ts$/.test(file)) problems.push(`exports types → ${target} is not a declaration file`);
    if (/\.[cm]?js$/.test(file) && !files.has(`${file}.map`)) problems.push(`${target} ships without its source map`);
  }
  for (const [name, target] of Object.entries(typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : (pkg.bin ?? {}))) {
    const file = posix.normalize(target);
    if (!files.has(file)) {
      problems.push(`bin "${name}" → ${target} is not in the tarball`);
      continue;
    }
    const source = readFileSync(join(root, file), 'utf8');
    // `env -S node --flag` is allowed (a bundle may want --enable-source-maps); a bare interpreter path is not portable.
    if (!/^#!\/usr\/bin\/env (-S )?node(\s|$)/.test(source)) problems.push(`bin "${name}" → ${target} does not start with "#!/usr/bin/env node"`);
    for (const specifier of relativeImports(source)) {
      const imported = posix.normalize(posix.join(posix.dirname(file), specifier));
      if (!files.has(imported)) problems.push(`bin "${name}" → ${target} imports ${specifier}, which is not in the tarball`);
    }
  }
  for (const file of files) {
    if (TEST_FILE.test(file)) problems.push(`${file} is a test or build-state file and must not ship`);
    if (!file.endsWith('.map')) continue;
    // A map without embedded sources is only useful when the sources it names ship too.
    const map = JSON.parse(readFileSync(join(root, file), 'utf8'));
    map.sources.forEach((source, index) => {
      if (map.sourcesContent?.[index] != null) return;
      const shipped = posix.normalize(posix.join(posix.dirname(file), map.sourceRoot ?? '', source));
      if (!files.has(shipped)) problems.push(`${file} points to ${source}, which is not in the tarball`);
    });
  }
}

async function runPublint(tarball, problems) {
  const buffer = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength) },
    level: 'suggestion',
    strict: true,
  });
  for (const message of messages) problems.push(`publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`);
}

function runAttw(tarball, problems) {
  let output;
  try {
    output = execFileSync(process.execPath, [attwBin, tarball, '--profile', 'esm-only', '--format', 'json'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // attw exits 1 when it finds problems; its JSON is still on stdout.
    output = error.stdout;
    if (!output) throw error;
  }
  const report = JSON.parse(output);
  for (const list of Object.values(report.problems ?? {})) {
    for (const problem of list) {
      if (problem.resolutionKind && ATTW_IGNORED_RESOLUTIONS.has(problem.resolutionKind)) continue;
      problems.push(`attw ${problem.kind}: ${JSON.stringify(problem)}`);
    }
  }
}

async function checkPackage(dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];
  const scratch = mkdtempSync(join(tmpdir(), 'ecs-metadata-check-'));
  try {
    checkMetadata(pkg, problems);
    const packed = packAndUnpack(dir, scratch);
    checkTarball(pkg, packed, problems);
    checkImports(pkg, packed, problems);
    await runPublint(packed.tarball, problems);
    runAttw(packed.tarball, problems);
    return { name: pkg.name, dir, problems, fileCount: packed.files.size };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const dirs = process.argv.length > 2 ? process.argv.slice(2).map((d) => resolve(d)) : workspacePackages({ publishableOnly: true }).map(({ dir }) => dir);
let failed = 0;
for (const dir of dirs) {
  const { name, problems, fileCount } = await checkPackage(dir);
  if (problems.length === 0) {
    console.log(`ok   ${name} (${relative(workspaceRoot, dir)}, ${fileCount} files): publint, attw --profile esm-only, bin, exports, maps`);
    continue;
  }
  failed += 1;
  console.log(`FAIL ${name} (${relative(workspaceRoot, dir)})`);
  for (const problem of problems) console.log(`     - ${problem}`);
}
console.log(`check-packages: ${dirs.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
