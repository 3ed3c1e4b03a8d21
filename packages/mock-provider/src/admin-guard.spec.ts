import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { namesListenAddress } from './admin-guard.js';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, rawRequest } from './test-support/http.js';

describe('which Host names the address the mock listens on', () => {
  it.each([
    ['127.0.0.1:8774', { hostname: '127.0.0.1', port: '8774' }, true],
    ['localhost:8774', { hostname: '127.0.0.1', port: '8774' }, true],
    ['[::1]:8774', { hostname: '127.0.0.1', port: '8774' }, true],
    ['127.0.0.1:8774', { hostname: 'localhost', port: '8774' }, true],
    ['127.0.0.1:9999', { hostname: '127.0.0.1', port: '8774' }, false],
    ['127.0.0.1', { hostname: '127.0.0.1', port: '8774' }, false],
    ['attacker.example:8774', { hostname: '127.0.0.1', port: '8774' }, false],
    ['127.0.0.1.nip.io:8774', { hostname: '127.0.0.1', port: '8774' }, false],
    ['10.0.0.5:8774', { hostname: '0.0.0.0', port: '8774' }, true],
    ['attacker.example:8774', { hostname: '0.0.0.0', port: '8774' }, false],
    ['10.0.0.5:8774', { hostname: '10.0.0.6', port: '8774' }, false],
  ])('%s for a mock on %j: %s', (host, listen, expected) => {
    expect(namesListenAddress(host, listen)).toBe(expected);
  });
});

describe('the admin API refuses what a web page on the same machine could send (issue 16 item 7)', () => {
  let mock: MockProvider;
  let host: string;
  beforeAll(async () => {
    mock = await startMockProvider();
    host = new URL(mock.url).host;
  });
  beforeEach(() => {
    mock.admin.reset();
  });
  afterAll(async () => {
    await mock.close();
  });

  const postFault = (headers: Record<string, string>, body = JSON.stringify({ status: 503 })): ReturnType<typeof rawRequest> =>
    rawRequest(mock.url, '/_admin/faults', { method: 'POST', headers, body });
  const queuedNothing = async (): Promise<void> => {
    // The API still answers normally: no rule was queued.
    const res = await rawRequest(mock.url, '/v2.1/servers/998af54b-5762-4041-abc1-f98a2c27b3a2/metadata', { headers: AUTH_HEADERS });
    expect(res.status).toBe(200);
  };

  it('takes JSON from a client that names the mock in Host and sends no Origin (tests, tools)', async () => {
    expect((await postFault({ 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(201);
    expect((await rawRequest(mock.url, '/_admin/reset', { method: 'POST' })).status).toBe(204);
    expect((await postFault({ 'Content-Type': 'application/json', Origin: `http://${host}` })).status).toBe(201);
  });

  it.each([
    ['text/plain (a cross-site form or a simple fetch)', { 'Content-Type': 'text/plain' }],
    ['a urlencoded form', { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['multipart', { 'Content-Type': 'multipart/form-data; boundary=x' }],
    ['a body without a Content-Type', {}],
  ])('answers 415 to %s, and queues nothing', async (_label, headers) => {
    const res = await postFault(headers);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text)).toMatchObject({ badMediaType: { code: 415 } });
    expect(JSON.parse(res.text).badMediaType.message).toMatch(/^The admin API takes only application\/json; Content-Type: /u);
    await queuedNothing();
  });

  it.each([
    ['a DNS name (a rebinding page)', 'attacker.example'],
    ['another port', '127.0.0.1:1'],
  ])('answers 403 to a Host that is %s, whatever the body', async (_label, badHost) => {
    const res = await postFault({ 'Content-Type': 'application/json', Host: badHost });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).forbidden.message).toContain(`Host: "${badHost}" refused`);
    // Reads too: the request log holds the tokens clients sent.
    expect((await rawRequest(mock.url, '/_admin/requests', { headers: { Host: badHost } })).status).toBe(403);
    await queuedNothing();
  });

  it.each(['http://attacker.example', 'null', `https://${'127.0.0.1'}`])('answers 403 to Origin %s', async (origin) => {
    const res = await postFault({ 'Content-Type': 'application/json', Origin: origin });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).forbidden.message).toContain('cross-site');
    await queuedNothing();
  });

  it('leaves the API itself alone: a Nova call with any Host is served', async () => {
    const res = await rawRequest(mock.url, '/v2.1/servers/998af54b-5762-4041-abc1-f98a2c27b3a2/metadata', { headers: { ...AUTH_HEADERS, Host: 'compute.example' } });
    expect(res.status).toBe(200);
  });
});

describe('fault rules cannot stall the mock with a backtracking pattern (issue 16 item 7)', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });

  it('matches ^/(a+)+b against a long path in linear time (RE2), then still serves', async () => {
    const queued = await rawRequest(mock.url, '/_admin/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ match: { path: '^/(a+)+b' }, status: 500 }),
    });
    expect(queued.status).toBe(201);
    // A backtracking engine takes about 2^n steps for n a's (issue 16 saw it block the mock for 12 s).
    const started = performance.now();
    const res = await rawRequest(mock.url, `/${'a'.repeat(8000)}c`);
    expect(res.status).toBe(404);
    // A generous guard only: RE2 needs microseconds; a backtracking engine would not finish at all.
    expect(performance.now() - started).toBeLessThan(5000);
    // The rule still fires for a path it matches.
    expect((await rawRequest(mock.url, '/aaab')).status).toBe(500);
  });

  it('refuses a pattern RE2 cannot run (backreferences, lookaround), naming the field', async () => {
    const res = await rawRequest(mock.url, '/_admin/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ match: { path: '(a)\\1' }, status: 500 }),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).badRequest.message).toContain('match.path: must be a valid RE2 regular expression');
  });
});
