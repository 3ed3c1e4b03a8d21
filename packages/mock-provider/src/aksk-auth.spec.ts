import { ConfigError, EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, signAkSkRequest, type ValidationError } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEMO_TOKEN, type Fixture, type MockProvider, startMockProvider } from './index.js';
import { type AkSkVector, loadAkSkVectors, vectorTarget } from './test-support/aksk-vectors.js';
import { metadataPath, type RawResponse, rawRequest } from './test-support/http.js';

const { fixed_inputs: FIXED, vectors: VECTORS } = loadAkSkVectors();
const VECTOR_CASES = VECTORS.map((vector) => [vector.id, vector] as const);
const OTHER_PROJECT_ID = '0123456789abcdef0123456789abcdef';
const OTHER_AK = 'AKOTHERPROJECT000001';
const OTHER_SK = 'SKOTHERPROJECT0000000000000000000000001';

// The vectors' AK/SK for the vectors' project (the documentation's example), plus its seed server.
const FIXTURE: Fixture = {
  tokens: [{ token: DEMO_TOKEN, projectId: EXAMPLE_PROJECT_ID }],
  accessKeys: [
    { accessKey: FIXED.ak, secretKey: FIXED.sk, projectId: FIXED.project_id },
    { accessKey: OTHER_AK, secretKey: OTHER_SK, projectId: OTHER_PROJECT_ID },
  ],
  servers: [
    { projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { ...EXAMPLE_METADATA } },
    { projectId: OTHER_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { other: 'yes' } },
  ],
};

const byId = (id: string): AkSkVector => {
  const vector = VECTORS.find((candidate) => candidate.id === id);
  if (vector === undefined) {
    throw new Error(`no vector ${id}`);
  }
  return vector;
};

/** Sends a vector's request as the SDK put it on the wire, with `change` applied to a copy. */
function sendVector(
  mock: MockProvider,
  vector: AkSkVector,
  change: { target?: string; headers?: Record<string, string | undefined>; body?: string | null } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...vector.request.headers_before_send, ...change.headers })) {
    if (value !== undefined) {
      headers[name] = value;
    }
  }
  const body = change.body === undefined ? vector.request.body : change.body;
  return rawRequest(mock.url, change.target ?? vectorTarget(vector), {
    method: vector.input.method,
    headers,
    ...(body === null ? {} : { body }),
  });
}

/** Signs a request to the mock with core's signer, as the client does: Content-Type, Host, X-Project-Id. */
function signedHeaders(
  mock: MockProvider,
  path: string,
  options: { projectId?: string; ak?: string; sk?: string; date?: Date; method?: string } = {},
): Record<string, string> {
  const url = `${mock.url}${path}`;
  const headers = { 'Content-Type': 'application/json', Host: new URL(url).host, 'X-Project-Id': options.projectId ?? FIXED.project_id };
  return {
    ...headers,
    ...signAkSkRequest({
      method: options.method ?? 'GET',
      url,
      headers,
      body: undefined,
      ak: options.ak ?? FIXED.ak,
      sk: options.sk ?? FIXED.sk,
      date: options.date ?? new Date(),
    }),
  };
}

function expectGateway401(res: RawResponse, suffix: string): void {
  expect(res.status).toBe(401);
  const body = JSON.parse(res.text) as { request_id?: string };
  expect(body).toEqual({
    error_code: 'APIG.0301',
    error_msg: `Incorrect IAM authentication information: ${suffix}`,
    request_id: expect.stringMatching(/^[0-9a-f]{32}$/u),
  });
  expect(res.headers['x-request-id']).toBe(body.request_id);
  expect(res.headers['content-type']).toBe('application/json');
}

const isListMetadata = (vector: AkSkVector): boolean => vector.input.method === 'GET' && /\/servers\/[^/]+\/metadata$/u.test(vector.request.url_path);

