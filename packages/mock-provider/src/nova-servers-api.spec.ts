import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEMO_TOKEN, type Fixture } from './fixture.js';
import { type MockProvider, startMockProvider } from './index.js';
import { rawRequest } from './test-support/http.js';

const OTHER_PROJECT = 'c0ffee00c0ffee00c0ffee00c0ffee00';
const WEB_1 = '11111111-2222-4333-8444-555555555555';
const WEB_10 = '22222222-2222-4333-8444-555555555555';
const MY_WEB = '33333333-2222-4333-8444-555555555555';
const FOREIGN = '44444444-2222-4333-8444-555555555555';

const FIXTURE: Fixture = {
  tokens: [
    { token: DEMO_TOKEN, projectId: EXAMPLE_PROJECT_ID },
    { token: 'other-token', projectId: OTHER_PROJECT },
  ],
  servers: [
    { projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { wj: 'True' } },
    { projectId: EXAMPLE_PROJECT_ID, serverId: WEB_1, name: 'web-1', metadata: {}, locked: true },
    { projectId: EXAMPLE_PROJECT_ID, serverId: WEB_10, name: 'web-10', metadata: {}, vmState: 'stopped' },
    { projectId: EXAMPLE_PROJECT_ID, serverId: MY_WEB, name: 'my-web', metadata: {} },
    { projectId: OTHER_PROJECT, serverId: FOREIGN, name: 'web-1', metadata: {} },
  ],
};

