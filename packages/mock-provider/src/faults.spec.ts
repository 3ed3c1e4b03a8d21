import { EXAMPLE_PROJECT_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath, rawRequest } from './test-support/http.js';

const OTHER_SERVER_ID = '7c1e0f55-2222-4333-8444-955566667777';

describe('fault injection', () => {
  let mock: MockProvider;
  const getMetadata = (serverId?: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${mock.url}${metadataPath({ serverId })}`, { ...init, headers: AUTH_HEADERS });

  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
    mock.admin.putServer(EXAMPLE_PROJECT_ID, OTHER_SERVER_ID, { metadata: { other: 'yes' } });
  });

  it('answers 429 with Retry-After and an overLimit fault once, then normally', async () => {
    mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '1' } });
    const throttled = await getMetadata();
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('1');
    expect(throttled.headers.get('content-type')).toBe('application/json');
    expect(throttled.headers.get('x-request-id')).toMatch(/^[0-9a-f]{32}$/u);
    expect(throttled.headers.get('openstack-api-version')).toBe('compute 2.1');
    expect(await throttled.json()).toEqual({ overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '1' } });
    const next = await getMetadata();
    expect([next.status, await next.json()]).toEqual([200, { metadata: { wj: 'True' } }]);
  });

  it('applies a rule `times` times, then drops it', async () => {
    mock.admin.queueFault({ status: 503, times: 3 });
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await getMetadata()).status);
    }
    expect(statuses).toEqual([503, 503, 503, 200]);
  });

  it('uses the spec fault body of each status', async () => {
    mock.admin.queueFault({ status: 503 });
    mock.admin.queueFault({ status: 500 });
    mock.admin.queueFault({ status: 401 });
    expect(await (await getMetadata()).json()).toEqual({
      serviceUnavailable: { code: 503, message: 'The server is currently unavailable. Please try again at a later time.' },
    });
    expect(await (await getMetadata()).json()).toEqual({
      computeFault: { code: 500, message: 'The server has either erred or is incapable of performing the requested operation.' },
    });
    const unauthorized = await getMetadata();
    expect(await unauthorized.json()).toEqual({
      error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
    });
    expect(unauthorized.headers.get('www-authenticate')).toBe(`Keystone uri="${mock.url}/identity"`);
  });

  it('takes rules in FIFO order', async () => {
    mock.admin.queueFault({ status: 502 });
    mock.admin.queueFault({ status: 504 });
    expect([(await getMetadata()).status, (await getMetadata()).status, (await getMetadata()).status]).toEqual([502, 504, 200]);
  });

  it('sends a body verbatim and lets headers override the content type', async () => {
    mock.admin.queueFault({ status: 200, body: '{"metadata":{"a":1}}' });
    mock.admin.queueFault({ status: 502, headers: { 'Content-Type': 'text/html' }, body: '<html>Bad Gateway</html>' });
    const malformed = await getMetadata();
    expect([malformed.status, await malformed.text()]).toEqual([200, '{"metadata":{"a":1}}']);
    const html = await getMetadata();
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([502, 'text/html', '<html>Bad Gateway</html>']);
  });

  it('sends an oversized body', async () => {
    const body = JSON.stringify({ metadata: { big: 'x'.repeat(2 * 1024 * 1024) } });
    mock.admin.queueFault({ status: 200, body });
    const res = await getMetadata();
    expect(res.headers.get('content-length')).toBe(String(body.length));
    expect((await res.text()).length).toBe(body.length);
  });

  it('delays and then answers normally', async () => {
    mock.admin.queueFault({ delayMs: 150 });
    const started = Date.now();
    const res = await getMetadata();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect([res.status, await res.json()]).toEqual([200, { metadata: { wj: 'True' } }]);
  });

  it('lets a client time out on a long delay, and the next request is served at once', async () => {
    mock.admin.queueFault({ delayMs: 5000 });
    await expect(getMetadata(undefined, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    const started = Date.now();
    expect((await getMetadata()).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('resets the connection without answering', async () => {
    mock.admin.queueFault({ action: 'reset', times: 2 });
    await expect(rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).rejects.toMatchObject({ code: 'ECONNRESET' });
    await expect(getMetadata()).rejects.toThrow('fetch failed');
    expect((await getMetadata()).status).toBe(200);
  });

  it('delays, then resets', async () => {
    mock.admin.queueFault({ delayMs: 50, action: 'reset' });
    const started = Date.now();
    await expect(rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('processes the request, then resets instead of answering (afterHandler)', async () => {
    mock.admin.queueFault({ match: { method: 'DELETE' }, afterHandler: 'reset' });
    await expect(rawRequest(mock.url, `${metadataPath()}/wj`, { method: 'DELETE', headers: AUTH_HEADERS })).rejects.toMatchObject({ code: 'ECONNRESET' });
    // The delete was applied although its answer was lost.
    expect((await rawRequest(mock.url, `${metadataPath()}/wj`, { method: 'DELETE', headers: AUTH_HEADERS })).status).toBe(404);
    // An error answer is lost the same way.
    mock.admin.queueFault({ afterHandler: 'reset' });
    await expect(rawRequest(mock.url, metadataPath({ serverId: 'nope' }), { headers: AUTH_HEADERS })).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('refuses afterHandler with a status or an action', () => {
    expect(() => mock.admin.queueFault({ afterHandler: 'reset', status: 500 })).toThrow('afterHandler "reset" lets the request be processed, so it takes no status or action');
    expect(() => mock.admin.queueFault({ afterHandler: 'reset', action: 'reset' })).toThrow('takes no status or action');
  });

  it('matches by server id, leaving other requests alone and the rule queued', async () => {
    mock.admin.queueFault({ match: { serverId: OTHER_SERVER_ID }, status: 500 });
    expect((await getMetadata()).status).toBe(200);
    expect((await getMetadata(OTHER_SERVER_ID)).status).toBe(500);
    expect((await getMetadata(OTHER_SERVER_ID)).status).toBe(200);
  });

  it('matches by method and project id', async () => {
    mock.admin.queueFault({ match: { method: 'post' }, status: 500 });
    mock.admin.queueFault({ match: { projectId: '0123456789abcdef0123456789abcdef' }, status: 500 });
    expect((await getMetadata()).status).toBe(200);
    const post = await fetch(`${mock.url}${metadataPath()}`, { method: 'POST', headers: AUTH_HEADERS });
    expect(post.status).toBe(500);
    expect((await getMetadata()).status).toBe(200);
  });

  it('faults API requests before authentication and routing, but never admin requests', async () => {
    mock.admin.queueFault({ status: 503, times: 2 });
    expect((await fetch(`${mock.url}/_admin/requests`)).status).toBe(200);
    expect((await fetch(`${mock.url}${metadataPath()}`)).status).toBe(503);
    expect((await fetch(`${mock.url}/no/such/route`)).status).toBe(503);
    expect((await fetch(`${mock.url}/no/such/route`)).status).toBe(404);
  });
});

describe('fault delays and shutdown', () => {
  it('close() cancels a pending delay instead of waiting for it', async () => {
    const mock = await startMockProvider();
    mock.admin.queueFault({ delayMs: 10_000 });
    const pending = fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
    const settled = pending.then(
      () => 'answered',
      () => 'failed',
    );
    while (mock.requestLog.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const started = Date.now();
    await mock.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await settled).toBe('failed');
  });
});
