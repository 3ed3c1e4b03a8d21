import { EXAMPLE_PROJECT_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type IncomingHttpHeaders, request } from 'node:http';
import { DEMO_USER, type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath } from './test-support/http.js';

/** What arrived of a response before it ended or broke: its head, the bytes read, and how it ended. */
interface PartialResponse {
  status: number;
  headers: IncomingHttpHeaders;
  received: Buffer;
  ending: 'complete' | 'broken';
  /** Milliseconds from sending to the first body byte and to the end. */
  firstByteMs: number | undefined;
  totalMs: number;
}

/** A GET that records what arrives, whether or not the response completes (fetch would hide it). */
function readPartial(baseUrl: string, path: string): Promise<PartialResponse> {
  const { hostname, port } = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request({ hostname, port, path, headers: AUTH_HEADERS, agent: false }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let firstByteMs: number | undefined;
      res.on('data', (chunk: Buffer) => {
        firstByteMs ??= Date.now() - started;
        chunks.push(chunk);
      });
      res.on('error', () => undefined); // 'close' below reports it
      res.on('close', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          received: Buffer.concat(chunks),
          ending: res.complete ? 'complete' : 'broken',
          firstByteMs,
          totalMs: Date.now() - started,
        }),
      );
    });
    // Once the head has arrived, a broken connection is reported by the response's 'close'.
    req.on('error', (error) => (answered ? undefined : reject(error)));
    req.end();
  });
}

const SMALL_BODY = '{"metadata":{"wj":"True","env":"prod"}}';

