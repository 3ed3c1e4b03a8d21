import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import {
  akskAuth,
  BadRequestError,
  ConflictError,
  EcsMetadataClient,
  type EcsMetadataClientOptions,
  MetadataLimitExceededError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  tokenAuth,
  UnconfirmedWriteError,
  ValidationError,
} from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50 };
const manyItems = (count: number): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, 'v']));

const harness = useMockProvider(DEFAULT_FIXTURE);
const apiRequests = (): { method: string; path: string }[] => harness.apiRequests().map(({ method, path }) => ({ method, path }));
const stored = (): Record<string, string> | undefined => harness.mock.admin.getServer(PROJECT, SERVER)?.metadata;
const NOVA = `/v2.1/${PROJECT}/servers/${SERVER}/metadata`;
const NATIVE = `/v1/${PROJECT}/cloudservers/${SERVER}/metadata`;

function clientFor(options: Partial<EcsMetadataClientOptions> = {}): EcsMetadataClient {
  return harness.track(
    new EcsMetadataClient({ endpoint: harness.mock.url, projectId: PROJECT, auth: tokenAuth(DEMO_TOKEN), retry: FAST_RETRY, ...options }),
  );
}

describe('the metadata family end to end against the mock (spec §3.2-§3.8)', () => {
  it('reads one item, sending ":" raw and a space (Nova rules) as %20', async () => {
    harness.mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True', 'os:type.v1': 'Linux', 'a b': '' } });
    const client = clientFor();
    await expect(client.getServerMetadataItem(SERVER, 'wj')).resolves.toBe('True');
    await expect(client.getServerMetadataItem(SERVER, 'os:type.v1')).resolves.toBe('Linux');
    await expect(client.getServerMetadataItem(SERVER, 'a b', { keyRules: 'nova' })).resolves.toBe('');
    expect(apiRequests().map((request) => request.path)).toEqual([`${NOVA}/wj`, `${NOVA}/os:type.v1`, `${NOVA}/a%20b`]);
  });

  it('raises NotFoundError for a missing key, with Nova\'s message', async () => {
    const error = await rejection(clientFor().getServerMetadataItem(SERVER, 'nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'itemNotFound', serverMessage: 'Metadata item was not found', attempts: 1 });
  });

  it('merges and gets the complete map back', async () => {
    await expect(clientFor().updateServerMetadata(SERVER, { owner: 'li', env: 'prod' })).resolves.toEqual({ wj: 'True', owner: 'li', env: 'prod' });
    expect(stored()).toEqual({ wj: 'True', owner: 'li', env: 'prod' });
    expect(apiRequests()).toEqual([{ method: 'POST', path: NOVA }]);
    const [logged] = harness.mock.requestLog.slice(-1);
    expect(logged?.headers['content-type']).toBe('application/json');
  });

  it('replaces the whole map, and clears it with {}', async () => {
    const client = clientFor({ apiVersion: 'v2' });
    await expect(client.replaceServerMetadata(SERVER, { owner: 'li' })).resolves.toEqual({ owner: 'li' });
    await expect(client.replaceServerMetadata(SERVER, {})).resolves.toEqual({});
    expect(apiRequests().map((request) => request.method + ' ' + request.path)).toEqual([`PUT /v2/${PROJECT}/servers/${SERVER}/metadata`, `PUT /v2/${PROJECT}/servers/${SERVER}/metadata`]);
  });

  it('sets one item and gets its value back', async () => {
    await expect(clientFor().setServerMetadataItem(SERVER, 'wj', 'False')).resolves.toBe('False');
    await expect(clientFor().setServerMetadataItem(SERVER, 'new', '')).resolves.toBe('');
    expect(stored()).toEqual({ wj: 'False', new: '' });
  });

  it('deletes one item (204), and a second delete is a NotFoundError', async () => {
    const client = clientFor();
    await expect(client.deleteServerMetadataItem(SERVER, 'wj')).resolves.toBeUndefined();
    expect(stored()).toEqual({});
    const error = await rejection(client.deleteServerMetadataItem(SERVER, 'wj'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).attempts).toBe(1);
  });

  it('uses the ECS native calls on /v1 whatever the apiVersion', async () => {
    const client = clientFor({ apiVersion: 'v2' });
    await expect(client.updateServerMetadataV1(SERVER, { key1: 'value1' })).resolves.toEqual({ wj: 'True', key1: 'value1' });
    await expect(client.deleteServerMetadataItemV1(SERVER, 'key1')).resolves.toBeUndefined();
    expect(stored()).toEqual({ wj: 'True' });
    expect(apiRequests()).toEqual([
      { method: 'POST', path: NATIVE },
      { method: 'DELETE', path: `${NATIVE}/key1` },
    ]);
    const missing = await rejection(client.updateServerMetadataV1('00000000-0000-4000-8000-000000000000', { a: 'b' }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ code: 'Ecs.0114', serverMessage: 'The ECS does not exist.' });
  });

  it('raises MetadataLimitExceededError past 128 items, ConflictError for a locked or building server', async () => {
    harness.mock.admin.putServer(PROJECT, SERVER, { metadata: manyItems(128) });
    const limit = await rejection(clientFor().updateServerMetadata(SERVER, { owner: 'li' }));
    expect(limit).toBeInstanceOf(MetadataLimitExceededError);
    expect(limit).toMatchObject({ status: 403, code: 'forbidden', serverMessage: 'Maximum number of metadata items exceeds 128' });

    harness.mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True' }, locked: true });
    const locked = await rejection(clientFor().setServerMetadataItem(SERVER, 'wj', 'x'));
    expect(locked).toBeInstanceOf(ConflictError);
    expect((locked as ConflictError).serverMessage).toBe(`Instance ${SERVER} is locked`);

    harness.mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True' }, vmState: 'building' });
    const building = await rejection(clientFor().deleteServerMetadataItem(SERVER, 'wj'));
    expect((building as ConflictError).serverMessage).toBe(`Cannot 'delete metadata' instance ${SERVER} while it is in vm_state building`);
    // A 409 is not retried.
    expect(apiRequests()).toHaveLength(3);
  });

  it('writes platform keys only with force; the mock refuses virtual_env_type even then', async () => {
    const client = clientFor();
    const refused = await rejection(client.updateServerMetadata(SERVER, { os_type: 'Linux' }));
    expect(refused).toBeInstanceOf(ValidationError);
    expect(refused.message).toBe('Invalid metadata: key "os_type" is a platform key, managed by the cloud; pass force: true to write or delete it');
    await expect(client.updateServerMetadata(SERVER, { os_type: 'Linux' }, { force: true })).resolves.toEqual({ wj: 'True', os_type: 'Linux' });
    await expect(client.deleteServerMetadataItem(SERVER, 'os_type', { force: true })).resolves.toBeUndefined();
    await expect(client.setServerMetadataItem(SERVER, 'virtual_env_type', 'KVM', { force: true })).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('invalid inputs of spec §4.1 are refused before any request', () => {
  it.each([
    ['a key with a space', (c: EcsMetadataClient) => c.updateServerMetadata(SERVER, { 'a b': 'v' }), 'metadata'],
    ['a key with "/"', (c: EcsMetadataClient) => c.updateServerMetadata(SERVER, { 'a/b': 'v' }), 'metadata'],
    ['an empty key', (c: EcsMetadataClient) => c.replaceServerMetadata(SERVER, { '': 'v' }), 'metadata'],
    ['a key of 256 characters', (c: EcsMetadataClient) => c.setServerMetadataItem(SERVER, 'k'.repeat(256), 'v'), 'key'],
    ['a value of 256 characters', (c: EcsMetadataClient) => c.setServerMetadataItem(SERVER, 'wj', 'v'.repeat(256)), 'value'],
    ['a non-string value', (c: EcsMetadataClient) => c.updateServerMetadata(SERVER, { wj: 1 } as unknown as Record<string, string>), 'metadata'],
    ['129 items', (c: EcsMetadataClient) => c.updateServerMetadata(SERVER, manyItems(129)), 'metadata'],
    ['a traversal key', (c: EcsMetadataClient) => c.deleteServerMetadataItem(SERVER, '..', { keyRules: 'nova' }), 'key'],
    ['a key with CR LF', (c: EcsMetadataClient) => c.getServerMetadataItem(SERVER, 'a\r\nb'), 'key'],
    ['a traversal server id', (c: EcsMetadataClient) => c.updateServerMetadataV1('../x', { a: 'b' }), 'serverId'],
    ['a platform key', (c: EcsMetadataClient) => c.deleteServerMetadataItemV1(SERVER, 'charging_mode'), 'key'],
  ])('%s', async (_label, call, parameter) => {
    const error = await rejection(call(clientFor()));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe(parameter);
    expect(apiRequests()).toEqual([]);
  });
});

describe('retries of writes (spec §8): only what is idempotent, or proven unprocessed', () => {
  it('does not retry a POST after a 503', async () => {
    harness.mock.admin.queueFault({ status: 503, times: 5 });
    const error = await rejection(clientFor().updateServerMetadata(SERVER, { owner: 'li' }));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).attempts).toBe(1);
    expect(apiRequests()).toHaveLength(1);
  });

  it('does not retry a POST after a reset or a timeout', async () => {
    harness.mock.admin.queueFault({ action: 'reset', times: 5 });
    const reset = await rejection(clientFor().updateServerMetadataV1(SERVER, { owner: 'li' }));
    expect(reset).toBeInstanceOf(NetworkError);
    expect((reset as NetworkError).attempts).toBe(1);
    harness.mock.admin.clearFaults();
    harness.mock.admin.queueFault({ delayMs: 2000, times: 5 });
    const timeout = await rejection(clientFor({ timeoutMs: 100 }).updateServerMetadata(SERVER, { owner: 'li' }));
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect((timeout as TimeoutError).attempts).toBe(1);
    expect(apiRequests()).toHaveLength(2);
  });

  it('retries a POST after a 429, which proves it was not processed', async () => {
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '0' } });
    await expect(clientFor().updateServerMetadata(SERVER, { owner: 'li' })).resolves.toEqual({ wj: 'True', owner: 'li' });
    expect(apiRequests()).toHaveLength(2);
    harness.mock.admin.queueFault({ status: 429, headers: { 'Retry-After': '0' }, times: 5 });
    const error = await rejection(clientFor({ retry: { ...FAST_RETRY, limit: 2 } }).updateServerMetadata(SERVER, { owner: 'li' }));
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).attempts).toBe(3);
  });

  it.each([
    ['replace (PUT)', (c: EcsMetadataClient) => c.replaceServerMetadata(SERVER, { owner: 'li' }), { owner: 'li' }],
    ['set item (PUT)', (c: EcsMetadataClient) => c.setServerMetadataItem(SERVER, 'owner', 'li'), { wj: 'True', owner: 'li' }],
    ['delete item (DELETE)', (c: EcsMetadataClient) => c.deleteServerMetadataItem(SERVER, 'wj'), {}],
    ['native delete (DELETE)', (c: EcsMetadataClient) => c.deleteServerMetadataItemV1(SERVER, 'wj'), {}],
  ])('retries %s after a 503 and a reset', async (_label, call, after) => {
    harness.mock.admin.queueFault({ status: 503 });
    harness.mock.admin.queueFault({ action: 'reset' });
    await call(clientFor());
    expect(apiRequests()).toHaveLength(3);
    expect(stored()).toEqual(after);
  });

  it('reports a DELETE whose answer was lost as done when the retry finds the key gone', async () => {
    harness.mock.admin.queueFault({ match: { method: 'DELETE' }, afterHandler: 'reset' });
    await expect(clientFor().deleteServerMetadataItem(SERVER, 'wj')).resolves.toBeUndefined();
    expect(apiRequests()).toEqual([
      { method: 'DELETE', path: `${NOVA}/wj` },
      { method: 'DELETE', path: `${NOVA}/wj` },
    ]);
    expect(stored()).toEqual({});
  });

  it('does the same for the native delete', async () => {
    harness.mock.admin.queueFault({ match: { method: 'DELETE' }, afterHandler: 'reset' });
    await expect(clientFor().deleteServerMetadataItemV1(SERVER, 'wj')).resolves.toBeUndefined();
    expect(apiRequests()).toHaveLength(2);
  });

  it('still reports a 404 for a missing server after a retry, and a first-attempt 404 for a key', async () => {
    harness.mock.admin.queueFault({ status: 503 });
    const server = await rejection(clientFor().deleteServerMetadataItem('00000000-0000-4000-8000-000000000000', 'wj'));
    expect(server).toBeInstanceOf(NotFoundError);
    expect(server).toMatchObject({ attempts: 2, serverMessage: 'Instance 00000000-0000-4000-8000-000000000000 could not be found.' });
    const key = await rejection(clientFor().deleteServerMetadataItem(SERVER, 'never-there'));
    expect(key).toMatchObject({ name: 'NotFoundError', attempts: 1 });
  });

  it.each([429, 503])('reports the 404 of a key that never existed after a %i: that answer proves nothing was deleted', async (status) => {
    harness.mock.admin.queueFault({ match: { method: 'DELETE' }, status });
    const error = await rejection(clientFor().deleteServerMetadataItem(SERVER, 'never-there'));
    expect(error).toMatchObject({ name: 'NotFoundError', attempts: 2, serverMessage: 'Metadata item was not found' });
    expect(apiRequests()).toHaveLength(2);
  });

  it.each([502, 504])('takes the 404 after a %i for done: the gateway may have passed the DELETE on', async (status) => {
    harness.mock.admin.queueFault({ match: { method: 'DELETE' }, status });
    await expect(clientFor().deleteServerMetadataItemV1(SERVER, 'never-there')).resolves.toBeUndefined();
    expect(apiRequests()).toHaveLength(2);
  });

  it('does not take a lost POST for done: the merge is not resent', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, afterHandler: 'reset' });
    const error = await rejection(clientFor().updateServerMetadata(SERVER, { owner: 'li' }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(apiRequests()).toHaveLength(1);
    // It was applied all the same: that is why it must not be sent blindly again.
    expect(stored()).toEqual({ wj: 'True', owner: 'li' });
  });
});

