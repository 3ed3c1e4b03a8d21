/**
 * The mock under abuse, over real loopback sockets: oversized and malformed bodies, oversized
 * headers, path traversal (raw and encoded), methods it does not serve, slow and idle clients, many
 * connections at once. Each gets a clean HTTP error (or, for a client too slow to finish its
 * request, node:http's 408 and a close), and the mock keeps answering a normal GET meanwhile and
 * afterwards. Requests go through raw sockets where a client library would fix the bytes up.
 */
import { EXAMPLE_PROJECT_ID as P, EXAMPLE_SERVER_ID as S } from '@ecs-metadata/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { type MockProvider, startMockProvider } from './index.js';
import { DEMO_TOKEN } from './fixture.js';
import { AUTH_HEADERS, metadataPath } from './test-support/http.js';

/** What came back on one raw connection. */
interface Exchange {
  /** The status of the first response, `undefined` when none arrived. */
  status: number | undefined;
  /** Everything received, as Latin-1 (bytes preserved). */
  text: string;
  /** The body of the first response (after the blank line). */
  body: string;
  /** Whether the server closed the connection before the deadline. */
  closed: boolean;
  /** Milliseconds from the first byte written to the close (or the deadline). */
  elapsedMs: number;
}

/** Opens a raw connection to the mock; `writes` are sent in order, each after its delay. */
function exchange(mock: MockProvider, writes: readonly (string | Buffer | { pauseMs: number })[], deadlineMs = 10_000): Promise<Exchange> {
  const { port } = new URL(mock.url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    const chunks: Buffer[] = [];
    const started = Date.now();
    let closed = false;
    const finish = (): void => {
      clearTimeout(deadline);
      const text = Buffer.concat(chunks).toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3}) /u.exec(text)?.[1];
      const headerEnd = text.indexOf('\r\n\r\n');
      resolve({ status: status === undefined ? undefined : Number(status), text, body: headerEnd === -1 ? '' : text.slice(headerEnd + 4), closed, elapsedMs: Date.now() - started });
    };
    const deadline = setTimeout(() => {
      socket.destroy();
      finish();
    }, deadlineMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => undefined); // a reset is an outcome here, seen as a close
    socket.on('close', () => {
      closed = true;
      finish();
    });
    void (async () => {
      for (const write of writes) {
        if (socket.destroyed) {
          return;
        }
        if (typeof write === 'object' && 'pauseMs' in write) {
          await delay(write.pauseMs);
        } else {
          socket.write(write);
        }
      }
    })();
  });
}

