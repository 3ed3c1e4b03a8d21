/**
 * The mock under load: 20,000 requests at concurrency 64 over keep-alive connections on loopback, a
 * mix of reads, writes, logins and requests it must refuse. Every answer must have the expected
 * status, and the heap after a forced GC at the end must be within 20 MB of the same measure after
 * the first 1,000 requests (DECISIONS "Bounded heap growth"). The per-request state that could
 * grow (the request log, tokens issued by logins) is checked against its cap.
 *
 * Why the heap is measured in this process: the mock runs here, from its TypeScript sources, so
 * the test measures the code under test (a child process would have to run the built `dist/`,
 * which may lag behind the sources). The figure also counts the load generator's heap, so it is
 * an upper bound of the mock's growth: stricter than the mock alone, never more lenient. GC is
 * exposed at run time (`--expose-gc`, then `gc` from a fresh context), so `npm test` needs no flag.
 */
import { EXAMPLE_PROJECT_ID as P, EXAMPLE_SERVER_ID as S } from '@ecs-metadata/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Pool } from 'undici';
import { DEMO_TOKEN, DEMO_USER } from './fixture.js';
import { type MockProvider, startMockProvider } from './index.js';
import { REQUEST_LOG_LIMIT } from './request-log.js';
import { MAX_ISSUED_TOKENS, MetadataStore } from './store.js';

const TOTAL_REQUESTS = 20_000;
const WARM_UP_REQUESTS = 1_000;
const CONCURRENCY = 64;
const MAX_HEAP_GROWTH_BYTES = 20 * 1024 * 1024;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** Heap used after full collections, once finalizers and weak callbacks have had their turn. */
async function settledHeapUsed(): Promise<number> {
  for (let round = 0; round < 3; round += 1) {
    collectGarbage();
    await nextTurn();
  }
  return process.memoryUsage().heapUsed;
}

/** One kind of request in the mix and the one status it must get. */
interface LoadRequest {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: (index: number) => string;
  readonly expected: number;
}

const token = { 'x-auth-token': DEMO_TOKEN };
const json = { ...token, 'content-type': 'application/json' };
const LOAD_SERVER = 'load-test-server';
const metadata = (serverId: string): string => `/v2.1/${P}/servers/${serverId}/metadata`;

const MIX: readonly LoadRequest[] = [
  { name: 'list', method: 'GET', path: metadata(S), headers: token, expected: 200 },
  { name: 'list on /v2', method: 'GET', path: `/v2/${P}/servers/${S}/metadata`, headers: token, expected: 200 },
  { name: 'show item', method: 'GET', path: `${metadata(S)}/wj`, headers: token, expected: 200 },
  { name: 'unknown server', method: 'GET', path: metadata('no-such-server'), headers: token, expected: 404 },
  { name: 'no token', method: 'GET', path: metadata(S), expected: 401 },
  { name: 'encoded traversal', method: 'GET', path: metadata('%2e%2e'), headers: token, expected: 404 },
  { name: 'unsupported method', method: 'PATCH', path: metadata(S), headers: token, expected: 404 },
  { name: 'malformed body', method: 'POST', path: metadata(LOAD_SERVER), headers: json, body: () => '{"metadata":', expected: 400 },
  { name: 'set item', method: 'PUT', path: `${metadata(LOAD_SERVER)}/counter`, headers: json, body: (index) => JSON.stringify({ meta: { counter: String(index) } }), expected: 200 },
  { name: 'merge', method: 'POST', path: metadata(LOAD_SERVER), headers: json, body: (index) => JSON.stringify({ metadata: { last: String(index) } }), expected: 200 },
  { name: 'delete missing item', method: 'DELETE', path: `${metadata(LOAD_SERVER)}/missing`, headers: token, expected: 404 },
  {
    name: 'password login',
    method: 'POST',
    path: '/v3/auth/tokens?nocatalog',
    headers: { 'content-type': 'application/json' },
    body: () =>
      JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: DEMO_USER.username, password: DEMO_USER.password, domain: { id: 'default' } } } },
          scope: { project: { id: P } },
        },
      }),
    expected: 201,
  },
];

