import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID } from '@ecs-metadata/core';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, rawRequest } from './test-support/http.js';

// The documents Nova 26 (Zed) and Keystone 22 (Zed) answered on the real-Nova stage, the origin
// replaced by the one the request named in `Host`.
const HOST = 'compute.example:8774';
const V21 = {
  id: 'v2.1',
  status: 'CURRENT',
  version: '2.93',
  min_version: '2.1',
  updated: '2013-07-23T11:33:21Z',
  links: [
    { rel: 'self', href: `http://${HOST}/v2.1/` },
    { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
  ],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' }],
};
const V20 = {
  id: 'v2.0',
  status: 'SUPPORTED',
  version: '',
  min_version: '',
  updated: '2011-01-21T11:33:21Z',
  links: [
    { rel: 'self', href: `http://${HOST}/v2/` },
    { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
  ],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2' }],
};
const KEYSTONE_V3 = (prefix: string): unknown => ({
  id: 'v3.14',
  status: 'stable',
  updated: '2020-04-07T00:00:00Z',
  links: [{ rel: 'self', href: `http://${HOST}${prefix}/v3/` }],
  'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
});

describe('version discovery, as Nova and Keystone answer it', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });

  const get = async (
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: unknown; headers: Record<string, unknown> }> => {
    const res = await rawRequest(mock.url, path, { headers: { Host: HOST, ...headers } });
    return { status: res.status, json: JSON.parse(res.text) as unknown, headers: res.headers };
  };

  it("lists Nova's versions at the root, without a token, linking to the Host the client used", async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      versions: [
        { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `http://${HOST}/v2/` }] },
        { id: 'v2.1', status: 'CURRENT', version: '2.93', min_version: '2.1', updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `http://${HOST}/v2.1/` }] },
      ],
    });
    expect(res.headers['openstack-api-version']).toBeUndefined();
    expect(res.headers['x-openstack-request-id']).toBeUndefined();
    expect(res.headers['x-compute-request-id']).toBeUndefined();
  });

  it.each(['/v2.1', '/v2.1/'])('answers %s without a token, with the microversion headers', async (path) => {
    const res = await get(path);
    expect(res).toMatchObject({ status: 200, json: { version: V21 } });
    expect(res.headers['openstack-api-version']).toBe('compute 2.1');
    expect(res.headers['x-openstack-request-id']).toMatch(/^req-/u);
  });

  it('negotiates a requested microversion on /v2.1/ as any call (echoed; 406 out of range)', async () => {
    expect((await get('/v2.1/', { 'OpenStack-API-Version': 'compute 2.50' })).headers['openstack-api-version']).toBe('compute 2.50');
    const refused = await get('/v2.1', { 'OpenStack-API-Version': 'compute 3.50' });
    expect(refused.status).toBe(406);
    expect(refused.json).toEqual({ computeFault: { code: 406, message: 'Version 3.50 is not supported by the API. Minimum is 2.1 and maximum is 2.93.' } });
  });

  it.each(['/v2', '/v2/'])('answers %s without a token and without microversion headers', async (path) => {
    const res = await get(path);
    expect(res).toMatchObject({ status: 200, json: { version: V20 } });
    expect(res.headers['openstack-api-version']).toBeUndefined();
  });

  it("answers a project's root with its version's document, after authenticating; without the slash, the router's 404", async () => {
    expect(await get(`/v2.1/${EXAMPLE_PROJECT_ID}/`, AUTH_HEADERS)).toMatchObject({ status: 200, json: { version: V21 } });
    expect(await get(`/v2/${EXAMPLE_PROJECT_ID}/`, AUTH_HEADERS)).toMatchObject({ status: 200, json: { version: V20 } });
    expect((await get(`/v2.1/${EXAMPLE_PROJECT_ID}/`)).status).toBe(401);
    const bare = await rawRequest(mock.url, `/v2.1/${EXAMPLE_PROJECT_ID}`, { headers: AUTH_HEADERS });
    expect(bare.status).toBe(404);
    expect(bare.headers['content-type']).toBe('text/plain; charset=UTF-8');
  });

  it.each([
    ['/v3', ''],
    ['/v3/', ''],
    ['/identity/v3', '/identity'],
  ])("answers Keystone's %s document", async (path, prefix) => {
    const res = await get(path);
    expect(res).toMatchObject({ status: 200, json: { version: KEYSTONE_V3(prefix) } });
    expect(res.headers['vary']).toBe('X-Auth-Token');
  });

  it("answers Glance's list of versions at /image (openstackclient discovers it for server show)", async () => {
    expect(await get('/image')).toMatchObject({
      status: 300,
      json: { versions: [{ id: 'v2.16', status: 'CURRENT', links: [{ rel: 'self', href: `http://${HOST}/image/v2/` }] }] },
    });
  });

  it("answers Keystone's list of versions under /identity: 300 and a Location", async () => {
    const res = await get('/identity');
    expect(res).toMatchObject({ status: 300, json: { versions: { values: [KEYSTONE_V3('/identity')] } } });
    expect(res.headers['location']).toBe(`http://${HOST}/identity/v3/`);
  });
});