/** A request head with a token, closing the connection after the answer. */
function head(method: string, path: string, headers: Record<string, string> = {}): string {
  const lines = Object.entries({ Host: '127.0.0.1', 'X-Auth-Token': DEMO_TOKEN, Connection: 'close', ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** The mock still answers the seed call, on a fresh connection. */
async function expectServing(mock: MockProvider): Promise<void> {
  const response = await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ metadata: { wj: 'True' } });
}

const WEBOB_NOT_FOUND = { code: '404 Not Found', title: 'Not Found', message: 'The resource could not be found.<br /><br />\n\n\n' };
const UNKNOWN_RESOURCE = { itemNotFound: { code: 404, message: 'The resource could not be found.' } };
const MALFORMED_BODY = { badRequest: { code: 400, message: 'Malformed request body' } };
const NODE_BAD_REQUEST = 'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n';

describe('the mock under abuse', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    await mock.close();
  });

  describe('bodies', () => {
    const merge = metadataPath();
    const json = { 'Content-Type': 'application/json' };

    it('over Nova\'s limit, declared: 413 with webob\'s body, before reading it', async () => {
      const body = `{"metadata":{"a":"${'x'.repeat(114_688)}"}}`;
      const result = await exchange(mock, [head('POST', merge, { ...json, 'Content-Length': String(body.length) }), body]);
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ code: '413 Request Entity Too Large' });
      await expectServing(mock);
    });

    it('over Nova\'s limit, chunked without a length: 413 as well', async () => {
      const chunk = 'x'.repeat(200_000);
      const result = await exchange(mock, [head('POST', merge, { ...json, 'Transfer-Encoding': 'chunked' }), `${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`]);
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ code: '413 Request Entity Too Large' });
      await expectServing(mock);
    });

    it('over the admin API\'s 1 MiB: 413 overLimit', async () => {
      const body = 'x'.repeat(1024 * 1024 + 1);
      const result = await exchange(mock, [head('POST', '/_admin/faults', { ...json, 'Content-Length': String(body.length) }), body]);
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toEqual({ overLimit: { code: 413, message: 'Request is too large.' } });
      await expectServing(mock);
    });

    it.each([
      ['cut-off JSON', '{"metadata":'],
      ['not JSON at all', 'metadata=wj'],
      ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
      ['a UTF-16 body', Buffer.from('{"metadata":{}}', 'utf16le')],
    ])('%s: 400 "Malformed request body"', async (_label, body) => {
      const result = await exchange(mock, [head('POST', merge, { ...json, 'Content-Length': String(body.length) }), body]);
      expect(result.status).toBe(400);
      expect(JSON.parse(result.body)).toEqual(MALFORMED_BODY);
      await expectServing(mock);
    });

    it('JSON nested deeper than the stack: a Nova fault, not a dead mock', async () => {
      const body = `{"metadata":{"a":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
      const result = await exchange(mock, [head('POST', merge, { ...json, 'Content-Length': String(body.length) }), body]);
      expect(result.status).toBeGreaterThanOrEqual(400);
      expect(Object.keys(JSON.parse(result.body) as object)).toHaveLength(1);
      await expectServing(mock);
    });

    it('a body shorter than its Content-Length, then a hang-up: the mock shrugs it off', async () => {
      const result = await exchange(mock, [head('POST', merge, { ...json, 'Content-Length': '1000' }), '{"metadata":', { pauseMs: 50 }], 300);
      expect(result.status).toBeUndefined();
      await expectServing(mock);
    });
  });

  describe('headers', () => {
    it('one header over node:http\'s 16 KiB: 431 and a close', async () => {
      const result = await exchange(mock, [head('GET', metadataPath(), { 'X-Big': 'a'.repeat(20_000) })]);
      expect(result.text).toBe('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
      expect(result.closed).toBe(true);
      await expectServing(mock);
    });

    it('thousands of small headers adding up past the limit: 431 and a close', async () => {
      const many = Object.fromEntries(Array.from({ length: 3_000 }, (_, index) => [`X-H${index}`, 'v']));
      const result = await exchange(mock, [head('GET', metadataPath(), many)]);
      expect(result.status).toBe(431);
      expect(result.closed).toBe(true);
      await expectServing(mock);
    });

    it.each([
      ['a Content-Length that is not a number', { 'Content-Length': 'abc' }],
      ['a Content-Length past 2^53', { 'Content-Length': '99999999999999999999' }],
      ['both Content-Length and Transfer-Encoding (request smuggling)', { 'Content-Length': '3', 'Transfer-Encoding': 'chunked' }],
    ])('%s: node:http\'s 400 and a close', async (_label, headers) => {
      const result = await exchange(mock, [head('POST', metadataPath(), headers)]);
      expect(result.text).toBe(NODE_BAD_REQUEST);
      expect(result.closed).toBe(true);
      await expectServing(mock);
    });
  });

  describe('path traversal, raw and encoded: never another resource', () => {
    const base = `/v2.1/${P}/servers`;
    it.each([
      ['`..` after the resource', `${base}/${S}/metadata/../metadata`, WEBOB_NOT_FOUND],
      ['`..` in place of a server', `${base}/${S}/../${S}/metadata`, WEBOB_NOT_FOUND],
      ['`..` after the version', `/v2.1/../v2.1/${P}/servers/${S}/metadata`, WEBOB_NOT_FOUND],
      ['an encoded `..`', `${base}/%2e%2e/metadata`, WEBOB_NOT_FOUND],
      ['an upper-case encoded `..`', `${base}/%2E%2E/metadata`, WEBOB_NOT_FOUND],
      ['a half-encoded `..`', `${base}/.%2e/metadata`, WEBOB_NOT_FOUND],
      // Nova's wsgi server decodes %2F before routing (this reads the metadata there); the mock keeps
      // it inside the segment, so it names a server that does not exist (docs/conformance.md).
      ['an encoded slash inside a segment', `${base}/${S}%2fmetadata`, { itemNotFound: { code: 404, message: `Instance ${S}/metadata could not be found.` } }],
      ['encoded slashes for the whole path', `/v2.1/${P}%2fservers%2f${S}%2fmetadata`, WEBOB_NOT_FOUND],
      ['a trailing slash', `${base}/${S}/metadata/`, WEBOB_NOT_FOUND],
      ['a double-encoded `..`: a server named %2e%2e', `${base}/%252e%252e/metadata`, { itemNotFound: { code: 404, message: 'Instance %2e%2e could not be found.' } }],
      ['a backslash traversal: a server named so', `${base}/..%5c${S}/metadata`, { itemNotFound: { code: 404, message: `Instance ..\\${S} could not be found.` } }],
      ['an overlong UTF-8 dot (malformed)', `${base}/%c0%ae%c0%ae/metadata`, UNKNOWN_RESOURCE],
      ['a malformed escape', `${base}/%zz/metadata`, UNKNOWN_RESOURCE],
      ['a doubled leading slash', `//v2.1/${P}/servers/${S}/metadata`, UNKNOWN_RESOURCE],
      ['a leading dot segment', `/./v2.1/${P}/servers/${S}/metadata`, UNKNOWN_RESOURCE],
      ['out of the admin API', `/_admin/../v2.1/${P}/servers/${S}/metadata`, UNKNOWN_RESOURCE],
      ['an absolute-form target', `http://evil.example/v2.1/${P}/servers/${S}/metadata`, UNKNOWN_RESOURCE],
      ['an encoded `..` on the native API', `/v1/${P}/cloudservers/%2e%2e/metadata/wj`, UNKNOWN_RESOURCE],
    ])('%s: 404', async (_label, path, body) => {
      const result = await exchange(mock, [head('GET', path)]);
      expect(result.status).toBe(404);
      expect(JSON.parse(result.body)).toEqual(body);
      await expectServing(mock);
    });
  });

  describe('methods', () => {
    it.each(['PATCH', 'OPTIONS', 'PROPFIND', 'TRACE', 'PURGE', 'LOCK'])('%s on the metadata path: 404, as Nova', async (method) => {
      const result = await exchange(mock, [head(method, metadataPath())]);
      expect(result.status).toBe(404);
      expect(JSON.parse(result.body)).toEqual(WEBOB_NOT_FOUND);
      await expectServing(mock);
    });

    it('HEAD: 404 without a body', async () => {
      const result = await exchange(mock, [head('HEAD', metadataPath())]);
      expect(result.status).toBe(404);
      expect(result.body).toBe('');
    });

    it.each([
      ['a method node:http does not know', head('BREW', metadataPath())],
      ['a method that is not a token', head('G@T', metadataPath())],
      ['HTTP/2 prior knowledge', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
      ['binary garbage', Buffer.from([0, 1, 2, 0xff, 0xfe, 13, 10, 13, 10])],
      ['CONNECT (the mock is no proxy)', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'],
    ])('%s: 400 and a close', async (_label, request) => {
      const result = await exchange(mock, [request]);
      expect(result.status).toBe(400);
      expect(result.closed).toBe(true);
      await expectServing(mock);
    });
  });

  describe('a "__proto__" metadata key (valid under Nova\'s key rules)', () => {
    const json = { ...AUTH_HEADERS, 'Content-Type': 'application/json' };
    afterAll(() => mock.admin.reset());

    it('is stored and read back like any key, and pollutes nothing', async () => {
      const replaced = await fetch(`${mock.url}${metadataPath()}`, { method: 'PUT', headers: json, body: '{"metadata":{"__proto__":"x","wj":"True"}}' });
      expect(await replaced.text()).toBe('{"metadata":{"__proto__":"x","wj":"True"}}');
      const listed = await fetch(`${mock.url}${metadataPath()}`, { headers: AUTH_HEADERS });
      expect(await listed.text()).toBe('{"metadata":{"__proto__":"x","wj":"True"}}');
      const item = await fetch(`${mock.url}${metadataPath()}/__proto__`, { headers: AUTH_HEADERS });
      expect(await item.text()).toBe('{"meta":{"__proto__":"x"}}');
      const polluting = await fetch(`${mock.url}${metadataPath()}`, { method: 'POST', headers: json, body: '{"metadata":{"__proto__":{"polluted":"yes"}}}' });
      expect(polluting.status).toBe(400);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(Object.keys(mock.admin.getServer(P, S)?.metadata ?? {})).toEqual(['__proto__', 'wj']);
    });
  });

  describe('many connections at once', () => {
    it('300 idle connections and 100 concurrent requests on fresh connections: every request answered', async () => {
      const { port } = new URL(mock.url);
      const idle: Socket[] = await Promise.all(
        Array.from({ length: 300 }, () => new Promise<Socket>((resolve, reject) => {
          const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
          socket.on('error', reject);
        })),
      );
      try {
        const results = await Promise.all(Array.from({ length: 100 }, () => exchange(mock, [head('GET', metadataPath())])));
        expect(results.map((result) => result.status)).toEqual(Array.from({ length: 100 }, () => 200));
        await expectServing(mock);
      } finally {
        for (const socket of idle) {
          socket.destroy();
        }
      }
    });
  });
});

