#!/usr/bin/env node
// The registry round trip: what a user gets from `npm install @ecs-metadata/client`.
//
//   node tools/registry-round-trip/run.mjs [--node 22,24,26] [--keep]     (default: the supported lines)
//
// 1. Starts verdaccio on 127.0.0.1 (free port, temporary storage; @ecs-metadata/* has no uplink).
// 2. Publishes every non-private package, as built (`npm ci` builds them), with `npm publish`.
// 3. For each Node major: a fresh project under the system temp folder (never inside the
//    workspace), its own .npmrc pointing at verdaccio, its own HOME and npm cache, no NODE_PATH;
//    installs @ecs-metadata/cli, @ecs-metadata/client and @ecs-metadata/mock-provider (plus
//    typescript 5.9 and 7 and @types/node) from verdaccio only, proves nothing resolves into the workspace,
//    then runs `npx ecs-metadata demo`, an ESM script, a CommonJS require and a strict TypeScript
//    file (tsc, then run) against the mock — all under that Node (tools/node-runtimes.mjs).
//
// Exits 1 on the first failure, with the failing command's output.
import { execFileSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspacePackages } from '../lib/workspace-packages.mjs';
import { ensureNodeRuntime, SUPPORTED_NODE_MAJORS } from '../node-runtimes.mjs';
import { readmeBlock } from '../readme-commands/blocks.mjs';
import { createPublisherToken, startRegistry } from './verdaccio.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const workspaceRoot = resolve(here, '..', '..');
const consumerFixtures = join(here, 'consumer');
/**
 * What the consumer installs besides our packages, pinned: the compiler we build with, and the
 * native TypeScript 7 that `npm install typescript` gives users now (installed under an alias).
 */
const TYPESCRIPT_VERSION = '5.9.3';
const TYPESCRIPT_NATIVE_VERSION = '7.0.2';
const TYPES_NODE_VERSIONS = { 22: '22.20.7', 24: '24.19.4', 26: '26.6.11' };
const EXPECTED_DEMO_STDOUT = '{"wj":"True"}\n';

function parseArgs(argv) {
  const options = { nodes: [...SUPPORTED_NODE_MAJORS], keep: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--node') options.nodes = String(argv[++i] ?? '').split(',').filter(Boolean);
    else if (argv[i] === '--keep') options.keep = true;
    else throw new Error(`unknown argument ${argv[i]} (usage: run.mjs [--node 22,24,26] [--keep])`);
  }
  for (const major of options.nodes) if (!TYPES_NODE_VERSIONS[major]) throw new Error(`--node ${major}: no @types/node pinned for it`);
  return options;
}

/** Runs a command, returning stdout; on failure throws with everything it printed. */
function run(command, args, options) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...options });
  } catch (error) {
    throw new Error(`${command} ${args.join(' ')} failed (${error.status ?? error.signal}) in ${options?.cwd ?? '.'}\n${error.stdout ?? ''}${error.stderr ?? ''}`, { cause: error });
  }
}

/** An environment with nothing of the workspace or of the caller's npm: PATH, HOME, npm cache. */
function isolatedEnv({ nodeBinDir, home, cache }) {
  // `npm run` puts the workspace's node_modules/.bin on PATH: drop it, or npx could find our bins there.
  const inheritedPath = (process.env.PATH ?? '').split(':').filter((entry) => entry && !entry.startsWith(workspaceRoot) && !entry.includes('node_modules'));
  const env = { PATH: [nodeBinDir, ...inheritedPath].join(':'), HOME: home, npm_config_cache: cache, npm_config_update_notifier: 'false' };
  for (const name of ['LANG', 'TMPDIR', 'CI']) if (process.env[name] !== undefined) env[name] = process.env[name];
  return env;
}