describe('the mock under load', () => {
  let mock: MockProvider;
  let pool: Pool;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
    mock.admin.putServer(P, LOAD_SERVER, { metadata: {} });
    pool = new Pool(mock.url, { connections: CONCURRENCY, pipelining: 1 });
  });
  afterAll(async () => {
    await pool.close();
    await mock.close();
  });

  it(`answers ${TOTAL_REQUESTS} mixed requests at concurrency ${CONCURRENCY} with only the expected statuses, its heap bounded`, async () => {
    const unexpected: string[] = [];
    const seen = new Map<string, number>();
    let next = 0;

    // Each worker takes the next index until `end`: a bounded loop, CONCURRENCY requests in flight.
    const drive = async (end: number): Promise<void> => {
      const worker = async (): Promise<void> => {
        for (let index = next++; index < end; index = next++) {
          const request = MIX[index % MIX.length] as LoadRequest;
          try {
            const response = await pool.request({
              method: request.method,
              path: request.path,
              headers: request.headers,
              body: request.body?.(index),
            });
            await response.body.dump({ limit: Number.MAX_SAFE_INTEGER });
            seen.set(request.name, (seen.get(request.name) ?? 0) + 1);
            if (response.statusCode !== request.expected) {
              unexpected.push(`#${index} ${request.name}: ${response.statusCode}, expected ${request.expected}`);
            }
          } catch (error) {
            unexpected.push(`#${index} ${request.name}: ${String(error)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      next = end;
    };

    await drive(WARM_UP_REQUESTS);
    const warmHeap = await settledHeapUsed();
    await drive(TOTAL_REQUESTS);
    const finalHeap = await settledHeapUsed();

    expect(unexpected.slice(0, 20)).toEqual([]);
    expect([...seen.values()].reduce((sum, count) => sum + count, 0)).toBe(TOTAL_REQUESTS);
    expect(seen.size).toBe(MIX.length);
    // In MB in the failure message, with both figures, so a regression shows its size.
    expect({
      warmMb: warmHeap / 2 ** 20,
      finalMb: finalHeap / 2 ** 20,
      growthWithinBound: finalHeap - warmHeap <= MAX_HEAP_GROWTH_BYTES,
    }).toEqual(expect.objectContaining({ growthWithinBound: true }));
    // The writes landed, and the request log kept only its last entries.
    expect(mock.admin.getServer(P, LOAD_SERVER)?.metadata).toEqual({ counter: expect.stringMatching(/^\d+$/u), last: expect.stringMatching(/^\d+$/u) });
    expect(mock.requestLog).toHaveLength(REQUEST_LOG_LIMIT);
    // About 7 s on an idle 2-core machine; the margin is for a machine shared with other test runs.
  }, 120_000);
});

describe('per-request state the mock keeps', () => {
  it('forgets the oldest issued tokens past its cap, so a login loop cannot grow it without bound', () => {
    const store = new MetadataStore();
    const expiresAt = Date.now() + 60_000;
    const tokens = Array.from({ length: MAX_ISSUED_TOKENS + 1 }, (_, index) => `token-${index}`);
    for (const issued of tokens) {
      store.issueToken(issued, P, expiresAt);
    }
    const remembered = tokens.filter((issued) => store.credentialsOfToken(issued)?.projectId === P);
    expect(remembered.length).toBeLessThanOrEqual(MAX_ISSUED_TOKENS);
    expect(remembered.length).toBeGreaterThanOrEqual(MAX_ISSUED_TOKENS * 0.9);
    // The newest are kept, the oldest forgotten.
    expect(store.credentialsOfToken(tokens.at(-1) as string)?.projectId).toBe(P);
    expect(store.credentialsOfToken('token-0')?.projectId).toBeUndefined();
  });

  it('still forgets an expired token on its first use after expiry', () => {
    const store = new MetadataStore();
    store.issueToken('short-lived', P, Date.now() - 1);
    expect(store.credentialsOfToken('short-lived')?.projectId).toBeUndefined();
  });
});