describe('the servers API (GET /servers/{id}, /servers, /servers/detail; project-less paths)', () => {
  let mock: MockProvider;
  let host: string;
  beforeAll(async () => {
    mock = await startMockProvider({ fixture: FIXTURE });
    host = new URL(mock.url).host;
  });
  beforeEach(() => {
    mock.admin.reset();
  });
  afterAll(async () => {
    await mock.close();
  });

  const get = async (
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; headers: Record<string, unknown> }> => {
    const res = await rawRequest(mock.url, path, { headers: { 'X-Auth-Token': DEMO_TOKEN, ...headers } });
    return { status: res.status, body: res.text === '' ? {} : (JSON.parse(res.text) as Record<string, unknown>), headers: res.headers };
  };

  it('shows a server as Nova 2.1 does: metadata, status, ids, links from the Host; no image to look up', async () => {
    const res = await get(`/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-openstack-nova-api-version']).toBe('2.1');
    const server = res.body['server'] as Record<string, unknown>;
    expect(server).toMatchObject({
      id: EXAMPLE_SERVER_ID,
      name: `server-${EXAMPLE_SERVER_ID.slice(0, 8)}`,
      status: 'ACTIVE',
      tenant_id: EXAMPLE_PROJECT_ID,
      metadata: { wj: 'True' },
      image: '',
      flavor: { id: 'mock-flavor', links: [{ rel: 'bookmark', href: `http://${host}/${EXAMPLE_PROJECT_ID}/flavors/mock-flavor` }] },
      addresses: {},
      links: [
        { rel: 'self', href: `http://${host}/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}` },
        { rel: 'bookmark', href: `http://${host}/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}` },
      ],
      'OS-EXT-STS:vm_state': 'active',
      'OS-EXT-STS:power_state': 1,
      progress: null,
    });
    expect(server['created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/u);
    // Fields of later microversions are absent at 2.1.
    expect(server).not.toHaveProperty('locked');
    expect(server).not.toHaveProperty('description');
  });

  it('adds the fields of the microversion asked for: locked (2.9), embedded flavor (2.47), locked_reason (2.73)', async () => {
    const at = async (version: string): Promise<Record<string, unknown>> =>
      (await get(`/v2.1/${EXAMPLE_PROJECT_ID}/servers/${WEB_1}`, { 'OpenStack-API-Version': `compute ${version}` })).body['server'] as Record<string, unknown>;
    expect(await at('2.9')).toMatchObject({ locked: true });
    expect(await at('2.8')).not.toHaveProperty('locked');
    const latest = await at('latest');
    expect(latest).toMatchObject({
      locked: true,
      locked_reason: null,
      description: null,
      tags: [],
      server_groups: [],
      flavor: { vcpus: 1, ram: 512, disk: 1, ephemeral: 0, swap: 0, original_name: 'mock-flavor', extra_specs: {} },
      'OS-EXT-SRV-ATTR:hostname': 'web-1',
    });
    expect(latest['flavor']).not.toHaveProperty('id');
  });

  it('serves the project-less paths with the token\'s project, and their links hold no project id', async () => {
    const res = await get(`/v2.1/servers/${EXAMPLE_SERVER_ID}`);
    expect(res.status).toBe(200);
    expect((res.body['server'] as Record<string, unknown>)['links']).toEqual([
      { rel: 'self', href: `http://${host}/v2.1/servers/${EXAMPLE_SERVER_ID}` },
      { rel: 'bookmark', href: `http://${host}/servers/${EXAMPLE_SERVER_ID}` },
    ]);
    expect((await get(`/v2/servers/${EXAMPLE_SERVER_ID}/metadata`)).body).toEqual({ metadata: { wj: 'True' } });
    expect((await get(`/v2.1/servers/${EXAMPLE_SERVER_ID}/metadata/wj`)).body).toEqual({ meta: { wj: 'True' } });
  });

  it('answers 404 for a server of another project, with and without the project id in the path', async () => {
    for (const path of [`/v2.1/${EXAMPLE_PROJECT_ID}/servers/${FOREIGN}`, `/v2.1/servers/${FOREIGN}`]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ itemNotFound: { code: 404, message: `Instance ${FOREIGN} could not be found.` } });
    }
  });

  it('lists the project\'s servers, newest first, as {id, links, name}', async () => {
    const res = await get(`/v2.1/${EXAMPLE_PROJECT_ID}/servers`);
    expect(res.status).toBe(200);
    const servers = res.body['servers'] as Record<string, unknown>[];
    expect(servers.map((server) => server['id'])).toEqual([MY_WEB, WEB_10, WEB_1, EXAMPLE_SERVER_ID]);
    expect(Object.keys(servers[0] as object).sort()).toEqual(['id', 'links', 'name']);
  });

  it('filters ?name= as Nova: a regular expression searched in the name (clients keep the exact match)', async () => {
    const names = async (path: string): Promise<unknown[]> =>
      ((await get(path)).body['servers'] as Record<string, unknown>[]).map((server) => server['name']);
    expect(await names('/v2.1/servers?name=web-1')).toEqual(['web-10', 'web-1']);
    expect(await names('/v2.1/servers?name=%5Eweb-1%24')).toEqual(['web-1']);
    expect(await names('/v2.1/servers/detail?name=web')).toEqual(['my-web', 'web-10', 'web-1']);
    expect(await names('/v2.1/servers?name=nothing')).toEqual([]);
    const invalid = await get('/v2.1/servers?name=(');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ badRequest: { code: 400, message: "Invalid input for query parameters name. Value: (. '(' is not a 'regex'" } });
  });

  it('matches a name pattern that backtracks exponentially elsewhere in linear time', async () => {
    // 2^60 paths for a backtracking engine; RE2 has none.
    mock.admin.putServer(EXAMPLE_PROJECT_ID, 'aaaaaaaa-2222-4333-8444-555555555555', { name: 'a'.repeat(60), metadata: {} });
    const started = performance.now();
    const res = await get(`/v2.1/servers?name=${encodeURIComponent('^(a+)+b$')}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ servers: [] });
    // A generous guard only.
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('details each listed server as GET /servers/{id} shows it', async () => {
    const res = await get('/v2.1/servers/detail?name=%5Eweb-10%24');
    const [server] = res.body['servers'] as Record<string, unknown>[];
    const shown = (await get(`/v2.1/servers/${WEB_10}`)).body['server'] as Record<string, unknown>;
    expect(server).toMatchObject({ id: WEB_10, status: 'SHUTOFF', 'OS-EXT-STS:power_state': 0 });
    expect(server).toEqual(shown);
  });

  it('locks and unlocks through the action on a project-less path; a locked server refuses writes', async () => {
    const action = (body: unknown): Promise<{ status: number }> =>
      rawRequest(mock.url, `/v2.1/servers/${EXAMPLE_SERVER_ID}/action`, {
        method: 'POST',
        headers: { 'X-Auth-Token': DEMO_TOKEN, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await action({ lock: null })).status).toBe(202);
    const locked = (await get(`/v2.1/servers/${EXAMPLE_SERVER_ID}`, { 'OpenStack-API-Version': 'compute 2.9' })).body['server'];
    expect(locked).toMatchObject({ locked: true });
    const write = await rawRequest(mock.url, `/v2.1/servers/${EXAMPLE_SERVER_ID}/metadata/k`, {
      method: 'PUT',
      headers: { 'X-Auth-Token': DEMO_TOKEN, 'Content-Type': 'application/json' },
      body: JSON.stringify({ meta: { k: 'v' } }),
    });
    expect(write.status).toBe(409);
    expect((await action({ unlock: null })).status).toBe(202);
    expect((await action({ reboot: { type: 'SOFT' } })).status).toBe(400);
  });

  it('keeps a 2.73 lock reason until unlocked, and words a bad one as Nova (verified on the stage)', async () => {
    const action = (body: unknown, version: string): Promise<{ status: number; text: string }> =>
      rawRequest(mock.url, `/v2.1/servers/${EXAMPLE_SERVER_ID}/action`, {
        method: 'POST',
        headers: { 'X-Auth-Token': DEMO_TOKEN, 'Content-Type': 'application/json', 'OpenStack-API-Version': `compute ${version}` },
        body: JSON.stringify(body),
      });
    const reason = async (): Promise<unknown> =>
      ((await get(`/v2.1/servers/${EXAMPLE_SERVER_ID}`, { 'OpenStack-API-Version': 'compute 2.73' })).body['server'] as Record<string, unknown>)['locked_reason'];
    expect((await action({ lock: { locked_reason: 'maintenance' } }, '2.73')).status).toBe(202);
    expect(await reason()).toBe('maintenance');
    // Locking again (here without a reason) leaves the owner's lock as it is.
    expect((await action({ lock: null }, '2.1')).status).toBe(202);
    expect(await reason()).toBe('maintenance');
    expect((await action({ unlock: null }, '2.1')).status).toBe(202);
    expect(await reason()).toBeNull();
    const extra = await action({ lock: { other: 1 } }, '2.73');
    expect(extra.status).toBe(400);
    expect(JSON.parse(extra.text)).toEqual({
      badRequest: { code: 400, message: "Invalid input for field/attribute lock. Value: {'other': 1}. Additional properties are not allowed ('other' was unexpected)" },
    });
    expect(JSON.parse((await action({ lock: { locked_reason: '' } }, '2.73')).text)).toEqual({
      badRequest: { code: 400, message: "Invalid input for field/attribute locked_reason. Value: . '' is too short" },
    });
  });

  it('refuses a project id in the path that is not the token\'s, as Nova (400)', async () => {
    const res = await get(`/v2.1/${OTHER_PROJECT}/servers/${FOREIGN}`);
    expect(res.status).toBe(400);
  });
});
