// The CLI as an OpenStack user runs it (issue 16, item 5), against real Keystone and Nova
// (tools/nova/start.sh), through the real bin: an application credential (by id, by name and user,
// from clouds.yaml with --os-cloud, a wrong secret), OS_TOKEN with OS_AUTH_URL (the catalog looked
// up with the token), an endpoint as the catalog shows it (/v2.1/{project}), and servers by name.
//
//   NOVA_ENV_FILE=STATE/env node --test tools/nova/cli-openstack.test.mjs
//
// Needs the built packages. Seeds its own servers (ids ...d1...), creates an application
// credential of the demo user through Keystone's API and deletes it afterwards.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, URL } from 'node:url';
import { rawRequest, readEnvFile } from './conformance.mjs';

const envFile = process.env.NOVA_ENV_FILE ?? (process.env.NOVA_STATE_DIR ? `${process.env.NOVA_STATE_DIR}/env` : undefined);
if (envFile === undefined) {
  throw new Error('Set NOVA_ENV_FILE to the env file tools/nova/start.sh wrote (or NOVA_STATE_DIR)');
}
const env = readEnvFile(envFile);
const P = env.NOVA_PROJECT_ID;
const BIN = fileURLToPath(new URL('../../packages/cli/bin/ecs-metadata.js', import.meta.url));
const S = {
  named: '7c1e0000-0000-4000-8000-0000000000d1',
  twinA: '7c1e0000-0000-4000-8000-0000000000d2',
  twinB: '7c1e0000-0000-4000-8000-0000000000d3',
};
const home = mkdtempSync(join(tmpdir(), 'ecs-metadata-cli-openstack-'));

/** Runs the bin with only PATH, an empty HOME and `vars`: no credential of the machine applies. */
function cli(args, vars = {}) {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), ...vars }, cwd: home }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : error.code, stdout, stderr });
    });
  });
}

/** A password login of the demo user, scoped to its project: the token and the user's id. */
async function login() {
  const body = JSON.stringify({
    auth: {
      identity: { methods: ['password'], password: { user: { name: env.NOVA_USER, password: env.NOVA_USER_PASSWORD, domain: { name: 'Default' } } } },
      scope: { project: { id: P } },
    },
  });
  const res = await rawRequest(env.KEYSTONE_URL, {
    method: 'POST',
    path: '/v3/auth/tokens',
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
    body,
  });
  assert.equal(res.status, 201, `Keystone login: ${res.text.slice(0, 200)}`);
  return { token: res.headers['x-subject-token'], userId: JSON.parse(res.text).token.user.id };
}

let token;
let userId;
let credential;
const credentialName = `ecs-metadata-cli-${process.pid}`;

before(async () => {
  const batch = join(home, 'seed.json');
  writeFileSync(
    batch,
    JSON.stringify([
      { projectId: P, serverId: S.named, name: 'cli-os-named', metadata: { role: 'named' }, vmState: 'active', locked: false },
      { projectId: P, serverId: S.twinA, name: 'cli-os-twin', metadata: {}, vmState: 'active', locked: false },
      { projectId: P, serverId: S.twinB, name: 'cli-os-twin', metadata: {}, vmState: 'active', locked: false },
    ]),
  );
  execFileSync('/usr/bin/python3', [fileURLToPath(new URL('./seed.py', import.meta.url)), '--env', envFile, '--batch', batch], { stdio: ['ignore', 'ignore', 'inherit'] });
  ({ token, userId } = await login());
  const body = JSON.stringify({ application_credential: { name: credentialName, description: 'ecs-metadata CLI stage test' } });
  const res = await rawRequest(env.KEYSTONE_URL, {
    method: 'POST',
    path: `/v3/users/${userId}/application_credentials`,
    headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'X-Auth-Token': token },
    body,
  });
  assert.equal(res.status, 201, `create application credential: ${res.text.slice(0, 200)}`);
  credential = JSON.parse(res.text).application_credential;
});

after(async () => {
  if (credential !== undefined) {
    await rawRequest(env.KEYSTONE_URL, { method: 'DELETE', path: `/v3/users/${userId}/application_credentials/${credential.id}`, headers: { 'X-Auth-Token': token } });
  }
  rmSync(home, { recursive: true, force: true });
});

const expectNoSecret = (result) => {
  for (const secret of [credential.secret, token, env.NOVA_USER_PASSWORD]) {
    assert.ok(!(result.stdout + result.stderr).includes(secret), 'a secret reached the output');
  }
};