describe('a merge whose answer was lost, resolved by reading the server back (readBackLostAnswer)', () => {
  const readBack = { readBackLostAnswer: true } as const;

  it('is a success when the read-back holds every item: processed, then reset; the POST is sent once', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, afterHandler: 'reset' });
    await expect(clientFor().updateServerMetadata(SERVER, { owner: 'li', env: '' }, readBack)).resolves.toEqual({ wj: 'True', owner: 'li', env: '' });
    expect(apiRequests()).toEqual([
      { method: 'POST', path: NOVA },
      { method: 'GET', path: NOVA },
    ]);
  });

  it.each([
    ['a reset before it was processed', { action: 'reset' as const }, 'NetworkError'],
    ['a 504 from the gateway that never passed it on', { status: 504 }, 'ServerError'],
  ])('is an UnconfirmedWriteError (not applied, not resent) after %s', async (_label, fault, lostClass) => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, ...fault });
    const error = await rejection(clientFor().updateServerMetadata(SERVER, { owner: 'li', wj: 'False' }, readBack));
    expect(error).toBeInstanceOf(UnconfirmedWriteError);
    expect(error).toMatchObject({ readBack: 'not-applied', lostAnswer: { name: lostClass } });
    expect((error as Error).message).toMatch(/^the answer to the merge was lost \(.+\); read back, not applied \(missing owner; other value for wj\); not resent$/u);
    expect(apiRequests().map((request) => request.method)).toEqual(['POST', 'GET']);
    expect(stored()).toEqual({ wj: 'True' });
  });

  it('says "unknown" when the read-back fails too, and still sends the POST once', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, afterHandler: 'reset' });
    harness.mock.admin.queueFault({ match: { method: 'GET' }, action: 'reset', times: 10 });
    const error = await rejection(clientFor().updateServerMetadata(SERVER, { owner: 'li' }, readBack));
    expect(error).toMatchObject({ name: 'UnconfirmedWriteError', readBack: 'failed', lostAnswer: { name: 'NetworkError' }, cause: { name: 'NetworkError', attempts: 4 } });
    expect((error as Error).message).toContain('unknown whether it was applied; not resent');
    expect(apiRequests().map((request) => request.method)).toEqual(['POST', 'GET', 'GET', 'GET', 'GET']);
    expect(stored()).toEqual({ wj: 'True', owner: 'li' });
  });

  it('does not read back an answer that says what happened (a 409, a 429 retried)', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, status: 429 });
    await expect(clientFor().updateServerMetadata(SERVER, { owner: 'li' }, readBack)).resolves.toEqual({ wj: 'True', owner: 'li' });
    harness.mock.admin.queueFault({ match: { method: 'POST' }, status: 409 });
    await expect(clientFor().updateServerMetadata(SERVER, { owner: 'ops' }, readBack)).rejects.toBeInstanceOf(ConflictError);
    expect(apiRequests().map((request) => request.method)).toEqual(['POST', 'POST', 'POST']);
  });
});

