import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEMO_TOKEN, type Fixture } from './fixture.js';
import { type MockProvider, startMockProvider } from './index.js';
import { rawRequest } from './test-support/http.js';

const ADMIN_PROJECT = 'adadadadadadadadadadadadadadadad';
const FIXTURE: Fixture = {
  tokens: [
    { token: DEMO_TOKEN, projectId: EXAMPLE_PROJECT_ID },
    { token: 'reader-token', projectId: EXAMPLE_PROJECT_ID, roles: ['reader'] },
    { token: 'admin-token', projectId: ADMIN_PROJECT, roles: ['admin'] },
  ],
  servers: [{ projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { wj: 'True' } }],
};
const S = EXAMPLE_SERVER_ID;

// Nova's current default policy, as the real-Nova stage answers (enforce_new_defaults; docs/conformance.md).
describe("Nova's default policy on the metadata calls: reader reads, member writes, admin crosses projects", () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider({ fixture: FIXTURE });
  });
  beforeEach(() => {
    mock.admin.reset();
  });
  afterAll(async () => {
    await mock.close();
  });

  const call = async (token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
    const headers: Record<string, string> = { 'X-Auth-Token': token, 'Content-Type': 'application/json' };
    const res = await rawRequest(mock.url, path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: res.text === '' ? undefined : (JSON.parse(res.text) as unknown) };
  };
  const forbidden = (rule: string): unknown => ({ forbidden: { code: 403, message: `Policy doesn't allow ${rule} to be performed.` } });

  it('lets a reader read the metadata, one item and the server', async () => {
    expect(await call('reader-token', 'GET', `/v2.1/servers/${S}/metadata`)).toEqual({ status: 200, json: { metadata: { wj: 'True' } } });
    expect((await call('reader-token', 'GET', `/v2.1/servers/${S}/metadata/wj`)).status).toBe(200);
    expect((await call('reader-token', 'GET', `/v2.1/servers/${S}`)).status).toBe(200);
  });

  it.each([
    ['PUT', '/metadata/k', 'os_compute_api:server-metadata:update', { meta: { k: 'v' } }],
    ['POST', '/metadata', 'os_compute_api:server-metadata:create', { metadata: { k: 'v' } }],
    ['PUT', '/metadata', 'os_compute_api:server-metadata:update_all', { metadata: { k: 'v' } }],
    ['DELETE', '/metadata/wj', 'os_compute_api:server-metadata:delete', undefined],
    ['POST', '/action', 'os_compute_api:os-lock-server:lock', { lock: null }],
  ])('refuses a reader %s %s with 403 naming %s, and changes nothing', async (method, tail, rule, body) => {
    expect(await call('reader-token', method, `/v2.1/servers/${S}${tail}`, body)).toEqual({ status: 403, json: forbidden(rule) });
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, S)).toMatchObject({ metadata: { wj: 'True' }, locked: false });
  });

  it('answers an unknown server 404 before the policy (Nova looks the server up first)', async () => {
    const res = await call('reader-token', 'PUT', '/v2.1/servers/nope/metadata/k', { meta: { k: 'v' } });
    expect(res.status).toBe(404);
  });

  it("lets an admin of another project read and write the server on a project-less path and on its own project's path", async () => {
    expect((await call('admin-token', 'GET', `/v2.1/servers/${S}/metadata`)).json).toEqual({ metadata: { wj: 'True' } });
    expect((await call('admin-token', 'PUT', `/v2.1/${ADMIN_PROJECT}/servers/${S}/metadata/k`, { meta: { k: 'v' } })).status).toBe(200);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, S)?.metadata).toEqual({ wj: 'True', k: 'v' });
    // Naming the server's project in the path is still a project mismatch for Nova (400).
    expect((await call('admin-token', 'GET', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${S}/metadata`)).status).toBe(400);
  });

  it('lists every project only for an admin asking all_tenants; anyone else gets 403', async () => {
    const ids = (json: unknown): unknown[] => (json as { servers: { id: string }[] }).servers.map((server) => server.id);
    expect(ids((await call('admin-token', 'GET', '/v2.1/servers?all_tenants=1')).json)).toEqual([S]);
    expect(ids((await call('admin-token', 'GET', '/v2.1/servers')).json)).toEqual([]);
    expect(await call(DEMO_TOKEN, 'GET', '/v2.1/servers/detail?all_tenants=True')).toEqual({
      status: 403,
      json: forbidden('os_compute_api:servers:detail:get_all_tenants'),
    });
  });

  it('puts the roles, implied ones included, in the tokens of the identity service', async () => {
    mock.admin.addUser({ username: 'ops', password: 'ops-password', projectId: EXAMPLE_PROJECT_ID, roles: ['admin'] });
    const login = await call('', 'POST', '/v3/auth/tokens', {
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'ops', password: 'ops-password', domain: { id: 'default' } } } },
        scope: { project: { id: EXAMPLE_PROJECT_ID } },
      },
    });
    expect((login.json as { token: { roles: unknown } }).token.roles).toEqual([
      { id: 'admin', name: 'admin' },
      { id: 'member', name: 'member' },
      { id: 'reader', name: 'reader' },
    ]);
  });
});
