// The client's integration tests against real Nova and Keystone (tools/nova/start.sh), with node's
// own test runner (no jest): the seed call, the metadata family, typed errors with Nova's real
// answers, and, when @ecs-metadata/client exports passwordAuth, Keystone password login (catalog
// endpoint, project by name, token expiry and the 401 refresh) against the real implementation.
//
//   NOVA_ENV_FILE=STATE/env node --test tools/nova/client-integration.test.mjs
//
// Needs the built client (npm run build). Seeds its own servers (ids ...c1...), never the
// conformance run's.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { execFile, execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import process from 'node:process';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, URL } from 'node:url';
import * as clientModule from '@ecs-metadata/client';
import { rawRequest, readEnvFile } from './conformance.mjs';

const {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  EcsMetadataClient,
  MetadataLimitExceededError,
  NotFoundError,
  tokenAuth,
} = clientModule;
const passwordAuth = clientModule.passwordAuth;
const createEcsMetadataClient = clientModule.createEcsMetadataClient;

const envFile = process.env.NOVA_ENV_FILE ?? (process.env.NOVA_STATE_DIR ? `${process.env.NOVA_STATE_DIR}/env` : undefined);
if (envFile === undefined) {
  throw new Error('Set NOVA_ENV_FILE to the env file tools/nova/start.sh wrote (or NOVA_STATE_DIR)');
}
const env = readEnvFile(envFile);
const P = env.NOVA_PROJECT_ID;
const Q = env.NOVA_OTHER_PROJECT_ID;
const SHORT_SECONDS = Number(env.NOVA_SHORT_TOKEN_SECONDS ?? '10');
const REQ_ID = /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;

const S = {
  seed: '998af54b-5762-4041-abc1-f98a2c27b3a2',
  write: '7c1e0000-0000-4000-8000-0000000000c1',
  locked: '7c1e0000-0000-4000-8000-0000000000c2',
  building: '7c1e0000-0000-4000-8000-0000000000c3',
  full: '7c1e0000-0000-4000-8000-0000000000c4',
  unknown: '7c1e0000-0000-4000-8000-0000000000c9',
};