describe('AK/SK signatures at the mock, date check disabled for the fixed-date vectors (spec §9.2, §9.3)', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, fixture: FIXTURE, signatureMaxSkewMs: false });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  it('covers the five list-metadata vectors with the seed route', () => {
    expect(VECTORS.filter(isListMetadata).map((vector) => vector.id)).toEqual([
      'nova-v2.1-list-metadata',
      'nova-v2-list-metadata',
      'nova-v2.1-list-metadata-with-query',
      'nova-v2.1-list-metadata-temporary-credentials',
      'nova-v2.1-list-metadata-local-endpoint',
    ]);
  });

  it.each(VECTOR_CASES)('accepts the SDK signature of %s', async (_id, vector) => {
    const res = await sendVector(mock, vector);
    expect(res.status).not.toBe(401);
    expect(res.text).not.toContain('APIG');
    if (isListMetadata(vector)) {
      expect([res.status, JSON.parse(res.text)]).toEqual([200, { metadata: EXAMPLE_METADATA }]);
    }
    // The signature was checked, whatever the route: the same request one second later is refused.
    const shifted = await sendVector(mock, vector, { headers: { 'X-Sdk-Date': '20240102T030406Z' } });
    expectGateway401(shifted, 'verify aksk signature fail');
  });

  it('hashes the raw body bytes of a signed write', async () => {
    const vector = byId('nova-v2.1-update-metadata');
    expect((await sendVector(mock, vector)).status).not.toBe(401);
    expectGateway401(await sendVector(mock, vector, { body: `${vector.request.body as string} ` }), 'verify aksk signature fail');
    expectGateway401(await sendVector(mock, vector, { body: null }), 'verify aksk signature fail');
  });

  describe('refuses a tampered vector with 401 APIG.0301', () => {
    const seed = byId('nova-v2.1-list-metadata');
    const query = byId('nova-v2.1-list-metadata-with-query');

    it.each<[string, AkSkVector, Parameters<typeof sendVector>[2]]>([
      ['another server in the path', seed, { target: seed.request.url_path.replace('998af54b', '998af54c') }],
      ['the v2 prefix instead of v2.1', seed, { target: seed.request.url_path.replace('/v2.1/', '/v2/') }],
      ['a query added', seed, { target: `${seed.request.url_path}?limit=1` }],
      ['a query value changed', query, { target: vectorTarget(query).replace('limit=2', 'limit=20') }],
      ['a signed header changed', seed, { headers: { 'content-type': 'application/json;charset=UTF-8' } }],
      ['the Host changed', seed, { headers: { host: '127.0.0.1' } }],
      ['a signed header removed', query, { headers: { 'content-type': undefined } }],
      ['the date removed', seed, { headers: { 'X-Sdk-Date': undefined } }],
      ['the date in another format', seed, { headers: { 'X-Sdk-Date': '2024-01-02T03:04:05Z' } }],
      ['the signature changed', seed, { headers: { Authorization: seed.authorization.replace(/.$/u, (c) => (c === '0' ? '1' : '0')) } }],
      ['a malformed Authorization', seed, { headers: { Authorization: seed.authorization.replace(', Signature', ',Signature') } }],
      ['another AK of a known project', seed, { headers: { Authorization: seed.authorization.replace(FIXED.ak, OTHER_AK) } }],
    ])('%s → "verify aksk signature fail"', async (_name, vector, change) => {
      expectGateway401(await sendVector(mock, vector, change), 'verify aksk signature fail');
    });

    it('an unknown AK → "Get secretKey failed"', async () => {
      const unknown = seed.authorization.replace(FIXED.ak, 'AKUNKNOWN00000000000');
      expectGateway401(await sendVector(mock, seed, { headers: { Authorization: unknown } }), 'Get secretKey failed');
    });

    it('a wrong SK for the AK → "verify aksk signature fail", without the SK in the answer', async () => {
      mock.admin.addAccessKey(FIXED.ak, 'a-different-secret-key', FIXED.project_id);
      const res = await sendVector(mock, seed);
      expectGateway401(res, 'verify aksk signature fail');
      expect(res.text).not.toContain('a-different-secret-key');
    });
  });

  it('lets a token win over a signature, as Nova reads the token', async () => {
    const res = await rawRequest(mock.url, metadataPath(), { headers: { 'X-Auth-Token': DEMO_TOKEN, Authorization: 'SDK-HMAC-SHA256 garbage' } });
    expect(res.status).toBe(200);
  });

  it('leaves the admin API alone', async () => {
    const res = await rawRequest(mock.url, '/_admin/requests', { headers: { Authorization: 'SDK-HMAC-SHA256 garbage' } });
    expect(res.status).toBe(200);
  });

  it('checks the signature before routing, as the gateway sits in front of ECS (spec §6.3)', async () => {
    const res = await rawRequest(mock.url, `/v2.1/${FIXED.project_id}/nothing`, { headers: { Authorization: 'SDK-HMAC-SHA256 garbage' } });
    expectGateway401(res, 'verify aksk signature fail');
  });
});

