import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN } from '@ecs-metadata/mock-provider';
import {
  AbortError,
  AuthenticationError,
  EcsApiError,
  EcsMetadataClient,
  type EcsMetadataClientOptions,
  NetworkError,
  NotFoundError,
  RateLimitError,
  type RequestSigner,
  ResponseTooLargeError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  tokenAuth,
  ValidationError,
} from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50 };

const harness = useMockProvider(DEFAULT_FIXTURE);
const apiRequests = (): number => harness.apiRequests().length;

function clientFor(options: Partial<EcsMetadataClientOptions> = {}): EcsMetadataClient {
  const client = new EcsMetadataClient({
    endpoint: harness.mock.url,
    projectId: PROJECT,
    auth: tokenAuth(DEMO_TOKEN),
    retry: FAST_RETRY,
    ...options,
  });
  return harness.track(client);
}


describe('EcsMetadataClient.getServerMetadata against the mock provider', () => {
  it.each(['v2', 'v2.1'] as const)('returns the metadata map (%s)', async (apiVersion) => {
    const seen: string[] = [];
    const client = clientFor({ apiVersion, onResponse: (event) => seen.push(`${event.status} ${event.url}`) });
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(seen).toEqual([`200 ${harness.mock.url}/${apiVersion}/${PROJECT}/servers/${SERVER}/metadata`]);
    const [logged] = harness.mock.requestLog.slice(-1);
    expect(logged?.headers['x-auth-token']).toBe(DEMO_TOKEN);
    expect(logged?.headers['accept']).toBe('application/json');
    expect(logged?.headers['user-agent']).toMatch(/^ecs-metadata\//u);
  });

  it('raises AuthenticationError for an unknown token, without the token in the error', async () => {
    const secret = 'secret-token-that-must-not-leak';
    const error = await rejection(clientFor({ auth: tokenAuth(secret) }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(AuthenticationError);
    const apiError = error as AuthenticationError;
    expect(apiError.status).toBe(401);
    expect(apiError.requestId).toMatch(/^[0-9a-f]{32}$/u);
    expect(apiError.attempts).toBe(1);
    expect(JSON.stringify({ ...apiError, message: apiError.message, stack: apiError.stack })).not.toContain(secret);
  });

  it('raises NotFoundError with the Nova fault for an unknown server', async () => {
    const error = await rejection(clientFor().getServerMetadata('00000000-0000-0000-0000-000000000000'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('itemNotFound');
    expect((error as NotFoundError).serverMessage).toBe('Instance 00000000-0000-0000-0000-000000000000 could not be found.');
  });

  it('waits for Retry-After after a 429 and then succeeds', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '1' } });
    const statuses: number[] = [];
    const started = performance.now();
    const metadata = await clientFor({ onResponse: (event) => statuses.push(event.status) }).getServerMetadata(SERVER);
    const elapsed = performance.now() - started;
    expect(metadata).toEqual({ wj: 'True' });
    expect(statuses).toEqual([429, 200]);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(5000);
  });

  it('gives up on a persistent 503 after the configured attempts', async () => {
    harness.mock.admin.queueFault({ status: 503, times: 10 });
    const error = await rejection(clientFor({ retry: { ...FAST_RETRY, limit: 3 } }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).attempts).toBe(4);
    expect(apiRequests()).toBe(4);
  });

  it('does not retry a 404', async () => {
    await rejection(clientFor().getServerMetadata('unknown-server'));
    expect(apiRequests()).toBe(1);
  });

  it('reports a 429 as RateLimitError with retryAfterMs when retries are exhausted', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '0' }, times: 5 });
    const error = await rejection(clientFor({ retry: { ...FAST_RETRY, limit: 1 } }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(0);
    expect((error as RateLimitError).attempts).toBe(2);
  });

  it('times out each attempt, retries, then raises TimeoutError', async () => {
    harness.mock.admin.queueFault({ delayMs: 3000, times: 5 });
    const started = performance.now();
    const error = await rejection(clientFor({ timeoutMs: 150, retry: { ...FAST_RETRY, limit: 1 } }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).attempts).toBe(2);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a body over the cap', async () => {
    harness.mock.admin.queueFault({ status: 200, body: JSON.stringify({ metadata: { big: 'x'.repeat(4096) } }) });
    const error = await rejection(clientFor({ maxResponseBytes: 1024 }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(ResponseTooLargeError);
    expect(apiRequests()).toBe(1);
  });

  it('refuses a malformed 200 body, naming the JSON path', async () => {
    harness.mock.admin.queueFault({ status: 200, body: '{"metadata":{"a":1}}' });
    const error = await rejection(clientFor().getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe('$.metadata.a');
  });

  it('retries a connection reset and reports NetworkError when it persists', async () => {
    harness.mock.admin.queueFault({ action: 'reset', times: 10 });
    const error = await rejection(clientFor({ retry: { ...FAST_RETRY, limit: 2 } }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).attempts).toBe(3);
  });

  it('refuses to follow a redirect', async () => {
    harness.mock.admin.queueFault({ status: 302, headers: { Location: 'http://198.51.100.1/steal' }, body: '' });
    const error = await rejection(clientFor().getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(EcsApiError);
    expect((error as EcsApiError).code).toBe('redirect');
    expect(apiRequests()).toBe(1);
  });

  it('refuses path injection before any request is sent', async () => {
    for (const serverId of ['../x', 'a/b', '%2e%2e', '', 'a\r\nb', 'a\0b']) {
      const error = await rejection(clientFor().getServerMetadata(serverId));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).parameter).toBe('serverId');
    }
    expect(apiRequests()).toBe(0);
  });

  it('aborts a pending backoff at once', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '30' } });
    const controller = new AbortController();
    const started = performance.now();
    const pending = clientFor().getServerMetadata(SERVER, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await rejection(pending);
    expect(error).toBeInstanceOf(AbortError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('signs every attempt anew, retries included', async () => {
    let signatures = 0;
    const signer: RequestSigner = {
      sign: () => {
        signatures += 1;
        return { 'X-Auth-Token': DEMO_TOKEN, 'X-Attempt-Signature': `sig-${signatures}` };
      },
    };
    harness.mock.admin.queueFault({ status: 503, times: 2 });
    await expect(clientFor({ auth: () => Promise.resolve(signer) }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    const sent = harness.apiRequests().map((entry) => entry.headers['x-attempt-signature']);
    expect(sent).toEqual(['sig-1', 'sig-2', 'sig-3']);
  });

  it('refreshes a refreshable credential once on 401 and resends', async () => {
    let token = 'expired-token';
    let refreshes = 0;
    const signer: RequestSigner = {
      sign: () => ({ 'X-Auth-Token': token }),
      refresh: () => {
        refreshes += 1;
        token = DEMO_TOKEN;
        return Promise.resolve(true);
      },
    };
    await expect(clientFor({ auth: () => Promise.resolve(signer) }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(refreshes).toBe(1);
  });

  it('works over a caller-supplied fetch, still under the body cap', async () => {
    const client = clientFor({ fetch: (input, init) => fetch(input, init) });
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    harness.mock.admin.queueFault({ status: 200, body: JSON.stringify({ metadata: { big: 'x'.repeat(4096) } }) });
    await expect(
      clientFor({ fetch: (input, init) => fetch(input, init), maxResponseBytes: 1024 }).getServerMetadata(SERVER),
    ).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});

describe('EcsMetadataClient options', () => {
  it.each([
    [{ endpoint: 'ftp://example' }, 'endpoint'],
    [{ projectId: 'NOT-HEX' }, 'projectId'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ timeoutMs: 2 ** 31 }, 'timeoutMs'],
    [{ retry: { limit: -1 } }, 'retry.limit'],
  ])('refuses %j naming %s', (override, parameter) => {
    expect(() => new EcsMetadataClient({ endpoint: 'http://127.0.0.1:1', projectId: PROJECT, auth: tokenAuth('t'), ...override })).toThrow(
      expect.objectContaining({ parameter }),
    );
  });
});