describe('application credentials against the real Keystone (v3applicationcredential)', () => {
  test('by id (OS_APPLICATION_CREDENTIAL_ID/_SECRET): the endpoint from the catalog', async () => {
    const result = await cli(['get', S.named, '--verbose'], {
      OS_AUTH_URL: env.OS_AUTH_URL,
      OS_APPLICATION_CREDENTIAL_ID: credential.id,
      OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { role: 'named' });
    assert.match(result.stderr, /config: credentials applicationCredential/u);
    expectNoSecret(result);
  });

  test('by name with its user and domain, OS_AUTH_TYPE=v3applicationcredential', async () => {
    const result = await cli(['get', S.named], {
      OS_AUTH_URL: env.OS_AUTH_URL,
      OS_AUTH_TYPE: 'v3applicationcredential',
      OS_APPLICATION_CREDENTIAL_NAME: credentialName,
      OS_APPLICATION_CREDENTIAL_SECRET: credential.secret,
      OS_USERNAME: env.NOVA_USER,
      OS_USER_DOMAIN_NAME: 'Default',
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { role: 'named' });
  });

  test('from clouds.yaml with --os-cloud', async () => {
    const clouds = [
      'clouds:',
      '  stage:',
      '    auth_type: v3applicationcredential',
      `    region_name: ${env.NOVA_REGION ?? 'RegionOne'}`,
      '    auth:',
      `      auth_url: ${env.OS_AUTH_URL}`,
      `      application_credential_id: ${credential.id}`,
      `      application_credential_secret: "${credential.secret}"`,
      '',
    ].join('\n');
    writeFileSync(join(home, 'clouds.yaml'), clouds, { mode: 0o600 });
    const result = await cli(['get', S.named, '--os-cloud', 'stage']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { role: 'named' });
    expectNoSecret(result);
  });

  test('a wrong secret: exit 3, the secret nowhere', async () => {
    const result = await cli(['get', S.named], { OS_AUTH_URL: env.OS_AUTH_URL, OS_APPLICATION_CREDENTIAL_ID: credential.id, OS_APPLICATION_CREDENTIAL_SECRET: 'wrong-secret-0001' });
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, /application credential login/u);
    assert.ok(!result.stderr.includes('wrong-secret-0001'));
  });
});

describe('a token and endpoints as OpenStack users have them', () => {
  test('OS_TOKEN with OS_AUTH_URL: the catalog looked up with the token (GET /v3/auth/tokens)', async () => {
    const result = await cli(['get', S.named, '--verbose'], { OS_AUTH_URL: env.OS_AUTH_URL, OS_TOKEN: token });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { role: 'named' });
    assert.match(result.stderr, /GET \S+\/v3\/auth\/tokens → 200/u);
    expectNoSecret(result);
  });

  test('--endpoint as the catalog shows it (/v2.1/{project}) is not sent twice; another project is refused', async () => {
    const vars = { ECS_METADATA_TOKEN: token, ECS_METADATA_PROJECT_ID: P };
    const ok = await cli(['get', S.named, '--endpoint', `${env.NOVA_URL}/v2.1/${P}`], vars);
    assert.equal(ok.code, 0, ok.stderr);
    const refused = await cli(['get', S.named, '--endpoint', `${env.NOVA_URL}/v2.1/${env.NOVA_OTHER_PROJECT_ID}`], vars);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /names project/u);
  });
});

describe('servers by name against Nova (GET /servers?name=)', () => {
  const vars = () => ({ ECS_METADATA_ENDPOINT: env.NOVA_URL, ECS_METADATA_TOKEN: token, ECS_METADATA_PROJECT_ID: P });

  test('an exact name: its metadata', async () => {
    const result = await cli(['get', 'cli-os-named', '--verbose'], vars());
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), { role: 'named' });
    assert.match(result.stderr, new RegExp(`server "cli-os-named" is ${S.named}`, 'u'));
  });

  test('a name two servers have: exit 2 listing both ids; an unknown name: exit 4', async () => {
    const twins = await cli(['get', 'cli-os-twin'], vars());
    assert.equal(twins.code, 2, twins.stderr);
    assert.ok(twins.stderr.includes(S.twinA) && twins.stderr.includes(S.twinB), twins.stderr);
    const none = await cli(['get', 'cli-os-nobody'], vars());
    assert.equal(none.code, 4, none.stderr);
  });
});
