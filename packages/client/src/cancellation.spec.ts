import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN, DEMO_USER } from '@ecs-metadata/mock-provider';
import { AbortError } from '@ecs-metadata/core';
import { createEcsMetadataClient, EcsMetadataClient, type EcsMetadataClientOptions, passwordAuth, tokenAuth } from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = DEMO_USER.projectId;
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
/** "At once": an abort must end the call well before any of the waits below (10 s and more). */
const AT_ONCE_MS = 1000;

const harness = useMockProvider(DEFAULT_FIXTURE);
const apiRequests = (): number => harness.apiRequests().length;

function tokenClient(options: Partial<EcsMetadataClientOptions> = {}): EcsMetadataClient {
  return harness.track(new EcsMetadataClient({ endpoint: harness.mock.url, projectId: PROJECT, auth: tokenAuth(DEMO_TOKEN), ...options }));
}

function passwordClient(): EcsMetadataClient {
  const auth = passwordAuth({ authUrl: `${harness.mock.url}/v3`, username: DEMO_USER.username, password: DEMO_USER.password, projectId: PROJECT, timeoutMs: 30_000 });
  return harness.track(new EcsMetadataClient({ endpoint: harness.mock.url, projectId: PROJECT, auth }));
}

/** Runs `call` with a signal aborted after `afterMs`; returns the error and how long the call took. */
/**
 * Starts `call`, waits until the mock has received a request (so the call is in the state under
 * test: sleeping, in flight or logging in, whatever the machine's load), lets it settle there for
 * 50 ms, then aborts. `elapsedMs` runs from the abort to the rejection.
 */
async function abortOnceSent(call: (signal: AbortSignal) => Promise<unknown>): Promise<{ error: Error; elapsedMs: number }> {
  const controller = new AbortController();
  const settled = rejection(call(controller.signal));
  for (let waited = 0; harness.apiRequests().length === 0; waited += 5) {
    if (waited > 10_000) {
      throw new Error('the call sent no request within 10 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const abortedAt = performance.now();
  controller.abort();
  const error = await settled;
  return { error, elapsedMs: performance.now() - abortedAt };
}

describe('cancellation with an AbortSignal', () => {
  it('cuts a Retry-After sleep between attempts short', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '30' } });
    const { error, elapsedMs } = await abortOnceSent((signal) => tokenClient().getServerMetadata(SERVER, { signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(elapsedMs).toBeLessThan(AT_ONCE_MS);
    expect(apiRequests()).toBe(1); // aborted while sleeping: no second attempt
  });

  it('cancels an attempt in flight, and sends no retry', async () => {
    harness.mock.admin.queueFault({ delayMs: 20_000, times: 5 });
    const { error, elapsedMs } = await abortOnceSent((signal) => tokenClient({ timeoutMs: 30_000 }).getServerMetadata(SERVER, { signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(elapsedMs).toBeLessThan(AT_ONCE_MS);
    expect(apiRequests()).toBe(1);
  });

  it('refuses to start with a signal already aborted, sending nothing', async () => {
    const error = await rejection(tokenClient().getServerMetadata(SERVER, { signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortError);
    expect(apiRequests()).toBe(0);
  });

  it('abandons a password login in progress, and the next call logs in afresh', async () => {
    harness.mock.admin.queueFault({ match: { route: 'login' }, delayMs: 20_000 });
    const client = passwordClient();
    const { error, elapsedMs } = await abortOnceSent((signal) => client.getServerMetadata(SERVER, { signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(elapsedMs).toBeLessThan(AT_ONCE_MS);
    // The metadata call itself was never sent; an abandoned login is not a refused one.
    expect(harness.apiRequests().map((entry) => entry.path.startsWith('/v3/') ? 'login' : 'api')).toEqual(['login']);
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
  });

  it('lets one caller give up on a shared login without failing the others waiting for it', async () => {
    harness.mock.admin.queueFault({ match: { route: 'login' }, delayMs: 300 });
    const client = passwordClient();
    const controller = new AbortController();
    const patient = client.getServerMetadata(SERVER);
    const impatient = client.getServerMetadata(SERVER, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await rejection(impatient)).toBeInstanceOf(AbortError);
    await expect(patient).resolves.toEqual({ wj: 'True' });
    expect(harness.apiRequests().filter((entry) => entry.path.startsWith('/v3/'))).toHaveLength(1);
  });
});

describe('cancellation of the login done to create a client', () => {
  it('abandons the catalog login of createEcsMetadataClient when its signal aborts', async () => {
    harness.mock.admin.queueFault({ match: { route: 'login' }, delayMs: 20_000 });
    const auth = passwordAuth({ authUrl: `${harness.mock.url}/v3`, username: DEMO_USER.username, password: DEMO_USER.password, projectId: PROJECT });
    const { error, elapsedMs } = await abortOnceSent((signal) => createEcsMetadataClient({ auth, signal }));
    expect(error).toBeInstanceOf(AbortError);
    expect(error.message).not.toContain(DEMO_USER.password);
    expect(elapsedMs).toBeLessThan(AT_ONCE_MS);
  });
});

describe('Retry-After the client cannot read', () => {
  it('falls back to the backoff instead of waiting maxRetryAfterMs', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': 'soon' } });
    const started = performance.now();
    // The retry policy alone: the adaptive limiter (below) would space the retry by its own token.
    const result = await tokenClient({
      rateLimit: false,
      retry: { baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 60_000 },
    }).getServerMetadata(SERVER);
    expect(result).toEqual({ wj: 'True' });
    expect(performance.now() - started).toBeLessThan(AT_ONCE_MS);
    expect(apiRequests()).toBe(2);
  });

  it('with the default rate limiter, waits for its next token (its minimum rate, 1/s), never maxRetryAfterMs', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': 'soon' } });
    const started = performance.now();
    const result = await tokenClient({ retry: { baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 60_000 } }).getServerMetadata(SERVER);
    expect(result).toEqual({ wj: 'True' });
    expect(performance.now() - started).toBeLessThan(3 * AT_ONCE_MS);
    expect(apiRequests()).toBe(2);
  });
});
