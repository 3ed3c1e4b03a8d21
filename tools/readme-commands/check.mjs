#!/usr/bin/env node
// `npm run check:readme` (part of `npm test`): every command block of the README is run.
//
// Each ```sh block carries a marker on the line above it (tools/readme-commands/blocks.mjs):
//   <!-- commands: test ID -->  run here, by RUNNERS[ID] below: the block's own text, with the
//       substitutions the runner lists (a fixed port or a real cloud becomes the mock this check
//       started on a free port; a `mock serve` the reader starts by hand is left out), in one bash,
//       each command's exit status checked (0 unless the runner expects another).
//   <!-- commands: ci ID -->    run elsewhere (CI, or a package's spec): CI_RUNNERS[ID] names the file.
//       A JavaScript tool there must extract the block itself (`readmeBlock('ID')`, or the round trip's
//       `runReadmeBlock('ID', ...)`); for `.ci/run`, every command of the block must appear in it
//       verbatim; an entry `{ file, mentions }` requires that text in the file (a spec that runs the
//       blocks of one README section by its heading).
// Adding a block: mark it, then add its runner here (or its CI entry). A substitution that no longer
// matches the README fails, so the README and its runner cannot drift apart.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandsOf, readmeBlocks } from './blocks.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { DEFAULT_FIXTURE, DEMO_TOKEN, DEMO_USER, fleetServerId, startMockProvider } = await import(join(root, 'packages/mock-provider/dist/index.js'));
const PROJECT_ID = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER_ID = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const README_TEXT = readFileSync(join(root, 'README.md'), 'utf8');

/**
 * Blocks run elsewhere: the file that runs each, as a path or `{ file, mentions }` for a test that
 * reads its blocks by other means (e.g. a spec running every block of one README section, which must
 * then mention that section's heading).
 */
const PIPELINE_SPEC = { file: 'packages/provider-verifier/src/readme-pipeline.spec.ts', mentions: '## Contract pipeline' };
const CI_RUNNERS = {
  'quick-start': '.ci/run',
  completion: { file: 'packages/cli/src/completion.spec.ts', mentions: "readmeBlock('completion')" }, // reads the block from the README and runs each line
  'install-today': 'tools/registry-round-trip/run.mjs',
  'install-published': 'tools/registry-round-trip/run.mjs',
  'pipeline-consumer-publish': PIPELINE_SPEC,
  'pipeline-provider-verify': PIPELINE_SPEC,
  'pipeline-provider-deploy': PIPELINE_SPEC,
  'pipeline-consumer-deploy': PIPELINE_SPEC,
  'pipeline-webhook-verify': PIPELINE_SPEC,
};

/** Blocks no test runs yet, each with the reason; printed as TODO on every run. Keep this empty. */
const NOT_RUN_YET = {};

/** A block's own mock, where it needs more than the default fixture. */
const MOCK_OPTIONS = { 'fleet-read': { generatedServers: 3 }, 'fleet-writes': { generatedServers: 3 }, 'fleet-plan': { generatedServers: 2 } };

/** The API settings of the mock as environment variables, for blocks that expect them set. */
const mockEnv = (mock) => ({ ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN });

/**
 * Per `test` block: `substitute` ([README text, what runs instead], each must occur), extra `env`,
 * `files` written into the scratch folder first, `cwd` (default the scratch folder), `exitCodes`
 * (a command, after substitution → its expected status).
 */