describe('fault rules shaping the answer', () => {
  let mock: MockProvider;
  const get = (path = metadataPath()): Promise<Response> => fetch(`${mock.url}${path}`, { headers: AUTH_HEADERS });

  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => mock.admin.reset());

  it('generates a JSON body of exactly bodyBytes bytes', async () => {
    mock.admin.queueFault({ status: 200, bodyBytes: 3 * 1024 * 1024 });
    const res = await get();
    expect(res.headers.get('content-length')).toBe(String(3 * 1024 * 1024));
    const text = await res.text();
    expect(text.length).toBe(3 * 1024 * 1024);
    expect(JSON.parse(text)).toEqual({ metadata: { pad: 'x'.repeat(3 * 1024 * 1024 - 23) } });
  });

  it('answers a gateway HTML error page', async () => {
    mock.admin.queueFault({ status: 504, preset: 'gatewayHtml' });
    const res = await get();
    expect([res.status, res.headers.get('content-type')]).toEqual([504, 'text/html']);
    expect(await res.text()).toBe(
      '<html>\r\n<head><title>504 Gateway Timeout</title></head>\r\n<body>\r\n<center><h1>504 Gateway Timeout</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
    );
  });

  it('truncates the body: Content-Length announces more than is sent, then the connection closes', async () => {
    mock.admin.queueFault({ status: 200, body: SMALL_BODY, truncateAfterBytes: 10 });
    const partial = await readPartial(mock.url, metadataPath());
    expect(partial.status).toBe(200);
    expect(partial.headers['content-length']).toBe(String(SMALL_BODY.length));
    expect(partial.received.toString()).toBe(SMALL_BODY.slice(0, 10));
    expect(partial.ending).toBe('broken');
    expect((await get()).status).toBe(200); // the rule is used up; the mock serves on
  });

  it('resets the connection in the middle of the body', async () => {
    mock.admin.queueFault({ status: 200, bodyBytes: 64 * 1024, resetAfterBytes: 100 });
    const partial = await readPartial(mock.url, metadataPath());
    expect(partial.status).toBe(200);
    expect(partial.headers['content-length']).toBe(String(64 * 1024));
    expect(partial.received.byteLength).toBeLessThanOrEqual(100);
    expect(partial.ending).toBe('broken');
  });

  it('drips the body in chunks with a pause before each', async () => {
    mock.admin.queueFault({ status: 200, body: SMALL_BODY, drip: { chunkBytes: 10, intervalMs: 40 } });
    const partial = await readPartial(mock.url, metadataPath());
    expect(partial.ending).toBe('complete');
    expect(partial.received.toString()).toBe(SMALL_BODY);
    // 4 chunks, 40 ms before each: at least ~160 ms in all (loose bound; timers fire late, not early).
    expect(partial.totalMs).toBeGreaterThanOrEqual(150);
    expect(partial.firstByteMs).toBeGreaterThanOrEqual(35);
  });

  it('stops dripping when the client goes away, and serves the next request at once', async () => {
    mock.admin.queueFault({ status: 200, body: SMALL_BODY, drip: { chunkBytes: 1, intervalMs: 1000 } });
    await expect(fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS, signal: AbortSignal.timeout(100) }).then((res) => res.text())).rejects.toThrow();
    const started = Date.now();
    expect((await get()).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('matches a call by route name', async () => {
    mock.admin.queueFault({ match: { route: 'update' }, status: 503 });
    mock.admin.queueFault({ match: { route: 'login' }, status: 502 });
    expect((await get()).status).toBe(200);
    expect((await get(`${metadataPath()}/wj`)).status).toBe(200);
    const merge = await fetch(`${mock.url}${metadataPath()}`, {
      method: 'POST',
      headers: { ...AUTH_HEADERS, 'Content-Type': 'application/json' },
      body: '{"metadata":{"a":"b"}}',
    });
    expect(merge.status).toBe(503);
    const login = await fetch(`${mock.url}/v3/auth/tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: DEMO_USER.username, password: DEMO_USER.password, domain: { id: 'default' } } } },
          scope: { project: { id: DEMO_USER.projectId } },
        },
      }),
    });
    expect(login.status).toBe(502);
  });

  it('matches a path by regular expression, query excluded', async () => {
    mock.admin.queueFault({ match: { path: '/metadata/[^/]+$' }, status: 502, times: 2 });
    expect((await get(`${metadataPath()}?x=/metadata/y`)).status).toBe(200);
    expect((await get(`${metadataPath()}/wj`)).status).toBe(502);
    expect((await get(`${metadataPath({ projectId: EXAMPLE_PROJECT_ID })}/other`)).status).toBe(502);
    expect((await get(`${metadataPath()}/wj`)).status).toBe(200);
  });

  it('queues a status sequence in order, all or none', async () => {
    mock.admin.queueFaults([{ status: 429, headers: { 'Retry-After': '1' } }, { status: 503 }]);
    expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([429, 503, 200]);
    expect(() => mock.admin.queueFaults([{ status: 502 }, { status: 42 }])).toThrow('rules[1].status');
    expect((await get()).status).toBe(200); // the valid first rule was not queued either
  });

  it('takes a status sequence as an array through the admin API', async () => {
    const queued = await fetch(`${mock.url}/_admin/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ status: 502 }, { status: 504 }]) });
    expect(queued.status).toBe(201);
    expect([(await get()).status, (await get()).status, (await get()).status]).toEqual([502, 504, 200]);
    const refused = await fetch(`${mock.url}/_admin/faults`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify([{ status: 502 }, { drip: { chunkBytes: 0, intervalMs: 1 } }]) });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('[1].drip.chunkBytes');
    expect((await get()).status).toBe(200);
  });

  it.each([
    [{ status: 200, body: 'x', bodyBytes: 100 }, 'rule.body: body, bodyBytes and preset each give the body: give at most one'],
    [{ delayMs: 1, bodyBytes: 100 }, 'rule.status: bodyBytes and preset shape an answer, so they need a status'],
    [{ status: 200, bodyBytes: 5 }, 'rule.bodyBytes: bodyBytes must be at least 23'],
    [{ status: 200, preset: 'gatewayHtml' }, 'rule.preset: preset "gatewayHtml" is an error page: status must be 400-599'],
    [{ status: 200, body: 'short', truncateAfterBytes: 5 }, "rule.truncateAfterBytes: truncateAfterBytes must be less than the body's length in bytes"],
    [{ status: 200, body: 'short', resetAfterBytes: 9 }, "rule.resetAfterBytes: resetAfterBytes must be less than the body's length in bytes"],
    [{ status: 200, body: 'long enough', truncateAfterBytes: 1, drip: { chunkBytes: 1, intervalMs: 1 } }, 'rule.truncateAfterBytes: truncateAfterBytes, resetAfterBytes and drip each decide'],
    [{ action: 'reset', resetAfterBytes: 1 }, 'rule.status: truncateAfterBytes, resetAfterBytes and drip send part of an answer, so they need a status'],
    [{ status: 200, drip: { chunkBytes: 1 } }, 'rule.drip.intervalMs'],
    [{ match: { path: '(' }, status: 500 }, 'rule.match.path: must be a valid RE2 regular expression'],
    [{ match: { route: 'list' }, status: 500 }, 'rule.match.route'],
  ])('refuses %j naming the field', (rule, message) => {
    expect(() => mock.admin.queueFault(rule as never)).toThrow(message);
  });
});

describe('fault rules in the fixture', () => {
  it('queues the fixture’s sequence at start and again at every reset', async () => {
    const { DEFAULT_FIXTURE } = await import('./index.js');
    const mock = await startMockProvider({
      fixture: { ...DEFAULT_FIXTURE, faults: [{ match: { route: 'get' }, status: 429, headers: { 'Retry-After': '0' } }, { status: 502, preset: 'gatewayHtml' }] },
    });
    try {
      const statuses = async (): Promise<number[]> => {
        const result = [];
        for (let index = 0; index < 3; index += 1) {
          result.push((await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS })).status);
        }
        return result;
      };
      expect(await statuses()).toEqual([429, 502, 200]);
      mock.admin.reset();
      expect(await statuses()).toEqual([429, 502, 200]);
    } finally {
      await mock.close();
    }
  });
});