describe('the mock and slow clients', () => {
  // Short limits so the suite stays fast; the defaults (10 s, 30 s, 5 s) are checked below.
  const headersMs = 600;
  const requestMs = 1_200;
  const keepAliveMs = 600;
  // node:http checks for expired requests every headersMs / 4 here; the rest is a loaded machine's
  // slack. Still far below node:http's own defaults (60 s for headers, 5 min for a request).
  const slackMs = 5_000;
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, clientTimeouts: { headersMs, requestMs, keepAliveMs } });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('headers dripped a line at a time (slowloris): 408 and a close after the headers timeout, others served meanwhile', async () => {
    const drip = Array.from({ length: 60 }, (_, index) => [{ pauseMs: 100 }, `X-Drip-${index}: 1\r\n`]).flat();
    const slow = exchange(mock, [`GET ${metadataPath()} HTTP/1.1\r\nHost: 127.0.0.1\r\n`, ...drip]);
    await delay(100);
    await expectServing(mock);
    const result = await slow;
    expect(result.text).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(headersMs - 50);
    expect(result.elapsedMs).toBeLessThan(headersMs + slackMs);
    await expectServing(mock);
  });

  it('a body dripped a byte at a time: 408 and a close after the request timeout, others served meanwhile', async () => {
    const drip = Array.from({ length: 60 }, () => [{ pauseMs: 100 }, 'x']).flat();
    const slow = exchange(mock, [head('PUT', metadataPath(), { 'Content-Type': 'application/json', 'Content-Length': '1000', Connection: 'keep-alive' }), ...drip]);
    await delay(100);
    await expectServing(mock);
    const result = await slow;
    expect(result.text).toBe('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    expect(result.elapsedMs).toBeGreaterThanOrEqual(requestMs - 50);
    expect(result.elapsedMs).toBeLessThan(requestMs + slackMs);
    // Nothing of the half-sent write was applied.
    expect(mock.admin.getServer(P, S)?.metadata).toEqual({ wj: 'True' });
    await expectServing(mock);
  });

  it('a connection that never sends a byte: closed after the headers timeout', async () => {
    const result = await exchange(mock, []);
    expect(result.closed).toBe(true);
    expect(result.elapsedMs).toBeLessThan(headersMs + slackMs);
    await expectServing(mock);
  });

  it('an idle keep-alive connection: closed after the keep-alive timeout', async () => {
    const result = await exchange(mock, [head('GET', metadataPath(), { Connection: 'keep-alive' })]);
    expect(result.status).toBe(200);
    expect(result.closed).toBe(true);
    // node:http adds 1 s to the keep-alive timeout; 4.5 s is below its default (5 s + 1 s), so this is the setting at work.
    expect(result.elapsedMs).toBeLessThan(4_500);
  });

  it('a slow answer (a fault delay past the request timeout) is not a slow client: the write is answered', async () => {
    mock.admin.queueFault({ delayMs: requestMs + 300 });
    const response = await fetch(`${mock.url}${metadataPath()}`, {
      method: 'POST',
      headers: { ...AUTH_HEADERS, 'Content-Type': 'application/json' },
      body: '{"metadata":{"late":"yes"}}',
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ metadata: { wj: 'True', late: 'yes' } });
    mock.admin.reset();
  });

  it('refuses timeouts node:http cannot enforce, naming them', async () => {
    await expect(startMockProvider({ clientTimeouts: { headersMs: 0 } })).rejects.toThrow(expect.objectContaining({ name: 'ConfigError', setting: 'clientTimeouts.headersMs' }));
    await expect(startMockProvider({ clientTimeouts: { keepAliveMs: 1.5 } })).rejects.toThrow(expect.objectContaining({ name: 'ConfigError', setting: 'clientTimeouts.keepAliveMs' }));
    await expect(startMockProvider({ clientTimeouts: { headersMs: 2_000, requestMs: 1_000 } })).rejects.toThrow(
      expect.objectContaining({ name: 'ConfigError', setting: 'clientTimeouts.requestMs' }),
    );
  });
});
