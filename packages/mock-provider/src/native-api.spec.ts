import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEMO_TOKEN, type MockProvider, startMockProvider } from './index.js';
import { type AkSkVector, loadAkSkVectors, vectorTarget } from './test-support/aksk-vectors.js';
import { AUTH_HEADERS, answerOf, type RawResponse, rawRequest, sendJson as send } from './test-support/http.js';

const NATIVE = `/v1/${EXAMPLE_PROJECT_ID}/cloudservers/${EXAMPLE_SERVER_ID}/metadata`;
const UNKNOWN_SERVER = 'b8a7f1c2-0000-4000-8000-000000000000';
const huawei = (code: string, message: string): unknown => ({ error: { code, message } });
const answer = answerOf;


describe('the ECS native metadata calls at the mock (spec §3.7, §3.8)', () => {
  let mock: MockProvider;
  const stored = (): Record<string, string> | undefined => mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.metadata;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  it('merges and answers 200 with the complete map (project decision)', async () => {
    expect(answer(await send(mock, 'POST', NATIVE, { metadata: { key1: 'value1' } }))).toEqual([200, { metadata: { wj: 'True', key1: 'value1' } }]);
    expect(answer(await send(mock, 'POST', NATIVE, { metadata: {} }))).toEqual([200, { metadata: { wj: 'True', key1: 'value1' } }]);
  });

  it('deletes one item with 204, then answers 404 Ecs.0005 for it', async () => {
    const res = await send(mock, 'DELETE', `${NATIVE}/wj`, undefined, AUTH_HEADERS);
    expect([res.status, res.text]).toEqual([204, '']);
    expect(stored()).toEqual({});
    expect(answer(await send(mock, 'DELETE', `${NATIVE}/wj`, undefined, AUTH_HEADERS))).toEqual([404, huawei('Ecs.0005', 'The metadata item wj does not exist.')]);
  });

  it('answers 404 Ecs.0114 for an unknown server', async () => {
    const path = `/v1/${EXAMPLE_PROJECT_ID}/cloudservers/${UNKNOWN_SERVER}/metadata`;
    expect(answer(await send(mock, 'POST', path, { metadata: { a: 'b' } }))).toEqual([404, huawei('Ecs.0114', 'The ECS does not exist.')]);
    expect(answer(await send(mock, 'DELETE', `${path}/wj`, undefined, AUTH_HEADERS))).toEqual([404, huawei('Ecs.0114', 'The ECS does not exist.')]);
  });

  it.each([
    ['a bad key', { metadata: { 'a/b': 'v' } }, "Invalid input for field/attribute metadata. Value: {'a/b': 'v'}. 'a/b' does not match any of the regexes: '^[a-zA-Z0-9-_:. ]{1,255}$'"],
    ['a long value', { metadata: { wj: 'x'.repeat(256) } }, `Invalid input for field/attribute wj. Value: ${'x'.repeat(256)}. '${'x'.repeat(256)}' is too long`],
    ['a number value', { metadata: { wj: 1 } }, "Invalid input for field/attribute wj. Value: 1. 1 is not of type 'string'"],
    ['an extra property', { metadata: {}, x: 1 }, "Additional properties are not allowed ('x' was unexpected)"],
    ['invalid JSON', '{"metadata"', 'the request body is not valid JSON'],
    ['an empty body', '', "None is not of type 'object'"],
    ['virtual_env_type', { metadata: { virtual_env_type: 'KVM' } }, 'the metadata key virtual_env_type cannot be added, changed or deleted'],
  ])('answers 400 Ecs.0005 for %s', async (_label, body, detail) => {
    expect(answer(await send(mock, 'POST', NATIVE, body))).toEqual([400, huawei('Ecs.0005', `Invalid parameter values: ${detail}`)]);
    expect(stored()).toEqual({ wj: 'True' });
  });

  it('answers 400 Ecs.0005 for a content type that is not JSON', async () => {
    const res = await send(mock, 'POST', NATIVE, { metadata: {} }, { ...AUTH_HEADERS, 'Content-Type': 'text/xml' });
    expect(answer(res)).toEqual([400, huawei('Ecs.0005', 'Invalid parameter values: the request body must be JSON (Content-Type: application/json)')]);
  });

  it('answers 400 Ecs.0005 past 128 items and for deleting virtual_env_type', async () => {
    mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, {
      metadata: { virtual_env_type: 'KVM', ...Object.fromEntries(Array.from({ length: 127 }, (_, index) => [`k${index}`, 'v'])) },
    });
    expect(answer(await send(mock, 'POST', NATIVE, { metadata: { new: 'x' } }))).toEqual([
      400,
      huawei('Ecs.0005', 'Invalid parameter values: Maximum number of metadata items exceeds 128'),
    ]);
    expect(answer(await send(mock, 'DELETE', `${NATIVE}/virtual_env_type`, undefined, AUTH_HEADERS))).toEqual([
      400,
      huawei('Ecs.0005', 'Invalid parameter values: the metadata key virtual_env_type cannot be added, changed or deleted'),
    ]);
  });

  it('answers 400 Ecs.0100 for a locked server and a building one', async () => {
    mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True' }, locked: true });
    expect(answer(await send(mock, 'POST', NATIVE, { metadata: { a: 'b' } }))).toEqual([400, huawei('Ecs.0100', 'The ECS status does not allow the operation: the ECS is locked')]);
    mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True' }, vmState: 'building' });
    expect(answer(await send(mock, 'DELETE', `${NATIVE}/wj`, undefined, AUTH_HEADERS))).toEqual([
      400,
      huawei('Ecs.0100', 'The ECS status does not allow the operation: the ECS is in vm_state building'),
    ]);
    expect(stored()).toEqual({ wj: 'True' });
  });

  it('authenticates as the Nova routes: 401 without a token, 400 Ecs.0023 for another project', async () => {
    expect((await send(mock, 'POST', NATIVE, { metadata: {} }, { 'Content-Type': 'application/json' })).status).toBe(401);
    const other = '0123456789abcdef0123456789abcdef';
    mock.admin.addToken('other-token', other);
    const res = await send(mock, 'POST', NATIVE, { metadata: {} }, { 'X-Auth-Token': 'other-token', 'Content-Type': 'application/json' });
    expect(answer(res)).toEqual([
      400,
      huawei('Ecs.0023', `The project ID in the URL (${EXAMPLE_PROJECT_ID}) does not match the project of the token (${other}).`),
    ]);
  });

  it('answers 404 for a method or path the native API does not have', async () => {
    expect((await send(mock, 'GET', NATIVE, undefined, AUTH_HEADERS)).status).toBe(404);
    expect((await send(mock, 'PUT', `${NATIVE}/wj`, { meta: { wj: 'x' } })).status).toBe(404);
    expect((await send(mock, 'POST', `/v1.1/${EXAMPLE_PROJECT_ID}/cloudservers/${EXAMPLE_SERVER_ID}/metadata`, { metadata: {} })).status).toBe(404);
  });
});