async function keystoneToken(authBase, username, password, projectId) {
  const body = JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: username, password, domain: { name: 'Default' } } } },
      scope: { project: { id: projectId } },
    },
  });
  const res = await rawRequest(authBase, {
    method: 'POST',
    path: '/v3/auth/tokens',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  assert.equal(res.status, 201, `Keystone login of ${username}: ${res.text.slice(0, 200)}`);
  return res.headers['x-subject-token'];
}

const clients = [];
const track = (client) => {
  clients.push(client);
  return client;
};

let token;
let otherToken;

before(() => {
  const batch = `${env.NOVA_STATE_DIR}/client-integration-seed.json`;
  writeFileSync(
    batch,
    JSON.stringify([
      { projectId: P, serverId: S.seed, metadata: { wj: 'True' }, vmState: 'active', locked: false },
      { projectId: P, serverId: S.write, metadata: { wj: 'True' }, vmState: 'active', locked: false },
      { projectId: P, serverId: S.locked, metadata: { wj: 'True' }, vmState: 'active', locked: true },
      { projectId: P, serverId: S.building, metadata: { wj: 'True' }, vmState: 'building', locked: false },
      { projectId: P, serverId: S.full, metadata: Object.fromEntries(Array.from({ length: 128 }, (_, i) => [`k${i}`, 'v'])) },
    ]),
  );
  execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./seed.py', import.meta.url)), '--env', envFile, '--batch', batch], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
});

before(async () => {
  token = await keystoneToken(env.KEYSTONE_URL, env.NOVA_USER, env.NOVA_USER_PASSWORD, P);
  otherToken = await keystoneToken(env.KEYSTONE_URL, env.NOVA_OTHER_USER, env.NOVA_OTHER_USER_PASSWORD, Q);
});

after(() => {
  for (const client of clients) client.close();
});

describe('token auth (a Keystone token) against Nova', () => {
  const client = (options = {}) => track(new EcsMetadataClient({ endpoint: env.NOVA_URL, projectId: P, auth: tokenAuth(token), ...options }));

  test('the seed call: GET /v2.1/{project}/servers/{server}/metadata', async () => {
    assert.deepEqual(await client().getServerMetadata(S.seed), { wj: 'True' });
  });

  test('the seed call on /v2', async () => {
    assert.deepEqual(await client({ apiVersion: 'v2' }).getServerMetadata(S.seed), { wj: 'True' });
  });

  test('an unknown server is a NotFoundError with Nova\'s fault and request id', async () => {
    await assert.rejects(client().getServerMetadata(S.unknown), (error) => {
      assert.ok(error instanceof NotFoundError, String(error));
      assert.equal(error.status, 404);
      assert.equal(error.code, 'itemNotFound');
      assert.match(error.message, new RegExp(`Instance ${S.unknown} could not be found`, 'u'));
      assert.match(error.requestId ?? '', REQ_ID);
      return true;
    });
  });

  test('a token of another project is a BadRequestError (400, not 403)', async () => {
    const foreign = track(new EcsMetadataClient({ endpoint: env.NOVA_URL, projectId: P, auth: tokenAuth(otherToken) }));
    await assert.rejects(foreign.getServerMetadata(S.seed), (error) => {
      assert.ok(error instanceof BadRequestError, String(error));
      assert.match(error.message, /doesn't match Context's project_id/u);
      return true;
    });
  });

  test('a token Keystone never issued is an AuthenticationError (401)', async () => {
    const bad = track(new EcsMetadataClient({ endpoint: env.NOVA_URL, projectId: P, auth: tokenAuth('gAAAAAB-not-a-real-token') }));
    await assert.rejects(bad.getServerMetadata(S.seed), (error) => error instanceof AuthenticationError && error.status === 401);
  });

  test('the metadata family: show, merge, set, replace, delete', async () => {
    const c = client();
    assert.equal(await c.getServerMetadataItem(S.write, 'wj'), 'True');
    assert.deepEqual(await c.updateServerMetadata(S.write, { k1: 'v1' }), { wj: 'True', k1: 'v1' });
    assert.equal(await c.setServerMetadataItem(S.write, 'k2', 'v2'), 'v2');
    assert.deepEqual(await c.getServerMetadata(S.write), { wj: 'True', k1: 'v1', k2: 'v2' });
    assert.deepEqual(await c.replaceServerMetadata(S.write, { r: '1', s: '2' }), { r: '1', s: '2' });
    await c.deleteServerMetadataItem(S.write, 'r');
    assert.deepEqual(await c.getServerMetadata(S.write), { s: '2' });
    await assert.rejects(c.getServerMetadataItem(S.write, 'r'), (error) => error instanceof NotFoundError && /Metadata item was not found/u.test(error.message));
    await assert.rejects(c.deleteServerMetadataItem(S.write, 'r'), (error) => error instanceof NotFoundError);
    assert.deepEqual(await c.replaceServerMetadata(S.write, {}), {});
  });

  test('a locked server refuses writes with a ConflictError (409)', async () => {
    await assert.rejects(client().updateServerMetadata(S.locked, { a: 'b' }), (error) => {
      assert.ok(error instanceof ConflictError, String(error));
      assert.equal(error.code, 'conflictingRequest');
      assert.match(error.message, new RegExp(`Instance ${S.locked} is locked`, 'u'));
      return true;
    });
    assert.deepEqual(await client().getServerMetadata(S.locked), { wj: 'True' });
  });

  test('a building server refuses writes with a ConflictError naming the vm_state', async () => {
    await assert.rejects(client().setServerMetadataItem(S.building, 'wj', 'False'), (error) => {
      assert.ok(error instanceof ConflictError, String(error));
      assert.match(error.message, /while it is in vm_state building/u);
      return true;
    });
    await assert.rejects(client().deleteServerMetadataItem(S.building, 'wj'), (error) => error instanceof ConflictError && /delete metadata/u.test(error.message));
  });

  test('a 129th item is a MetadataLimitExceededError (403)', async () => {
    await assert.rejects(client().updateServerMetadata(S.full, { extra: 'x' }), (error) => {
      assert.ok(error instanceof MetadataLimitExceededError, String(error));
      assert.equal(error.status, 403);
      return true;
    });
  });
});

describe('password login against real Keystone', { skip: typeof passwordAuth !== 'function' && '@ecs-metadata/client does not export passwordAuth' }, () => {
  const login = (overrides = {}) =>
    passwordAuth({ authUrl: env.OS_AUTH_URL, username: env.NOVA_USER, password: env.NOVA_USER_PASSWORD, userDomainName: 'Default', projectId: P, ...overrides });

  test('201 + X-Subject-Token; the compute endpoint and project come from the catalog and token', async () => {
    const logins = [];
    const client = track(await createEcsMetadataClient({ auth: login({ onResponse: (event) => logins.push(event) }) }));
    assert.equal(client.endpoint, env.NOVA_URL);
    assert.equal(client.projectId, P);
    assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
    assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
    assert.deepEqual(logins.map((event) => event.status), [201]);
  });

  test('a project by name and domain', async () => {
    const client = track(
      await createEcsMetadataClient({ endpoint: env.NOVA_URL, auth: login({ projectId: undefined, projectName: env.NOVA_PROJECT_NAME, projectDomainName: 'Default' }) }),
    );
    assert.equal(client.projectId, P);
    assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
  });

  test('a wrong password is an AuthenticationError from Keystone, and no token is sent to Nova', async () => {
    const responses = [];
    const auth = login({ password: 'not-the-password' });
    const client = track(new EcsMetadataClient({ endpoint: env.NOVA_URL, projectId: P, auth, onResponse: (event) => responses.push(event.status) }));
    await assert.rejects(client.getServerMetadata(S.seed), (error) => error instanceof AuthenticationError && error.status === 401);
    assert.deepEqual(responses, []);
  });

  // The two expiry tests wait for tokens to age: side by side, so the stage waits once.
  describe('token lifetime', { concurrency: true }, () => {
    test(`an expired token: Nova answers 401, the client logs in once more and resends (tokens live ${SHORT_SECONDS} s)`, async () => {
      const logins = [];
      const responses = [];
      // A frozen clock: the client believes its token is fresh, so only Nova's 401 can make it log in again.
      const frozen = Date.now();
      const auth = login({ authUrl: `${env.KEYSTONE_SHORT_URL}/v3`, now: () => frozen, onResponse: (event) => logins.push(event) });
      const client = track(new EcsMetadataClient({ endpoint: env.NOVA_URL, projectId: P, auth, onResponse: (event) => responses.push(event.status) }));
      assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
      await sleep(SHORT_SECONDS * 1000 + 1500);
      assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
      assert.deepEqual(logins.map((event) => event.status), [201, 201]);
      assert.deepEqual(responses, [200, 401, 200]);
    });

    test('a token past half its life is renewed before use, without a 401', async () => {
      const logins = [];
      const responses = [];
      const auth = login({ authUrl: `${env.KEYSTONE_SHORT_URL}/v3`, onResponse: (event) => logins.push(event) });
      const client = track(new EcsMetadataClient({ endpoint: env.NOVA_URL, projectId: P, auth, onResponse: (event) => responses.push(event.status) }));
      assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
      await sleep((SHORT_SECONDS * 1000) / 2 + 1000);
      assert.deepEqual(await client.getServerMetadata(S.seed), { wj: 'True' });
      assert.deepEqual(logins.map((event) => event.status), [201, 201]);
      assert.deepEqual(responses, [200, 200]);
    });
  });
});

describe('the ecs-metadata command against Nova (exit codes of README "Exit codes")', () => {
  const bin = fileURLToPath(new URL('../../packages/cli/bin/ecs-metadata.js', import.meta.url));
  const run = (args, extraEnv) =>
    new Promise((resolve) => {
      // Only what the command needs: never the caller's ECS_METADATA_* / OS_* settings.
      const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, XDG_CONFIG_HOME: env.NOVA_STATE_DIR, ...extraEnv };
      execFile(process.execPath, [bin, ...args], { env: childEnv, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      });
    });
  const passwordEnv = () => ({
    OS_AUTH_URL: env.OS_AUTH_URL,
    OS_USERNAME: env.NOVA_USER,
    OS_PASSWORD: env.NOVA_USER_PASSWORD,
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_NAME: env.NOVA_PROJECT_NAME,
    OS_PROJECT_DOMAIN_NAME: 'Default',
  });

  test('get with a token: {"wj":"True"}, exit 0', async () => {
    const result = await run(['get', S.seed, '--endpoint', env.NOVA_URL, '--project-id', P], { ECS_METADATA_TOKEN: token });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { wj: 'True' });
  });

  test('get with OS_* password login: endpoint from the catalog, exit 0', async () => {
    const result = await run(['get', S.seed, '--key', 'wj', '--output', 'value'], passwordEnv());
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), 'True');
  });

  test('an unknown server: exit 4', async () => {
    const result = await run(['get', S.unknown], passwordEnv());
    assert.equal(result.code, 4, result.stderr);
  });

  test('a token Keystone never issued: exit 3, and the token is not printed', async () => {
    const result = await run(['get', S.seed, '--endpoint', env.NOVA_URL, '--project-id', P], { ECS_METADATA_TOKEN: 'gAAAAAB-not-a-real-token' });
    assert.equal(result.code, 3, result.stderr);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('gAAAAAB-not-a-real-token'));
  });
});
