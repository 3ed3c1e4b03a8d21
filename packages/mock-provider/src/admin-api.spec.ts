import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, ValidationError } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath } from './test-support/http.js';

const SERVER_ID = '5f3d1c2b-1111-4222-8333-944455556666';
const serverAdminUrl = (mock: MockProvider, serverId = SERVER_ID, projectId = EXAMPLE_PROJECT_ID): string =>
  `${mock.url}/_admin/projects/${projectId}/servers/${serverId}`;
const json = { 'Content-Type': 'application/json' };

describe('admin HTTP API', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  it('puts, gets and deletes a server, and the API follows', async () => {
    const put = await fetch(serverAdminUrl(mock), { method: 'PUT', headers: json, body: JSON.stringify({ metadata: { env: 'prod' } }) });
    expect(put.status).toBe(200);
    const stored = { projectId: EXAMPLE_PROJECT_ID, serverId: SERVER_ID, metadata: { env: 'prod' }, name: 'server-5f3d1c2b', vmState: 'active', locked: false };
    expect(await put.json()).toEqual(stored);
    expect(put.headers.get('content-type')).toBe('application/json');
    expect(put.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/u);

    const get = await fetch(serverAdminUrl(mock));
    expect([get.status, await get.json()]).toEqual([200, stored]);
    const api = await fetch(`${mock.url}${metadataPath({ serverId: SERVER_ID })}`, { headers: AUTH_HEADERS });
    expect(await api.json()).toEqual({ metadata: { env: 'prod' } });

    const del = await fetch(serverAdminUrl(mock), { method: 'DELETE' });
    expect([del.status, await del.text()]).toEqual([204, '']);
    expect((await fetch(serverAdminUrl(mock))).status).toBe(404);
    expect((await fetch(`${mock.url}${metadataPath({ serverId: SERVER_ID })}`, { headers: AUTH_HEADERS })).status).toBe(404);
    expect((await fetch(serverAdminUrl(mock), { method: 'DELETE' })).status).toBe(204);
  });

  it('stores vmState and locked', async () => {
    const put = await fetch(serverAdminUrl(mock), {
      method: 'PUT',
      body: JSON.stringify({ metadata: {}, vmState: 'building', locked: true }),
    });
    expect(await put.json()).toMatchObject({ vmState: 'building', locked: true });
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, SERVER_ID)).toMatchObject({ vmState: 'building', locked: true });
  });

  it.each([
    ['a non-string value', { metadata: { wj: 1 } }, 'Invalid metadata.wj: Invalid input: expected string, received number'],
    ['a key Nova refuses', { metadata: { 'a/b': 'x' } }, 'Invalid metadata["a/b"]: key may contain only A-Z a-z 0-9 - _ : . and space'],
    ['a misspelt field', { metadata: {}, vm_state: 'active' }, 'Invalid vm_state: unrecognized field'],
    ['an unknown vm state', { metadata: {}, vmState: 'ACTIVE' }, 'Invalid vmState: must be one of'],
    ['no metadata', {}, 'Invalid metadata: Invalid input: expected record, received undefined'],
  ])('answers 400 naming the field for %s', async (_name, body, message) => {
    const res = await fetch(serverAdminUrl(mock), { method: 'PUT', body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const fault = (await res.json()) as { badRequest: { code: number; message: string } };
    expect(fault.badRequest.code).toBe(400);
    expect(fault.badRequest.message).toContain(message);
  });

  it('answers 400 naming projectId or serverId for ids it cannot store', async () => {
    const badProject = await fetch(serverAdminUrl(mock, SERVER_ID, 'NOT-HEX'), { method: 'PUT', body: '{"metadata":{}}' });
    expect(((await badProject.json()) as { badRequest: { message: string } }).badRequest.message).toMatch(/^Invalid projectId: /u);
    const badServer = await fetch(serverAdminUrl(mock, 'a%5Cb'), { method: 'PUT', body: '{"metadata":{}}' });
    expect(((await badServer.json()) as { badRequest: { message: string } }).badRequest.message).toMatch(/^Invalid serverId: /u);
  });

  it('answers 400 Malformed request body for a body that is not JSON', async () => {
    for (const body of ['{"metadata":', '']) {
      const res = await fetch(serverAdminUrl(mock), { method: 'PUT', body });
      expect([res.status, await res.json()]).toEqual([400, { badRequest: { code: 400, message: 'Malformed request body' } }]);
    }
  });

  it('adds a token that then authenticates for its project', async () => {
    const res = await fetch(`${mock.url}/_admin/tokens`, { method: 'POST', body: JSON.stringify({ token: 'tok-2', projectId: EXAMPLE_PROJECT_ID }) });
    expect([res.status, await res.json()]).toEqual([201, { token: 'tok-2', projectId: EXAMPLE_PROJECT_ID }]);
    const api = await fetch(`${mock.url}${metadataPath()}`, { headers: { 'X-Auth-Token': 'tok-2' } });
    expect(api.status).toBe(200);
  });

  it('refuses a token grant naming the field', async () => {
    const res = await fetch(`${mock.url}/_admin/tokens`, { method: 'POST', body: JSON.stringify({ token: 'has space', projectId: EXAMPLE_PROJECT_ID }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { badRequest: { message: string } }).badRequest.message).toMatch(/^Invalid token: /u);
  });

  it('queues and clears faults; admin requests are never faulted', async () => {
    const queued = await fetch(`${mock.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ status: 503, times: 2 }) });
    expect([queued.status, await queued.json()]).toEqual([201, { status: 503, times: 2 }]);
    expect((await fetch(`${mock.url}/_admin/requests`)).status).toBe(200);
    expect((await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS })).status).toBe(503);
    const cleared = await fetch(`${mock.url}/_admin/faults`, { method: 'DELETE' });
    expect(cleared.status).toBe(204);
    expect((await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS })).status).toBe(200);
  });

  it('refuses an invalid fault rule naming the field', async () => {
    const res = await fetch(`${mock.url}/_admin/faults`, { method: 'POST', body: JSON.stringify({ status: 42 }) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { badRequest: { message: string } }).badRequest.message).toMatch(/^Invalid status: /u);
  });

  it('resets to the fixture: servers, tokens, faults and the request log', async () => {
    mock.admin.putServer(EXAMPLE_PROJECT_ID, SERVER_ID, { metadata: {} });
    mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { changed: 'yes' } });
    mock.admin.addToken('tok-3', EXAMPLE_PROJECT_ID);
    mock.admin.queueFault({ status: 500 });
    const res = await fetch(`${mock.url}/_admin/reset`, { method: 'POST' });
    expect(res.status).toBe(204);
    expect(mock.requestLog).toEqual([]);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, SERVER_ID)).toBeUndefined();
    expect((await fetch(`${mock.url}${metadataPath()}`, { headers: { 'X-Auth-Token': 'tok-3' } })).status).toBe(401);
    const api = await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
    expect([api.status, await api.json()]).toEqual([200, { metadata: { wj: 'True' } }]);
  });

  it('lists the request log', async () => {
    await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
    const res = await fetch(`${mock.url}/_admin/requests`);
    const { requests } = (await res.json()) as { requests: Array<{ method: string; path: string; headers: Record<string, string> }> };
    expect(requests.map(({ method, path }) => `${method} ${path}`)).toEqual([`GET ${metadataPath()}`, 'GET /_admin/requests']);
    expect(requests[0]?.headers['x-auth-token']).toBe('demo-token');
  });

  it.each([
    ['an unknown admin path', 'GET', '/_admin/nothing'],
    ['an unsupported method', 'PATCH', '/_admin/faults'],
  ])('answers 404 for %s', async (_name, method, path) => {
    const res = await fetch(`${mock.url}${path}`, { method });
    expect([res.status, await res.json()]).toEqual([404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } }]);
  });
});

describe('MockAdmin (programmatic)', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('returns copies that do not alias the store', () => {
    const stored = mock.admin.putServer(EXAMPLE_PROJECT_ID, SERVER_ID, { metadata: { a: '1' } });
    stored.metadata['b'] = '2';
    const read = mock.admin.getServer(EXAMPLE_PROJECT_ID, SERVER_ID);
    expect(read?.metadata).toEqual({ a: '1' });
    expect(mock.admin.deleteServer(EXAMPLE_PROJECT_ID, SERVER_ID)).toBe(true);
    expect(mock.admin.deleteServer(EXAMPLE_PROJECT_ID, SERVER_ID)).toBe(false);
  });

  it('throws ValidationError naming the field', () => {
    const attempt = (): unknown => mock.admin.putServer(EXAMPLE_PROJECT_ID, SERVER_ID, { metadata: { wj: 1 as unknown as string } });
    expect(attempt).toThrow(ValidationError);
    expect(attempt).toThrow(expect.objectContaining({ parameter: 'metadata.wj' }));
    expect(() => mock.admin.queueFault({ status: 200, action: 'reset' })).toThrow(expect.objectContaining({ parameter: 'rule.action' }));
    expect(() => mock.admin.queueFault({ match: { serverId: 'x' } })).toThrow('a fault rule needs status, delayMs, action or afterHandler');
    expect(() => mock.admin.addToken('t', 'UPPER')).toThrow(expect.objectContaining({ parameter: 'projectId' }));
  });

  it('refuses more than 128 metadata items, as Nova would hold no more', () => {
    const metadata = Object.fromEntries(Array.from({ length: 129 }, (_, index) => [`k${index}`, 'v']));
    expect(() => mock.admin.putServer(EXAMPLE_PROJECT_ID, SERVER_ID, { metadata })).toThrow('must hold at most 128 items');
    expect(mock.admin.putServer(EXAMPLE_PROJECT_ID, SERVER_ID, { metadata: Object.fromEntries(Object.entries(metadata).slice(1)) }).metadata).toHaveProperty('k128');
  });
});