describe('the metadata-family AK/SK vectors (spec §9.3) at the mock', () => {
  const { fixed_inputs: FIXED, vectors: VECTORS } = loadAkSkVectors();
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider({
      port: 0,
      signatureMaxSkewMs: false,
      fixture: {
        tokens: [{ token: DEMO_TOKEN, projectId: EXAMPLE_PROJECT_ID }],
        accessKeys: [{ accessKey: FIXED.ak, secretKey: FIXED.sk, projectId: FIXED.project_id }],
        servers: [{ projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { wj: 'True', 'os:type.v1': 'Linux', 'a b': 'c', key1: 'value1' } }],
      },
    });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  const send = (vector: AkSkVector): Promise<RawResponse> =>
    rawRequest(mock.url, vectorTarget(vector), {
      method: vector.input.method,
      headers: vector.request.headers_before_send,
      ...(vector.request.body === null ? {} : { body: vector.request.body }),
    });

  it.each([
    ['nova-v2.1-show-metadata-item', 200, { meta: { wj: 'True' } }],
    ['nova-v2.1-show-metadata-item-reserved-chars', 200, { meta: { 'os:type.v1': 'Linux' } }],
    ['nova-v2.1-show-metadata-item-space-in-key', 200, { meta: { 'a b': 'c' } }],
    ['nova-v2.1-update-metadata', 200, { metadata: { wj: 'True', 'os:type.v1': 'Linux', 'a b': 'c', key1: 'value1' } }],
    ['nova-v2.1-replace-metadata', 200, { metadata: { key1: 'value1', key2: 'value2' } }],
    ['nova-v2.1-set-metadata-item', 200, { meta: { wj: 'False' } }],
    ['nova-v2.1-delete-metadata-item', 204, ''],
    ['ecs-v1-update-metadata-sdk', 200, { metadata: { wj: 'True', 'os:type.v1': 'Linux', 'a b': 'c', key1: 'value1' } }],
    ['ecs-v1-delete-metadata-sdk', 204, ''],
  ])('%s: the SDK-signed request succeeds', async (id, status, body) => {
    const vector = VECTORS.find((candidate) => candidate.id === id) as AkSkVector;
    expect(answer(await send(vector))).toEqual([status, body]);
  });
});
