import { EXAMPLE_PROJECT_ID, ValidationError } from '@ecs-metadata/core';
import { afterEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN, fleetServerId, type MockProvider, parseRate, startMockProvider } from './index.js';
import { ProjectRateLimiter } from './rate-limit.js';
import { AUTH_HEADERS, metadataPath, rawRequest } from './test-support/http.js';

const OTHER_PROJECT_ID = '0123456789abcdef0123456789abcdef';
const THROTTLED_MESSAGE = (rate: number): string => `The throttling threshold has been reached: policy user over ratelimit,limit:${rate},time:1 second`;

describe('parseRate', () => {
  it.each([
    ['200/s', 200],
    ['200', 200],
    ['0.5/s', 0.5],
    ['6000/min', 100],
    [' 50/second ', 50],
  ])('reads %s as %d per second', (text, expected) => {
    expect(parseRate('--rate', text)).toBe(expected);
  });

  it.each(['', '0/s', '-5/s', 'fast', '200/h', '1e3'])('refuses "%s", naming the setting', (text) => {
    expect(() => parseRate('--rate', text)).toThrow(ValidationError);
    expect(() => parseRate('--rate', text)).toThrow('--rate');
  });
});

describe('ProjectRateLimiter (clock injected)', () => {
  it('lets the burst through, then answers APIG.0308 with Retry-After until tokens are back, per project', () => {
    let now = 0;
    const limiter = new ProjectRateLimiter({ ratePerSecond: 2, burst: 2 }, () => now);
    expect(limiter.take('a')).toBeUndefined();
    expect(limiter.take('a')).toBeUndefined();
    const throttled = limiter.take('a');
    expect(throttled).toMatchObject({
      status: 429,
      json: { error_code: 'APIG.0308', error_msg: THROTTLED_MESSAGE(2), request_id: expect.stringMatching(/^[0-9a-f]{32}$/u) },
      headers: { 'Retry-After': '1' },
    });
    expect(limiter.take('b')).toBeUndefined();
    now = 499;
    expect(limiter.take('a')?.status).toBe(429);
    now = 1000;
    expect(limiter.take('a')).toBeUndefined();
  });

  it('gives Retry-After in whole seconds, rounded up, for slow rates', () => {
    const limiter = new ProjectRateLimiter({ ratePerSecond: 0.25, burst: 1 }, () => 0);
    limiter.take('a');
    expect(limiter.take('a')?.headers).toMatchObject({ 'Retry-After': '4' });
  });

  it('forgets refilled buckets of any number of project ids named in paths, keeping those still throttled', () => {
    let now = 0;
    const limiter = new ProjectRateLimiter({ ratePerSecond: 10, burst: 1 }, () => now);
    expect(limiter.take('busy')).toBeUndefined();
    for (let index = 0; index < 5_000; index += 1) {
      now += 1; // 1 ms per new project: each bucket is full again 100 ms after its one request
      limiter.take(`project-${index}`);
    }
    expect(limiter.trackedProjects).toBeLessThanOrEqual(1_000);
    const throttledNow = new ProjectRateLimiter({ ratePerSecond: 0.001, burst: 1 }, () => now);
    throttledNow.take('held');
    for (let index = 0; index < 2_000; index += 1) {
      throttledNow.take(`project-${index}`);
    }
    expect(throttledNow.take('held')?.status).toBe(429);
  });

  it('refuses a bad limit, naming the field', () => {
    expect(() => new ProjectRateLimiter({ ratePerSecond: 0 })).toThrow('rateLimit.ratePerSecond');
    expect(() => new ProjectRateLimiter({ ratePerSecond: 5, burst: 1.5 })).toThrow('rateLimit.burst');
  });
});

describe('mock provider with a rate limit (loopback)', () => {
  let mock: MockProvider | undefined;
  afterEach(async () => {
    await mock?.close();
    mock = undefined;
  });

  it('throttles API requests per project, never admin requests, and reset restores the starting limit', async () => {
    mock = await startMockProvider({ port: 0, rateLimit: { ratePerSecond: 1, burst: 2 } });
    mock.admin.addToken('other-token', OTHER_PROJECT_ID);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) {
      statuses.push((await rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    const throttled = await rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS });
    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('1');
    expect(throttled.headers['content-type']).toMatch(/^application\/json/u);
    expect(JSON.parse(throttled.text)).toEqual({ error_code: 'APIG.0308', error_msg: THROTTLED_MESSAGE(1), request_id: throttled.headers['x-request-id'] });
    // Another project has its own bucket (the answer is Nova's 404 for its unknown server, not a 429).
    const other = await rawRequest(mock.url, `/v2.1/${OTHER_PROJECT_ID}/servers/x/metadata`, { headers: { 'X-Auth-Token': 'other-token' } });
    expect(other.status).toBe(404);
    expect((await rawRequest(mock.url, '/_admin/rate-limit')).text).toBe('{"rateLimit":{"ratePerSecond":1,"burst":2}}');
    mock.admin.setRateLimit(undefined);
    expect((await rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).status).toBe(200);
    mock.admin.reset();
    expect(mock.admin.getRateLimit()).toEqual({ ratePerSecond: 1, burst: 2 });
  });

  it('sets and removes the limit through the admin API, validating it', async () => {
    mock = await startMockProvider({ port: 0 });
    const json = { 'Content-Type': 'application/json' };
    const bad = await rawRequest(mock.url, '/_admin/rate-limit', { method: 'PUT', headers: json, body: '{"ratePerSecond":-1}' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('ratePerSecond');
    const set = await rawRequest(mock.url, '/_admin/rate-limit', { method: 'PUT', headers: json, body: '{"ratePerSecond":1,"burst":1}' });
    expect(set).toMatchObject({ status: 200, text: '{"ratePerSecond":1,"burst":1}' });
    expect((await rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).status).toBe(200);
    expect((await rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).status).toBe(429);
    expect((await rawRequest(mock.url, '/_admin/rate-limit', { method: 'DELETE' })).status).toBe(204);
    expect((await rawRequest(mock.url, metadataPath(), { headers: AUTH_HEADERS })).status).toBe(200);
  });

  it('generates a fleet of servers in the fixture project, kept across reset', async () => {
    mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE, generatedServers: 3 });
    mock.admin.reset();
    expect(fleetServerId(42)).toBe('f1ee7000-0000-4000-8000-00000000002a');
    const res = await rawRequest(mock.url, `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${fleetServerId(2)}/metadata`, { headers: { 'X-Auth-Token': DEMO_TOKEN } });
    expect(JSON.parse(res.text)).toEqual({ metadata: { index: '2' } });
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, fleetServerId(3))).toBeUndefined();
    await expect(startMockProvider({ port: 0, generatedServers: -1 })).rejects.toThrow('generatedServers');
  });
});
