import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath, rawRequest } from './test-support/http.js';

const OTHER_PROJECT_ID = '0123456789abcdef0123456789abcdef';
const UNKNOWN_RESOURCE = { itemNotFound: { code: 404, message: 'The resource could not be found.' } };
// Nova's router 404 under /v2/ and /v2.1/: webob's body, exactly as Nova sends it to a client that
// accepts JSON (docs/conformance.md; webob-errors.spec.ts covers the other media types).
const ROUTER_NOT_FOUND_TEXT = '{"message": "The resource could not be found.<br /><br />\\n\\n\\n", "code": "404 Not Found", "title": "Not Found"}';
const JSON_AUTH_HEADERS = { ...AUTH_HEADERS, Accept: 'application/json' };
const ROUTER_NOT_FOUND = JSON.parse(ROUTER_NOT_FOUND_TEXT) as unknown;
const KEYSTONE_401 = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };

describe('mock provider API', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  it('listens on loopback and gives its URL without a trailing slash', () => {
    expect(mock.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
  });

  it('answers the seed call on /v2.1 with the metadata and Nova v2.1 headers', async () => {
    const res = await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ metadata: { wj: 'True' } });
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/u);
    const novaId = res.headers.get('x-openstack-request-id');
    expect(novaId).toMatch(/^req-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u);
    expect(res.headers.get('x-compute-request-id')).toBe(novaId);
    expect(res.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(res.headers.get('x-openstack-nova-api-version')).toBe('2.1');
    expect(res.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  });

  it('answers the seed call on /v2 without the microversion headers', async () => {
    const res = await fetch(`${mock.url}${metadataPath({ version: 'v2' })}`, { headers: AUTH_HEADERS });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ metadata: { wj: 'True' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/u);
    expect(res.headers.get('x-compute-request-id')).toBe(res.headers.get('x-openstack-request-id'));
    expect(res.headers.get('openstack-api-version')).toBeNull();
    expect(res.headers.get('x-openstack-nova-api-version')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
  });

  it('gives every response fresh request ids', async () => {
    const [a, b] = await Promise.all([1, 2].map(() => fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS })));
    expect(a?.headers.get('x-request-id')).not.toBe(b?.headers.get('x-request-id'));
    expect(a?.headers.get('x-openstack-request-id')).not.toBe(b?.headers.get('x-openstack-request-id'));
  });

  it('ignores a query string, as Nova does', async () => {
    const res = await fetch(`${mock.url}${metadataPath()}?limit=1`, { headers: AUTH_HEADERS });
    expect(res.status).toBe(200);
  });

  it('decodes each path segment on its own', async () => {
    mock.admin.putServer(EXAMPLE_PROJECT_ID, 'my server:1', { metadata: { 'a key': 'v' } });
    const res = await fetch(`${mock.url}${metadataPath({ serverId: 'my%20server%3A1' })}`, { headers: AUTH_HEADERS });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ metadata: { 'a key': 'v' } });
  });

  describe('authentication', () => {
    it('answers 401 with Keystone body and challenge when the token is missing', async () => {
      const res = await fetch(`${mock.url}${metadataPath()}`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(KEYSTONE_401);
      expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${mock.url}/identity"`);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/u);
    });

    it.each([
      ['no token', {}],
      ['an unknown token', { 'X-Auth-Token': 'invalid-token' }],
    ])('sends no microversion headers on the 401 for %s (keystonemiddleware, not the API)', async (_label, headers) => {
      const res = await fetch(`${mock.url}${metadataPath()}`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('openstack-api-version')).toBeNull();
      expect(res.headers.get('x-openstack-nova-api-version')).toBeNull();
      expect(res.headers.get('vary')).toBeNull();
    });

    it('sends the microversion headers on the faults of the API layer on /v2.1', async () => {
      mock.admin.addToken('other-token', OTHER_PROJECT_ID);
      const mismatch = await fetch(`${mock.url}${metadataPath()}`, { headers: { 'X-Auth-Token': 'other-token' } });
      const unknownServer = await fetch(`${mock.url}${metadataPath({ serverId: 'nope' })}`, { headers: AUTH_HEADERS });
      for (const res of [mismatch, unknownServer]) {
        expect([res.status, res.headers.get('openstack-api-version'), res.headers.get('x-openstack-nova-api-version')]).toEqual([
          res === mismatch ? 400 : 404,
          'compute 2.1',
          '2.1',
        ]);
        expect(res.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
      }
    });

    it('answers 401 for an unknown token', async () => {
      const res = await fetch(`${mock.url}${metadataPath()}`, { headers: { 'X-Auth-Token': 'invalid-token' } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual(KEYSTONE_401);
      expect(res.headers.get('www-authenticate')).toBe(`Keystone uri="${mock.url}/identity"`);
    });

    it('checks the token before the server and the project id format', async () => {
      const unknownServer = await fetch(`${mock.url}${metadataPath({ serverId: 'nope' })}`);
      const badProject = await fetch(`${mock.url}${metadataPath({ projectId: 'NOT-A-PROJECT' })}`);
      expect([unknownServer.status, badProject.status]).toEqual([401, 401]);
    });

    it('answers 400 when the token belongs to another project', async () => {
      mock.admin.addToken('other-token', OTHER_PROJECT_ID);
      const res = await fetch(`${mock.url}${metadataPath()}`, { headers: { 'X-Auth-Token': 'other-token' } });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        badRequest: {
          code: 400,
          message: `Malformed request URL: URL's project_id '${EXAMPLE_PROJECT_ID}' doesn't match Context's project_id '${OTHER_PROJECT_ID}'`,
        },
      });
    });

    it('routes only project ids Nova routes: another format is an unknown resource', async () => {
      const res = await fetch(`${mock.url}${metadataPath({ projectId: 'NOT-A-PROJECT' })}`, { headers: JSON_AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(ROUTER_NOT_FOUND);
    });
  });

  describe('not found', () => {
    it('answers 404 itemNotFound naming an unknown server', async () => {
      const res = await fetch(`${mock.url}${metadataPath({ serverId: 'b8a7f1c2-0000-4000-8000-000000000000' })}`, { headers: AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        itemNotFound: { code: 404, message: 'Instance b8a7f1c2-0000-4000-8000-000000000000 could not be found.' },
      });
    });

    it('does not show a server of another project', async () => {
      mock.admin.putServer(OTHER_PROJECT_ID, 'foreign', { metadata: {} });
      const res = await fetch(`${mock.url}${metadataPath({ serverId: 'foreign' })}`, { headers: AUTH_HEADERS });
      expect(res.status).toBe(404);
    });

    it.each([
      ['a trailing slash', `${metadataPath()}/`],
      ['an empty server id', metadataPath({ serverId: '' })],
      ['a trailing slash on /v2', `${metadataPath({ version: 'v2' })}/`],
    ])('answers 404 with webob body of Nova\'s router and no version headers for %s', async (_name, path) => {
      const res = await rawRequest(mock.url, path, { headers: JSON_AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(res.text).toBe(ROUTER_NOT_FOUND_TEXT);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['openstack-api-version']).toBeUndefined();
      expect(res.headers['x-openstack-nova-api-version']).toBeUndefined();
      expect(res.headers['vary']).toBeUndefined();
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/u);
    });

    it('answers 401, not 404, for an unknown path under /v2.1/ without a token (auth before routing)', async () => {
      const res = await rawRequest(mock.url, `${metadataPath()}/x/y`, {});
      expect(res.status).toBe(401);
      expect(JSON.parse(res.text)).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
      expect(res.headers['www-authenticate']).toBe(`Keystone uri="${mock.url}/identity"`);
      expect(res.headers['openstack-api-version']).toBeUndefined();
      expect(res.headers['vary']).toBeUndefined();
    });

    it.each([
      ['an unknown version', `/v3/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata`],
      ['an unknown root-level path', '/v4'],
      ['a missing leading slash', '*'],
      ['malformed percent-encoding', metadataPath({ serverId: '%zz' })],
    ])('answers 404 for %s', async (_name, path) => {
      const res = await rawRequest(mock.url, path, { headers: AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual(UNKNOWN_RESOURCE);
      // Nova sends its faults as JSON with a charset (docs/conformance.md).
      expect(res.headers['content-type']).toBe('application/json; charset=UTF-8');
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/u);
    });

    it.each([
      ['..', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/../metadata`],
      ['%2e%2e', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/%2e%2e/metadata`],
      ['%2E%2E after the server', `${metadataPath()}/%2E%2E`],
      ['.. back to the server', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/x/../${EXAMPLE_SERVER_ID}/metadata`],
      ['. as the server', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/./metadata`],
    ])('answers 404 for a traversal path with %s and never normalises it', async (_name, path) => {
      const res = await rawRequest(mock.url, path, { headers: JSON_AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toEqual(ROUTER_NOT_FOUND);
      expect(mock.requestLog.at(-1)?.path).toBe(path);
    });

    it.each([
      ['PATCH', ''],
      ['DELETE', ''],
      ['PATCH', '/wj'],
      ['POST', '/wj'],
    ])('answers 404, not 405, for %s on the metadata path%s', async (method, item) => {
      const res = await fetch(`${mock.url}${metadataPath()}${item}`, { method, headers: JSON_AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual(ROUTER_NOT_FOUND);
    });

    it('answers 404 without a body for HEAD on the metadata path', async () => {
      const res = await fetch(`${mock.url}${metadataPath()}`, { method: 'HEAD', headers: AUTH_HEADERS });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('');
    });
  });

  describe('request log', () => {
    it('records method, raw path and headers of API and admin requests', async () => {
      await rawRequest(mock.url, metadataPath({ serverId: 'a%2Fb' }), { headers: { ...AUTH_HEADERS, 'X-Trace': 'one' } });
      await fetch(`${mock.url}/_admin/requests`);
      const [api, admin] = mock.requestLog;
      expect(api).toMatchObject({ method: 'GET', path: metadataPath({ serverId: 'a%2Fb' }) });
      expect(api?.headers).toMatchObject({ 'x-auth-token': 'demo-token', 'x-trace': 'one' });
      expect(admin).toMatchObject({ method: 'GET', path: '/_admin/requests' });
    });

    it('returns a snapshot that later requests do not change', async () => {
      const before = mock.requestLog;
      await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
      expect(before).toHaveLength(0);
      expect(mock.requestLog).toHaveLength(1);
    });

    it('keeps only the last 1000 requests', async () => {
      // 1010 pipelined requests on one connection: fast enough to stay far below a second.
      const count = 1010;
      const { hostname, port } = new URL(mock.url);
      const lines = Array.from({ length: count }, (_, index) => `GET /r/${index} HTTP/1.1\r\nHost: x\r\n${index === count - 1 ? 'Connection: close\r\n' : ''}\r\n`);
      const answers = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(lines.join('')));
        const chunks: Buffer[] = [];
        socket.on('data', (chunk: Buffer) => chunks.push(chunk));
        socket.on('error', reject);
        socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      });
      expect(answers.match(/HTTP\/1\.1 404 /gu)).toHaveLength(count);
      const log = mock.requestLog;
      expect(log).toHaveLength(1000);
      expect(log[0]?.path).toBe(`/r/${count - 1000}`);
      expect(log.at(-1)?.path).toBe(`/r/${count - 1}`);
    });
  });

  it.each([
    ['a declared length', 'POST'],
    ['no token either (the size limit runs before authentication)', 'PUT'],
  ])('answers 413 with webob body for a /v2.1 body over 114688 bytes: %s', async (label, method) => {
    const body = JSON.stringify({ metadata: { a: 'b' }, pad: 'p'.repeat(114688) });
    const headers = label.startsWith('no token')
      ? { 'Content-Type': 'application/json', Accept: 'application/json' }
      : { ...JSON_AUTH_HEADERS, 'Content-Type': 'application/json' };
    const res = await rawRequest(mock.url, metadataPath(), { method, headers, body });
    expect(res.status).toBe(413);
    expect(res.text).toBe(
      '{"message": "Request is too large. Larger than max_request_body_size (114688).<br /><br />\\n\\n\\n", "code": "413 Request Entity Too Large", "title": "Request Entity Too Large"}',
    );
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['openstack-api-version']).toBeUndefined();
    expect(res.headers['vary']).toBeUndefined();
  });

  it('accepts a /v2.1 body of exactly 114688 bytes past the size limit', async () => {
    const prefix = '{"metadata": {"a": "';
    const suffix = '"}}';
    const body = `${prefix}${'x'.repeat(114688 - prefix.length - suffix.length)}${suffix}`;
    expect(Buffer.byteLength(body)).toBe(114688);
    const res = await rawRequest(mock.url, metadataPath(), { method: 'POST', headers: { ...AUTH_HEADERS, 'Content-Type': 'application/json' }, body });
    // Past the size limit: the schema refuses the long value (400), not the size (413).
    expect(res.status).toBe(400);
  });

  it('answers 413 overLimit for a request body over 1 MiB', async () => {
    const body = JSON.stringify({ metadata: { big: 'x'.repeat(1024 * 1024) } });
    const res = await fetch(`${mock.url}/_admin/projects/${EXAMPLE_PROJECT_ID}/servers/big`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ overLimit: { code: 413, message: 'Request is too large.' } });
    // The connection survived: the mock read the whole body before answering.
    expect((await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS })).status).toBe(200);
  });
});

describe('mock provider lifecycle', () => {
  it('close() resolves while a keep-alive connection is open', async () => {
    const mock = await startMockProvider();
    const agent = new Agent({ keepAlive: true });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const { hostname, port } = new URL(mock.url);
        const req = request({ hostname, port, path: metadataPath(), headers: AUTH_HEADERS, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
      expect(Object.keys(agent.freeSockets)).toHaveLength(1);
      const started = Date.now();
      await mock.close();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      agent.destroy();
    }
  });

  it('close() is idempotent', async () => {
    const mock = await startMockProvider();
    await Promise.all([mock.close(), mock.close()]);
    await expect(mock.close()).resolves.toBeUndefined();
  });

  it('rejects when the port is taken', async () => {
    const first = await startMockProvider();
    try {
      const port = Number(new URL(first.url).port);
      await expect(startMockProvider({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });
});
