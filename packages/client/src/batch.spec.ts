import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN, fleetServerId } from '@ecs-metadata/mock-provider';
import {
  AbortError,
  AdaptiveRateLimiter,
  EcsMetadataClient,
  type EcsMetadataClientOptions,
  NotFoundError,
  runBatch,
  type ServerMetadataResult,
  tokenAuth,
  ValidationError,
} from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const UNKNOWN = '00000000-0000-0000-0000-000000000000';

const harness = useMockProvider(DEFAULT_FIXTURE);

function clientFor(options: Partial<EcsMetadataClientOptions> = {}): EcsMetadataClient {
  const client = new EcsMetadataClient({
    endpoint: harness.mock.url,
    projectId: PROJECT,
    auth: tokenAuth(DEMO_TOKEN),
    retry: { baseDelayMs: 10, maxDelayMs: 50 },
    ...options,
  });
  return harness.track(client);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}

const byServer = (results: ServerMetadataResult[]): Record<string, string> =>
  Object.fromEntries(
    results.map((result) => [result.serverId, result.error === undefined ? JSON.stringify(result.metadata) : result.error.name]),
  );

describe('runBatch (no HTTP)', () => {
  it('never has more than `concurrency` calls in flight, and yields every outcome', async () => {
    let active = 0;
    let peak = 0;
    const ids = Array.from({ length: 50 }, (_, i) => `id-${i}`);
    const results = await collect(
      runBatch(
        ids,
        async (id) => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((resolve) => setTimeout(resolve, (Number(id.slice(3)) * 7) % 5));
          active -= 1;
          return id.toUpperCase();
        },
        { concurrency: 4 },
      ),
    );
    expect(peak).toBe(4);
    expect(results.map((r) => r.value).sort()).toEqual(ids.map((id) => id.toUpperCase()).sort());
  });

  it('pulls the input lazily and closes it when the consumer stops early', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless(): AsyncGenerator<string> {
      try {
        for (;;) {
          pulled += 1;
          yield `id-${pulled}`;
        }
      } finally {
        closed = true;
      }
    }
    for await (const result of runBatch(endless(), async (id) => id, { concurrency: 3 })) {
      expect(result.value).toMatch(/^id-/u);
      break;
    }
    expect(pulled).toBeLessThanOrEqual(4);
    // The read in flight when the consumer stopped finishes first, then the input is closed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(true);
  });

  it('yields a finished result while the input is still waiting for its next id (a trickling pipe)', async () => {
    let releaseSecond: (() => void) | undefined;
    const secondAsked = new Promise<void>((resolve) => {
      releaseSecond = resolve;
    });
    let closed = false;
    async function* trickle(): AsyncGenerator<string> {
      try {
        yield 'first';
        await secondAsked; // the producer has nothing more until the consumer saw the first result
        yield 'second';
      } finally {
        closed = true;
      }
    }
    const seen: string[] = [];
    for await (const result of runBatch(trickle(), async (id) => id, { concurrency: 4 })) {
      seen.push(result.serverId);
      if (result.serverId === 'first') {
        releaseSecond?.();
      }
    }
    expect(seen).toEqual(['first', 'second']);
    expect(closed).toBe(true);
  });

  it('does not wait for a read that never ends when the consumer stops', async () => {
    async function* stalled(): AsyncGenerator<string> {
      yield 'only';
      await new Promise(() => undefined); // a terminal nobody types into
    }
    for await (const result of runBatch(stalled(), async (id) => id)) {
      expect(result.serverId).toBe('only');
      break;
    }
  });

  it('refuses a bad concurrency, naming it', async () => {
    await expect(collect(runBatch(['a'], async (id) => id, { concurrency: 0 }))).rejects.toThrow(ValidationError);
    await expect(collect(runBatch(['a'], async (id) => id, { concurrency: 1.5 }))).rejects.toThrow('concurrency');
  });

  it('rethrows an error of the input after the calls in flight settled', async () => {
    async function* broken(): AsyncGenerator<string> {
      yield 'a';
      throw new Error('disk gone');
    }
    await expect(collect(runBatch(broken(), async (id) => id))).rejects.toThrow('disk gone');
  });
});

