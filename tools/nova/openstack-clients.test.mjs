// OpenStack's own clients against real Nova and against the mock provider, same commands, same
// outputs (issue 16 item 4): Debian's `openstack` CLI (python3-openstackclient 6.0) and an
// openstacksdk (0.101) script, each logging in with a password through Keystone (the stage's real
// one; the mock's own identity service) and taking the compute endpoint from the catalog.
//
//   NOVA_ENV_FILE=STATE/env node --test tools/nova/openstack-clients.test.mjs
//
// Nova and the mock hold the same servers (same ids, names, metadata, project id), so the outputs
// are compared as they are, byte for byte, with nothing normalised. Needs the built mock provider.
// Seeds its own servers (ids ...d1, ...d2), never the conformance run's or the client tests'.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, URL } from 'node:url';
import { startMockProvider } from '@ecs-metadata/mock-provider';
import { readEnvFile } from './conformance.mjs';

const envFile = process.env.NOVA_ENV_FILE ?? (process.env.NOVA_STATE_DIR ? `${process.env.NOVA_STATE_DIR}/env` : undefined);
if (envFile === undefined) {
  throw new Error('Set NOVA_ENV_FILE to the env file tools/nova/start.sh wrote (or NOVA_STATE_DIR)');
}
const env = readEnvFile(envFile);
const P = env.NOVA_PROJECT_ID;
const SEED = fileURLToPath(new URL('./seed.py', import.meta.url));
const SDK_SCRIPT = fileURLToPath(new URL('./sdk_metadata.py', import.meta.url));
const DEBIAN_PYTHON = '/usr/bin/python3';
const OPENSTACK = '/usr/bin/openstack';

const SERVERS = [
  { projectId: P, serverId: '7c1e0000-0000-4000-8000-0000000000d1', name: 'osc-metadata', metadata: { wj: 'True', keep: 'me' }, vmState: 'active', locked: false },
  { projectId: P, serverId: '7c1e0000-0000-4000-8000-0000000000d2', name: 'sdk-metadata', metadata: { wj: 'True' }, vmState: 'active', locked: false },
];
const [OSC_SERVER, SDK_SERVER] = SERVERS;
const MOCK_PASSWORD = 'openstack-clients-password';

/** Runs one client with only the given OS_* variables (no clouds.yaml: HOME is an empty directory). */
function run(command, args, osEnv, home) {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', ...osEnv }, timeout: 120_000, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : (error.code ?? 1), stdout, stderr }),
    );
  });
}

describe('openstack CLI and openstacksdk: the same answers from real Nova and from the mock', () => {
  let mock;
  let home;
  const targets = {};
  before(async () => {
    const batch = `${env.NOVA_STATE_DIR}/openstack-clients-seed.json`;
    writeFileSync(batch, JSON.stringify(SERVERS));
    execFileSync(DEBIAN_PYTHON, [SEED, '--env', envFile, '--batch', batch], { stdio: ['ignore', 'ignore', 'inherit'] });
    mock = await startMockProvider({
      port: 0,
      fixture: {
        tokens: [],
        servers: SERVERS,
        users: [{ username: env.NOVA_USER, password: MOCK_PASSWORD, projectId: P, projectName: env.NOVA_PROJECT_NAME }],
      },
    });
    home = mkdtempSync(join(tmpdir(), 'openstack-clients-'));
    const common = { OS_USERNAME: env.NOVA_USER, OS_PROJECT_NAME: env.NOVA_PROJECT_NAME, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_IDENTITY_API_VERSION: '3', OS_INTERFACE: 'public' };
    targets.nova = { ...common, OS_AUTH_URL: env.OS_AUTH_URL, OS_PASSWORD: env.NOVA_USER_PASSWORD };
    targets.mock = { ...common, OS_AUTH_URL: `${mock.url}/v3`, OS_PASSWORD: MOCK_PASSWORD };
  });
  after(async () => {
    await mock?.close();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  /** Runs the same steps against both, in order; each step's exit code and stdout must be equal. */
  async function bothAlike(steps) {
    const outputs = {};
    for (const name of ['nova', 'mock']) {
      outputs[name] = [];
      for (const [command, args] of steps) {
        const result = await run(command, args, targets[name], home);
        outputs[name].push({ step: [command === OPENSTACK ? 'openstack' : 'sdk_metadata.py', ...args].join(' '), code: result.code, stdout: result.stdout });
        if (result.code !== 0 && name === 'nova') process.stderr.write(`nova: ${args.join(' ')}: ${result.stderr}\n`);
        if (result.code !== 0 && name === 'mock') process.stderr.write(`mock: ${args.join(' ')}: ${result.stderr}\n`);
      }
    }
    assert.deepEqual(outputs.mock, outputs.nova);
    return outputs.nova;
  }

  test('openstack server show -c properties, set --property, unset --property (by id and by name)', async () => {
    const id = OSC_SERVER.serverId;
    const show = (server) => [OPENSTACK, ['server', 'show', server, '-c', 'properties', '-f', 'json']];
    const outputs = await bothAlike([
      show(id),
      [OPENSTACK, ['server', 'set', '--property', 'k=v', '--property', 'owner=ops', id]],
      show(id),
      [OPENSTACK, ['server', 'unset', '--property', 'k', id]],
      show(OSC_SERVER.name),
      [OPENSTACK, ['server', 'show', OSC_SERVER.name, '-c', 'name', '-c', 'status', '-f', 'json']],
    ]);
    // And the answers are the right ones, not merely the same.
    assert.deepEqual(JSON.parse(outputs[0].stdout), { properties: { wj: 'True', keep: 'me' } });
    assert.deepEqual(JSON.parse(outputs[2].stdout), { properties: { wj: 'True', keep: 'me', k: 'v', owner: 'ops' } });
    assert.deepEqual(JSON.parse(outputs[4].stdout), { properties: { wj: 'True', keep: 'me', owner: 'ops' } });
    assert.deepEqual(JSON.parse(outputs[5].stdout), { name: OSC_SERVER.name, status: 'ACTIVE' });
    assert.ok(outputs.every((output) => output.code === 0));
  });

  test('openstacksdk get_server_metadata, set_server_metadata, delete_server_metadata', async () => {
    const [output] = await bothAlike([[DEBIAN_PYTHON, [SDK_SCRIPT, SDK_SERVER.serverId]]]);
    assert.equal(output.code, 0);
    const lines = output.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(lines.at(-2), { step: 'get-after-delete', metadata: { wj: 'True', other: '1' } });
    assert.deepEqual(lines.at(-1), { step: 'get-missing', error: 'ResourceNotFound', status: 404 });
  });
});