const RUNNERS = {
  'cli-get': (mock) => ({
    cwd: root, // `npx ecs-metadata` in the clone
    substitute: [
      ['npx ecs-metadata mock serve\n', ''],
      ['http://127.0.0.1:8774', mock.url],
    ],
  }),
  'fleet-read': (mock) => ({
    env: mockEnv(mock),
    files: { 'server-ids.txt': [SERVER_ID, fleetServerId(0), fleetServerId(1), fleetServerId(2)].join('\n') },
    substitute: [['998af54b-… 6f1c…', `${SERVER_ID} ${fleetServerId(2)}`]],
  }),
  'fleet-plan': (mock) => ({
    env: mockEnv(mock),
    // The README's example file, verbatim.
    files: { 'desired.yaml': README_TEXT.slice(README_TEXT.indexOf('servers:\n  - serverIds:'), README_TEXT.indexOf('```', README_TEXT.indexOf('servers:\n  - serverIds:'))) },
    exitCodes: { 'ecs-metadata plan desired.yaml --detailed-exitcode': 9 },
  }),
  'metadata-writes': (mock) => ({
    env: mockEnv(mock),
    files: { 'items.json': '{"team":"storage"}' },
    substitute: [['998af54b-…', SERVER_ID]],
    // The block clears the metadata (`--replace -` with {}) before it unsets two keys: both are gone,
    // so unset reports the missing key's code, as the README's exit-code list says.
    exitCodes: { [`ecs-metadata unset  ${SERVER_ID} owner env`]: 4 },
  }),
  'fleet-writes': (mock) => ({
    env: mockEnv(mock),
    files: {
      'server-ids.txt': [SERVER_ID, fleetServerId(0), fleetServerId(1), fleetServerId(2)].join('\n'),
      'desired.json': '{"owner":"ops","env":"prod"}',
      'audit.ndjson': `${JSON.stringify({ serverId: SERVER_ID, metadata: { wj: 'True' } })}\n{"serverId":"${fleetServerId(0)}","met`,
    },
    substitute: [['998af54b-… 6f1c…', `${SERVER_ID} ${fleetServerId(2)}`]],
    // The fleet's servers have no `deprecated_key`: absent everywhere, which is no failure.
  }),
  'clouds-yaml': (mock) => ({
    files: {
      'clouds.yaml': `clouds:\n  mycloud:\n    auth:\n      auth_url: ${mock.url}/v3\n      username: ${DEMO_USER.username}\n      password: ${DEMO_USER.password}\n      project_id: ${PROJECT_ID}\n`,
    },
    substitute: [['6f1c…', SERVER_ID]],
  }),
  'mock-credentials': (mock) => ({
    cwd: root,
    substitute: [
      ['npx ecs-metadata mock serve &            # http://127.0.0.1:8774\n', ''],
      ['http://127.0.0.1:8774', mock.url],
    ],
  }),
  'verify-provider': (mock, scratch) => ({
    // From the workspace: `--against-mock` verifies the workspace's pacts/.
    cwd: root,
    env: { TOKEN: DEMO_TOKEN, PROJECT_ID, SERVER_ID },
    substitute: [
      ['http://127.0.0.1:8774', mock.url],
      ['https://gw.example', mock.url],
      ['--junit results.xml', `--junit ${join(scratch, 'results.xml')}`],
    ],
    // The real-endpoint form cannot arrange the locked and building states (the README says so: 8).
    exitCodes: {
      [`npx -p @ecs-metadata/provider-verifier ecs-metadata-verify --provider-base-url ${mock.url} --token "$TOKEN" --project-id "$PROJECT_ID" --server-id "$SERVER_ID" --allow-writes --junit ${join(scratch, 'results.xml')}`]: 8,
    },
  }),
};

function substituted(block, substitutions) {
  let text = block.text;
  for (const [from, to] of substitutions) {
    if (!text.includes(from)) throw new Error(`README.md:${block.line} (${block.id}): the runner replaces ${JSON.stringify(from)}, which the block no longer contains: update tools/readme-commands/check.mjs`);
    text = text.replaceAll(from, to);
  }
  return text;
}

/** One bash script running each command and checking its status, so a failure names its command. */
function scriptOf(block, text, exitCodes) {
  const checks = commandsOf({ text }).map((command) => {
    const expected = exitCodes[command] ?? 0;
    const quoted = `'${command.replaceAll("'", "'\\''")}'`;
    return `${command}\nstatus=$?\nif [ "$status" -ne ${expected} ]; then echo "README.md:${block.line} (${block.id}): exited $status, expected ${expected}: "${quoted} >&2; exit 1; fi`;
  });
  return `set +e -o pipefail\n${checks.join('\n')}\n`;
}