describe('EcsMetadataClient.getServerMetadataMany against the mock provider', () => {
  it('gives each server its metadata or its own error; one failure never stops the rest', async () => {
    harness.mock.admin.putServer(PROJECT, fleetServerId(1), { metadata: { owner: 'li' } });
    const results = await collect(clientFor().getServerMetadataMany([SERVER, '../etc', UNKNOWN, fleetServerId(1)], { concurrency: 2 }));
    expect(byServer(results)).toEqual({
      [SERVER]: '{"wj":"True"}',
      '../etc': 'ValidationError',
      [UNKNOWN]: 'NotFoundError',
      [fleetServerId(1)]: '{"owner":"li"}',
    });
    expect(results.find((r) => r.serverId === UNKNOWN)?.error).toBeInstanceOf(NotFoundError);
    // The invalid id was named and never sent.
    expect(harness.apiRequests().filter((r) => r.path.includes('etc'))).toEqual([]);
  });

  it('reads from an async iterable', async () => {
    async function* ids(): AsyncGenerator<string> {
      yield SERVER;
      yield SERVER;
    }
    const results = await collect(clientFor().getServerMetadataMany(ids()));
    expect(results).toEqual([
      { serverId: SERVER, metadata: { wj: 'True' } },
      { serverId: SERVER, metadata: { wj: 'True' } },
    ]);
  });

  it('aborts every request in flight when the signal fires, and throws AbortError', async () => {
    harness.mock.admin.queueFault({ delayMs: 5000 });
    harness.mock.admin.queueFault({ delayMs: 5000 });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(
      collect(clientFor().getServerMetadataMany([SERVER, SERVER, SERVER], { concurrency: 2, signal: controller.signal })),
    );
    expect(error).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('slows down instead of failing against a throttled provider: every server read, few 429s', async () => {
    const servers = 300;
    harness.mock.admin.setRateLimit({ ratePerSecond: 150, burst: 150 });
    for (let i = 0; i < servers; i += 1) {
      harness.mock.admin.putServer(PROJECT, fleetServerId(i), { metadata: { index: String(i) } });
    }
    const client = clientFor({ retry: {} }); // the real retry policy: Retry-After honoured
    const results = await collect(
      client.getServerMetadataMany(
        Array.from({ length: servers }, (_, i) => fleetServerId(i)),
        { concurrency: 16 },
      ),
    );
    expect(results.filter((r) => r.error !== undefined)).toEqual([]);
    expect(results).toHaveLength(servers);
    const throttled = harness.apiRequests().length - servers;
    expect(client.rateLimitStats()?.throttled).toBe(throttled);
    expect(throttled).toBeLessThanOrEqual(servers * 0.1);
  }, 30_000);
});

describe('the adaptive rate limiter in the client', () => {
  it('makes retries take tokens and learns from 429 + Retry-After', async () => {
    const limiter = new AdaptiveRateLimiter();
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '0' } });
    const client = clientFor({ rateLimit: limiter });
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(limiter.stats()).toMatchObject({ granted: 2, throttled: 1, decreases: 1 });
    expect(client.rateLimitStats()).toEqual(limiter.stats());
  });

  it('aborts a request that waits for a token, at once', async () => {
    const client = clientFor({ rateLimit: { initialRatePerSecond: 0.2 } });
    await client.getServerMetadata(SERVER);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await rejection(client.getServerMetadata(SERVER, { signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(harness.apiRequests()).toHaveLength(1);
  });

  it('can be turned off', async () => {
    const client = clientFor({ rateLimit: false });
    await client.getServerMetadata(SERVER);
    expect(client.rateLimitStats()).toBeUndefined();
  });
});