function step(label, action) {
  const started = Date.now();
  const result = action();
  console.log(`  ok ${label} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** Proves the installed tree is the registry's: no link, no path and no tarball URL into the workspace. */
function assertNothingFromWorkspace(project, env, registryUrl) {
  const tree = JSON.parse(run('npm', ['ls', '--all', '--json', '--long'], { cwd: project, env }));
  const ours = [];
  const visit = (deps = {}) => {
    for (const [name, node] of Object.entries(deps)) {
      if (node.path) {
        const real = realpathSync(node.path);
        if (real.startsWith(workspaceRoot) || !real.startsWith(realpathSync(project))) throw new Error(`${name} resolves to ${real}, outside the consumer project`);
      }
      if (name.startsWith('@ecs-metadata/')) {
        if (!node.resolved?.startsWith(registryUrl)) throw new Error(`${name} came from ${node.resolved}, not from ${registryUrl}`);
        ours.push(`${name}@${node.version}`);
      }
      visit(node.dependencies);
    }
  };
  visit(tree.dependencies);
  for (const name of readdirSync(join(project, 'node_modules', '@ecs-metadata'))) {
    if (lstatSync(join(project, 'node_modules', '@ecs-metadata', name)).isSymbolicLink()) throw new Error(`@ecs-metadata/${name} is a symlink`);
  }
  return [...new Set(ours)].sort();
}

function consumerChecks({ major, registryUrl, scratch, cache }) {
  const nodeBinDir = ensureNodeRuntime(major);
  const project = mkdtempSync(join(scratch, `consumer-node${major}-`));
  const home = join(project, '.home');
  mkdirSync(home);
  const env = isolatedEnv({ nodeBinDir, home, cache });
  const nodeVersion = run('node', ['--version'], { cwd: project, env }).trim();
  console.log(`-- consumer on node ${nodeVersion}: ${project}`);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'ecs-metadata-consumer', private: true, type: 'module' }, null, 2));
  writeFileSync(join(project, '.npmrc'), `registry=${registryUrl}\n`);
  for (const file of readdirSync(consumerFixtures)) copyFileSync(join(consumerFixtures, file), join(project, file));

  // The README's command verbatim first: the client alone must bring everything it needs.
  step('npm install @ecs-metadata/client (alone, from the registry)', () => run('npm', ['install', '--no-audit', '--no-fund', '@ecs-metadata/client'], { cwd: project, env }));
  step('CommonJS require() of the client', () => process.stdout.write(`     ${run('node', ['require-client.cjs'], { cwd: project, env })}`));
  step('npm install @ecs-metadata/cli @ecs-metadata/mock-provider typescript @types/node', () =>
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '@ecs-metadata/cli', '@ecs-metadata/mock-provider', `typescript@${TYPESCRIPT_VERSION}`, `typescript-native@npm:typescript@${TYPESCRIPT_NATIVE_VERSION}`, `@types/node@${TYPES_NODE_VERSIONS[major]}`],
      { cwd: project, env },
    ),
  );
  const ours = step('nothing resolves into the workspace (npm ls, real paths, tarball URLs)', () => assertNothingFromWorkspace(project, env, registryUrl));
  console.log(`     installed: ${ours.join(', ')}`);

  step('npx ecs-metadata demo prints the example metadata', () => {
    const stdout = run('npx', ['--no-install', 'ecs-metadata', 'demo'], { cwd: project, env });
    if (stdout !== EXPECTED_DEMO_STDOUT) throw new Error(`npx ecs-metadata demo printed ${JSON.stringify(stdout)}, expected ${JSON.stringify(EXPECTED_DEMO_STDOUT)}`);
  });
  step('ESM script queries the mock with the client', () => process.stdout.write(`     ${run('node', ['query-mock.mjs'], { cwd: project, env })}`));
  step(`tsc ${TYPESCRIPT_VERSION} (strict, NodeNext, skipLibCheck false) type-checks and compiles typed-consumer.ts`, () =>
    // By path: both compilers declare the bin `tsc`, so node_modules/.bin/tsc could be either.
    run('node', [join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: project, env }),
  );
  step(`tsc ${TYPESCRIPT_NATIVE_VERSION} (native) type-checks typed-consumer.ts`, () =>
    run('node', [join('node_modules', 'typescript-native', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit'], { cwd: project, env }),
  );
  step('the compiled TypeScript runs', () => process.stdout.write(`     ${run('node', ['out/typed-consumer.js'], { cwd: project, env })}`));
  step('npx @ecs-metadata/cli demo from an empty folder (the README\'s no-install form)', () => {
    // Outside the project: npx would otherwise find the cli the project installed.
    const empty = mkdtempSync(join(scratch, `npx-node${major}-`));
    writeFileSync(join(empty, '.npmrc'), `registry=${registryUrl}\n`);
    const stdout = run('npx', ['--yes', '@ecs-metadata/cli', 'demo'], { cwd: empty, env });
    if (stdout !== EXPECTED_DEMO_STDOUT) throw new Error(`npx @ecs-metadata/cli demo printed ${JSON.stringify(stdout)}`);
  });
  return nodeVersion;
}

/** Runs a README command block verbatim in bash (stops at the first failing command). */
function runReadmeBlock(id, { cwd, env }) {
  const block = readmeBlock(id);
  process.stdout.write(run('bash', ['-c', `set -euo pipefail\n${block.text}`], { cwd, env }).replace(/^/gm, '     '));
}

/**
 * The README's Install section, as a reader types it, on the first Node of the run: the tarballs of
 * `npm run pack` installed by path into a fresh project (their other dependencies through the
 * registry's uplink), and the once-published commands against the throwaway registry (`--global` into a
 * prefix of the scratch folder).
 */
function readmeInstallChecks({ major, registryUrl, scratch, cache }) {
  const nodeBinDir = ensureNodeRuntime(major);
  console.log(`-- the README's Install commands on node ${major}`);
  const today = mkdtempSync(join(scratch, 'readme-install-today-'));
  const todayHome = join(today, '.home');
  mkdirSync(todayHome);
  writeFileSync(join(today, 'package.json'), JSON.stringify({ name: 'readme-install-today', private: true }, null, 2));
  // The tarballs' own dependencies (ky, zod, ...) through the throwaway registry's uplink: the isolated
  // environment has none of the machine's npm configuration to reach the public one directly.
  writeFileSync(join(today, '.npmrc'), `registry=${registryUrl}\n`);
  step('README "install-today": npm run pack, then npm install of the tarballs by path', () =>
    runReadmeBlock('install-today', { cwd: workspaceRoot, env: { ...isolatedEnv({ nodeBinDir, home: todayHome, cache: join(scratch, 'readme-cache') }), YOUR_PROJECT: today } }),
  );
  const published = mkdtempSync(join(scratch, 'readme-install-published-'));
  const publishedHome = join(published, '.home');
  mkdirSync(publishedHome);
  writeFileSync(join(published, 'package.json'), JSON.stringify({ name: 'readme-install-published', private: true }, null, 2));
  writeFileSync(join(published, '.npmrc'), `registry=${registryUrl}\n`);
  // `--global` reads no project .npmrc: the registry for every command comes from the environment, as
  // a user's own npm configuration would give it.
  const env = { ...isolatedEnv({ nodeBinDir, home: publishedHome, cache }), npm_config_registry: registryUrl, npm_config_prefix: join(published, '.global') };
  step('README "install-published": the registry commands, verbatim', () => runReadmeBlock('install-published', { cwd: published, env }));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const started = Date.now();
  // realpath: on some systems the temp folder is a symlink, and the workspace check compares real paths.
  const scratch = realpathSync(mkdtempSync(join(tmpdir(), 'ecs-metadata-round-trip-')));
  if (scratch.startsWith(workspaceRoot)) throw new Error(`the temp folder ${scratch} is inside the workspace`);
  console.log(`== registry round trip in ${scratch}`);
  const registry = await startRegistry({ dir: join(scratch, 'registry'), verdaccioBin: join(workspaceRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio'), logFile: join(scratch, 'verdaccio.log') });
  let passed = false;
  try {
    console.log(`-- verdaccio ${registry.url}`);
    const token = await createPublisherToken(registry.url);
    const publisherRc = join(scratch, 'publisher.npmrc');
    const host = registry.url.replace(/^http:/, '');
    writeFileSync(publisherRc, `registry=${registry.url}\n${host}:_authToken=${token}\n`);
    const publishEnv = { ...process.env, npm_config_userconfig: publisherRc, npm_config_registry: registry.url, npm_config_cache: join(scratch, 'publish-cache') };
    for (const { dir, pkg } of workspacePackages({ publishableOnly: true })) {
      step(`npm publish ${pkg.name}@${pkg.version}`, () =>
        run('npm', ['publish', '--registry', registry.url, '--ignore-scripts', '--access', 'public', '--tag', 'latest'], { cwd: dir, env: publishEnv }),
      );
    }
    const cache = join(scratch, 'consumer-cache');
    const versions = options.nodes.map((major) => consumerChecks({ major, registryUrl: registry.url, scratch, cache }));
    readmeInstallChecks({ major: options.nodes[0], registryUrl: registry.url, scratch, cache });
    console.log(`registry round trip: ${versions.length} passed, 0 failed (node ${versions.join(', ')}) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    passed = true;
  } finally {
    await registry.stop();
    if (passed && !options.keep) rmSync(scratch, { recursive: true, force: true });
    else console.log(`kept ${scratch} (verdaccio.log inside)`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