async function runTestBlock(block) {
  const runner = RUNNERS[block.id];
  const scratch = mkdtempSync(join(tmpdir(), `readme-${block.id}-`));
  const home = join(scratch, '.home');
  mkdirSync(home);
  const mock = await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE, ...MOCK_OPTIONS[block.id] });
  try {
    const { substitute = [], env = {}, files = {}, cwd = scratch, exitCodes = {} } = runner(mock, scratch);
    for (const [name, content] of Object.entries(files)) writeFileSync(join(scratch, name), content);
    const script = scriptOf(block, substituted(block, substitute), exitCodes);
    // The workspace's bins and Node first, no credential of the caller; npx never downloads (offline).
    // Asynchronous: the mock answers from this process's event loop.
    const child = spawn('bash', ['-c', script], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
      env: { PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}`, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_STATE_HOME: join(home, '.state'), PACT_DO_NOT_TRACK: 'true', npm_config_yes: 'false', npm_config_offline: 'true', ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const [code, signal] = await once(child, 'exit');
    if (code !== 0) throw new Error(`${output.slice(-4000)}\nREADME.md:${block.line} (${block.id}): the block's script ended with ${code ?? signal}`);
  } finally {
    await mock.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

function checkCiBlock(block) {
  const { file, mentions } = typeof CI_RUNNERS[block.id] === 'string' ? { file: CI_RUNNERS[block.id] } : CI_RUNNERS[block.id];
  const source = readFileSync(join(root, file), 'utf8');
  if (mentions !== undefined) {
    if (!source.includes(mentions)) throw new Error(`README.md:${block.line}: ${file} is to run block ${block.id} but does not mention ${JSON.stringify(mentions)}`);
    return;
  }
  if (file.endsWith('.mjs')) {
    if (!new RegExp(`\\b(?:run)?[rR]eadmeBlock\\('${block.id}'`).test(source)) throw new Error(`README.md:${block.line}: ${file} is to run block ${block.id} but never calls readmeBlock('${block.id}') or runReadmeBlock('${block.id}', ...)`);
    return;
  }
  const missing = commandsOf(block).filter((command) => !source.includes(command));
  if (missing.length > 0) throw new Error(`README.md:${block.line} (${block.id}): ${file} does not run ${missing.map((c) => JSON.stringify(c)).join(', ')}`);
}

const blocks = readmeBlocks();
const problems = [];
const seen = new Set();
for (const block of blocks) {
  if (block.id === undefined) problems.push(`README.md:${block.line}: a command block without a <!-- commands: test|ci ID --> marker on the line above`);
  else if (seen.has(block.id)) problems.push(`README.md:${block.line}: the marker id ${block.id} is used twice`);
  else if (block.mode === 'test' && !RUNNERS[block.id]) problems.push(`README.md:${block.line}: no runner for test block ${block.id} in tools/readme-commands/check.mjs`);
  else if (block.mode === 'ci' && !CI_RUNNERS[block.id] && !NOT_RUN_YET[block.id]) problems.push(`README.md:${block.line}: no CI runner listed for block ${block.id} in tools/readme-commands/check.mjs`);
  seen.add(block.id);
}
if (problems.length === 0) {
  for (const block of blocks) {
    const started = Date.now();
    try {
      if (block.mode === 'test') {
        await runTestBlock(block);
        console.log(`ok   README.md:${block.line} ${block.id}: ${commandsOf(block).length} command(s) run (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } else if (NOT_RUN_YET[block.id]) {
        console.log(`TODO README.md:${block.line} ${block.id}: not run by any test yet: ${NOT_RUN_YET[block.id]}`);
      } else {
        checkCiBlock(block);
        console.log(`ok   README.md:${block.line} ${block.id}: run by ${CI_RUNNERS[block.id].file ?? CI_RUNNERS[block.id]}`);
      }
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`README command blocks: ${blocks.length} checked`);