describe('AK/SK signatures at the mock with the default 15-minute window', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, fixture: FIXTURE });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  it('accepts a request signed now by core’s signer', async () => {
    const res = await rawRequest(mock.url, metadataPath(), { headers: signedHeaders(mock, metadataPath()) });
    expect([res.status, JSON.parse(res.text)]).toEqual([200, { metadata: EXAMPLE_METADATA }]);
  });

  it.each([
    ['20 minutes old', -20 * 60_000],
    ['20 minutes ahead', 20 * 60_000],
  ])('refuses an X-Sdk-Date %s → "signature expired"', async (_name, offsetMs) => {
    const headers = signedHeaders(mock, metadataPath(), { date: new Date(Date.now() + offsetMs) });
    expectGateway401(await rawRequest(mock.url, metadataPath(), { headers }), 'calc ak sk signature fail:signature expired');
  });

  it('accepts a date 10 minutes away', async () => {
    const headers = signedHeaders(mock, metadataPath(), { date: new Date(Date.now() - 10 * 60_000) });
    expect((await rawRequest(mock.url, metadataPath(), { headers })).status).toBe(200);
  });

  it('refuses the 2024 vectors as expired', async () => {
    expectGateway401(await sendVector(mock, byId('nova-v2.1-list-metadata')), 'calc ak sk signature fail:signature expired');
  });

  it('answers an AK of project A on project B’s URL with the same 400 as a token', async () => {
    const path = metadataPath({ projectId: OTHER_PROJECT_ID });
    const message = `Malformed request URL: URL's project_id '${OTHER_PROJECT_ID}' doesn't match Context's project_id '${FIXED.project_id}'`;
    const expected = [400, { badRequest: { code: 400, message } }];
    // X-Project-Id names the URL's project B, but the AK belongs to A.
    const headers = signedHeaders(mock, path, { projectId: OTHER_PROJECT_ID });
    const res = await rawRequest(mock.url, path, { headers });
    expect([res.status, JSON.parse(res.text)]).toEqual(expected);
    // X-Project-Id names A while the URL names B.
    const mismatched = await rawRequest(mock.url, path, { headers: signedHeaders(mock, path) });
    expect([mismatched.status, JSON.parse(mismatched.text)]).toEqual(expected);
    // The same with a token of project A.
    const token = await rawRequest(mock.url, path, { headers: { 'X-Auth-Token': DEMO_TOKEN } });
    expect([token.status, JSON.parse(token.text)]).toEqual(expected);
    // B's own AK is fine.
    const own = await rawRequest(mock.url, path, {
      headers: signedHeaders(mock, path, { projectId: OTHER_PROJECT_ID, ak: OTHER_AK, sk: OTHER_SK }),
    });
    expect([own.status, JSON.parse(own.text)]).toEqual([200, { metadata: { other: 'yes' } }]);
  });

  it('accepts an AK added at run time until reset', async () => {
    const headers = signedHeaders(mock, metadataPath(), { ak: 'AKADDEDATRUNTIME0001', sk: 'added-secret' });
    expectGateway401(await rawRequest(mock.url, metadataPath(), { headers }), 'Get secretKey failed');
    mock.admin.addAccessKey('AKADDEDATRUNTIME0001', 'added-secret', FIXED.project_id);
    expect((await rawRequest(mock.url, metadataPath(), { headers })).status).toBe(200);
    mock.admin.reset();
    expectGateway401(await rawRequest(mock.url, metadataPath(), { headers }), 'Get secretKey failed');
  });
});

describe('AK/SK configuration of the mock', () => {
  let mock: MockProvider;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('validates access keys given to the admin, naming the field and never the SK', () => {
    const store = (ak: string, sk: string, projectId: string): ValidationError => {
      try {
        mock.admin.addAccessKey(ak, sk, projectId);
      } catch (error) {
        return error as ValidationError;
      }
      throw new Error('expected a ValidationError');
    };
    expect(store('AK,WITH,COMMAS', 'sk', FIXED.project_id)).toEqual(expect.objectContaining({ name: 'ValidationError', parameter: 'accessKey' }));
    expect(store('AK', '', FIXED.project_id)).toEqual(expect.objectContaining({ name: 'ValidationError', parameter: 'secretKey' }));
    expect(store('AK', 'secret-value', 'NOT-HEX')).toEqual(expect.objectContaining({ name: 'ValidationError', parameter: 'projectId' }));
    expect(store('AK', 'secret-value', 'NOT-HEX').message).not.toContain('secret-value');
  });

  it('refuses an invalid fixture entry, naming its JSON path', async () => {
    const fixture = { ...FIXTURE, accessKeys: [{ accessKey: 'AK', secretKey: '', projectId: FIXED.project_id }] };
    await expect(startMockProvider({ fixture })).rejects.toThrow(expect.objectContaining({ name: 'ConfigError', setting: 'fixture' }));
    await expect(startMockProvider({ fixture })).rejects.toThrow('$.accessKeys[0].secretKey');
  });

  it.each([-1, Number.NaN, '15' as unknown as number, true as unknown as false])('refuses signatureMaxSkewMs %p', async (signatureMaxSkewMs) => {
    await expect(startMockProvider({ signatureMaxSkewMs })).rejects.toThrow(ConfigError);
  });
});