describe('writes signed with AK/SK (spec §9.2) against the mock', () => {
  const AK = 'AKWRITETEST000000001';
  const SK = 'SKWRITETEST00000000000000000000000000001';
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider({
      port: 0,
      fixture: {
        tokens: [],
        accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }],
        servers: [{ projectId: PROJECT, serverId: SERVER, metadata: { 'os:type.v1': 'Linux' } }],
      },
    });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('signs every call of the family, raw ":" in the path and the exact body bytes included', async () => {
    const client = new EcsMetadataClient({
      endpoint: mock.url,
      projectId: PROJECT,
      auth: akskAuth({ accessKey: AK, secretKey: SK }),
      retry: false,
    });
    try {
      await expect(client.getServerMetadataItem(SERVER, 'os:type.v1')).resolves.toBe('Linux');
      await expect(client.updateServerMetadata(SERVER, { 'a:b': 'c' })).resolves.toEqual({ 'os:type.v1': 'Linux', 'a:b': 'c' });
      await expect(client.setServerMetadataItem(SERVER, 'a:b', 'd')).resolves.toBe('d');
      await expect(client.deleteServerMetadataItem(SERVER, 'a:b')).resolves.toBeUndefined();
      await expect(client.replaceServerMetadata(SERVER, { x: 'y' })).resolves.toEqual({ x: 'y' });
      await expect(client.updateServerMetadataV1(SERVER, { 'n:1': 'v' })).resolves.toEqual({ x: 'y', 'n:1': 'v' });
      await expect(client.deleteServerMetadataItemV1(SERVER, 'n:1')).resolves.toBeUndefined();
    } finally {
      client.close();
    }
  });
});
