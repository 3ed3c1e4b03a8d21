import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  AKSK_ALGORITHM,
  type AkSkVerification,
  buildCanonicalHeaders,
  buildCanonicalQueryString,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildSignedHeaders,
  buildStringToSign,
  computeAkSkSignature,
  computeSignature,
  DEFAULT_SIGNATURE_MAX_SKEW_MS,
  EMPTY_PAYLOAD_SHA256,
  encodeRfc3986,
  formatAuthorization,
  formatSdkDate,
  hashPayload,
  parseAkSkAuthorization,
  parseSdkDate,
  type ReceivedAkSkRequest,
  type SignAkSkRequestInput,
  signAkSkRequest,
  verifyAkSkSignature,
  type VerifyAkSkOptions,
} from './aksk-signature.js';
import { ValidationError } from './errors.js';

// The fields of spec §9.3 the tests read; the file is the unchanged copy of shared/spec/vectors.
const vectorSchema = z.object({
  id: z.string(),
  description: z.string(),
  input: z.object({
    ak: z.string(),
    sk: z.string(),
    project_id: z.string(),
    security_token: z.string().nullable(),
    endpoint: z.string(),
    method: z.string(),
    path_template: z.string(),
    path_params: z.record(z.string(), z.string()),
    query_params: z.record(z.string(), z.union([z.string(), z.number(), z.array(z.string())])),
    declared_content_type: z.string(),
    caller_headers: z.record(z.string(), z.string()),
    body_object: z.unknown(),
  }),
  request: z.object({
    url_path: z.string(),
    query_string: z.string(),
    body: z.string().nullable(),
    headers_before_send: z.record(z.string(), z.string()),
  }),
  canonical_request: z.string(),
  canonical_request_parts: z.object({
    method: z.string(),
    canonicalUri: z.string(),
    canonicalQueryString: z.string(),
    canonicalHeaders: z.string(),
    signedHeaders: z.string(),
    payloadHash: z.string(),
  }),
  canonical_request_sha256: z.string(),
  string_to_sign: z.string(),
  signature: z.string(),
  signed_headers: z.string(),
  authorization: z.string(),
});

const vectorFileSchema = z.object({
  fixed_inputs: z.object({
    ak: z.string(),
    sk: z.string(),
    project_id: z.string(),
    server_id: z.string(),
    default_endpoint: z.string(),
    timestamp_iso: z.string(),
    x_sdk_date: z.string(),
  }),
  vectors: z.array(vectorSchema).min(1),
});

/** One signing vector (spec §9.3). */
type AkSkVector = z.infer<typeof vectorSchema>;
/** The vector file (spec §9.3). */
type AkSkVectorFile = z.infer<typeof vectorFileSchema>;

/**
 * The signing vectors, from the package's own copy (DECISIONS: never read ../shared at test time;
 * paths from import.meta.url, never __dirname or the current directory).
 */
function loadAkSkVectors(): AkSkVectorFile {
  const text = readFileSync(new URL('../test-vectors/aksk-signing.json', import.meta.url), 'utf8');
  return vectorFileSchema.parse(JSON.parse(text));
}

const FILE = loadAkSkVectors();
const FIXED = FILE.fixed_inputs;
const SIGNING_TIME = new Date(FIXED.timestamp_iso);
const VECTORS = FILE.vectors.map((vector) => [vector.id, vector] as const);
const byId = (id: string): AkSkVector => {
  const vector = FILE.vectors.find((candidate) => candidate.id === id);
  if (vector === undefined) {
    throw new Error(`no vector ${id}`);
  }
  return vector;
};

/** The request the SDK was asked to sign, rebuilt from the vector's `input` as the client builds one. */
function signingInputFromVectorInput(vector: AkSkVector): SignAkSkRequestInput {
  const { input } = vector;
  const path = input.path_template.replace(/\{(\w+)\}/gu, (_match, name: string) =>
    name === 'project_id' ? input.project_id : (input.path_params[name] as string),
  );
  const url = new URL(`${input.endpoint}${path}`);
  for (const [name, value] of Object.entries(input.query_params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      url.searchParams.append(name, String(item));
    }
  }
  // The SDK sends (and signs) `application/json` even where an operation declares, or passes as a
  // header, `application/json;charset=UTF-8` (description of ecs-v1-update-metadata-sdk); so does the client.
  const contentType = input.declared_content_type.replace(/;.*$/u, '');
  const callerHeaders = Object.entries(input.caller_headers).filter(([name]) => name.toLowerCase() !== 'content-type');
  return {
    method: input.method,
    url: url.href,
    headers: { 'Content-Type': contentType, Host: url.host, 'X-Project-Id': input.project_id, ...Object.fromEntries(callerHeaders) },
    body: input.body_object === null ? undefined : JSON.stringify(input.body_object),
    ak: input.ak,
    sk: input.sk,
    securityToken: input.security_token ?? undefined,
    date: SIGNING_TIME,
  };
}

/** The same request taken from the vector's wire form: `url_path`, `query_string`, the signed headers, `body`. */
function signingInputFromWire(vector: AkSkVector): SignAkSkRequestInput {
  const { request, input } = vector;
  const query = request.query_string === '' ? '' : `?${request.query_string}`;
  const headers = Object.fromEntries(
    Object.entries(request.headers_before_send).filter(([name]) => !/^(authorization|x-sdk-date|x-security-token)$/iu.test(name)),
  );
  return {
    method: input.method,
    url: `${input.endpoint}${request.url_path}${query}`,
    headers,
    body: request.body,
    ak: input.ak,
    sk: input.sk,
    securityToken: input.security_token ?? undefined,
    date: SIGNING_TIME,
  };
}

/** The vector's request as a server receives it (spec §9.3, last sentence). */
function receivedFromVector(vector: AkSkVector): ReceivedAkSkRequest {
  return {
    method: vector.input.method,
    path: vector.request.url_path,
    query: vector.request.query_string,
    headers: vector.request.headers_before_send,
    body: vector.request.body,
  };
}

const lowerCaseKeys = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));

const verifyOptions = (overrides: Partial<VerifyAkSkOptions> = {}): VerifyAkSkOptions => ({
  lookupSecretKey: (accessKey) => (accessKey === FIXED.ak ? FIXED.sk : undefined),
  maxSkewMs: false,
  ...overrides,
});

function withHeaders(request: ReceivedAkSkRequest, change: (headers: Record<string, string>) => void): ReceivedAkSkRequest {
  const headers = { ...(request.headers as Record<string, string>) };
  change(headers);
  return { ...request, headers };
}

function thrown(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('the AK/SK vector file (spec §9.3)', () => {
  it('is the unchanged copy: 15 vectors signed at 2024-01-02T03:04:05Z', () => {
    expect(FILE.vectors).toHaveLength(15);
    expect(FIXED.x_sdk_date).toBe('20240102T030405Z');
    expect(new Set(FILE.vectors.map((vector) => vector.id)).size).toBe(15);
  });
});

describe('computeAkSkSignature reproduces every vector byte for byte (spec §9.2, §9.3)', () => {
  it.each(VECTORS)('%s, from the input as the client builds it', (_id, vector) => {
    const input = signingInputFromVectorInput(vector);
    // The rebuilt request is the one the SDK put on the wire.
    const url = new URL(input.url);
    expect(url.pathname).toBe(vector.request.url_path);
    expect([...url.searchParams].sort()).toEqual([...new URLSearchParams(vector.request.query_string)].sort());
    expect(input.body ?? null).toBe(vector.request.body);

    const signed = computeAkSkSignature(input);
    expect(signed.canonicalRequestParts).toEqual(vector.canonical_request_parts);
    expect(signed.canonicalRequest).toBe(vector.canonical_request);
    expect(signed.canonicalRequestSha256).toBe(vector.canonical_request_sha256);
    expect(signed.stringToSign).toBe(vector.string_to_sign);
    expect(signed.signature).toBe(vector.signature);
    expect(signed.signedHeaders).toBe(vector.signed_headers);
    expect(signed.authorization).toBe(vector.authorization);
    // What is sent: the given headers plus the added ones, exactly the SDK's set.
    expect(lowerCaseKeys({ ...input.headers, ...signed.headers })).toEqual(lowerCaseKeys(vector.request.headers_before_send));
    expect(signAkSkRequest(input)).toEqual(signed.headers);
  });

  it.each(VECTORS)('%s, from the wire request', (_id, vector) => {
    const signed = computeAkSkSignature(signingInputFromWire(vector));
    expect(signed.canonicalRequest).toBe(vector.canonical_request);
    expect(signed.stringToSign).toBe(vector.string_to_sign);
    expect(signed.authorization).toBe(vector.authorization);
  });

  it.each(VECTORS)('%s, step by step with the exported building blocks', (_id, vector) => {
    const parts = vector.canonical_request_parts;
    expect(buildCanonicalRequest(parts)).toBe(vector.canonical_request);
    expect(buildStringToSign(FIXED.x_sdk_date, vector.canonical_request)).toBe(vector.string_to_sign);
    expect(computeSignature(vector.input.sk, vector.string_to_sign)).toBe(vector.signature);
    expect(formatAuthorization(vector.input.ak, vector.signed_headers, vector.signature)).toBe(vector.authorization);
    expect(buildCanonicalUri(vector.request.url_path)).toBe(parts.canonicalUri);
    expect(buildCanonicalQueryString(vector.request.query_string)).toBe(parts.canonicalQueryString);
    const signedHeaders = Object.fromEntries(Object.entries(vector.request.headers_before_send).filter(([name]) => name !== 'Authorization'));
    expect(buildCanonicalHeaders(signedHeaders)).toBe(parts.canonicalHeaders);
    expect(buildSignedHeaders(signedHeaders)).toBe(parts.signedHeaders);
    expect(hashPayload(vector.request.body)).toBe(parts.payloadHash);
  });

  it('gives the headers to add in the order X-Sdk-Date, X-Security-Token, Authorization', () => {
    const vector = byId('nova-v2.1-list-metadata-temporary-credentials');
    expect(Object.keys(signAkSkRequest(signingInputFromVectorInput(vector)))).toEqual(['X-Sdk-Date', 'X-Security-Token', 'Authorization']);
    expect(Object.keys(signAkSkRequest(signingInputFromVectorInput(byId('nova-v2.1-list-metadata'))))).toEqual(['X-Sdk-Date', 'Authorization']);
  });

  it('signs a security token given as a header once, and refuses a different one', () => {
    const vector = byId('nova-v2.1-list-metadata-temporary-credentials');
    const input = signingInputFromVectorInput(vector);
    const asHeader = { ...input, headers: { ...input.headers, 'X-Security-Token': 'EXAMPLE-SECURITY-TOKEN' } };
    expect(signAkSkRequest(asHeader)).toEqual({ 'X-Sdk-Date': FIXED.x_sdk_date, Authorization: vector.authorization });
    expect(signAkSkRequest({ ...asHeader, securityToken: undefined })).toEqual({ 'X-Sdk-Date': FIXED.x_sdk_date, Authorization: vector.authorization });
    expect(thrown(() => signAkSkRequest({ ...asHeader, securityToken: 'OTHER' })).message).toBe(
      'Invalid headers: X-Security-Token differs from securityToken; give the token once',
    );
  });

  it('trims the spaces HTTP drops around a header value', () => {
    const vector = byId('nova-v2.1-list-metadata');
    const input = signingInputFromVectorInput(vector);
    expect(signAkSkRequest({ ...input, headers: { ...input.headers, 'X-Project-Id': ` ${FIXED.project_id}\t` } }).Authorization).toBe(
      vector.authorization,
    );
  });

  it('uses X-Sdk-Content-Sha256 instead of the body hash', () => {
    const vector = byId('nova-v2.1-update-metadata');
    const input = signingInputFromVectorInput(vector);
    const headers = { ...input.headers, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' };
    const signed = computeAkSkSignature({ ...input, headers });
    expect(signed.canonicalRequestParts.payloadHash).toBe('UNSIGNED-PAYLOAD');
    expect(signed.signedHeaders).toBe('content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date');
    expect(computeAkSkSignature({ ...input, headers, body: 'anything' }).signature).toBe(signed.signature);
  });

  it('hashes a body given as bytes like the same string', () => {
    const input = signingInputFromVectorInput(byId('nova-v2.1-update-metadata'));
    expect(signAkSkRequest({ ...input, body: new TextEncoder().encode(input.body as string) })).toEqual(signAkSkRequest(input));
  });
});

describe('AK/SK building blocks (spec §9.2)', () => {
  it('keeps only the unreserved set when encoding', () => {
    expect(encodeRfc3986("AZaz09-_.~ %:/*!'()+=&ü")).toBe('AZaz09-_.~%20%25%3A%2F%2A%21%27%28%29%2B%3D%26%C3%BC');
    expect(encodeRfc3986('\uD800')).toBe('%EF%BF%BD');
  });

  it.each([
    ['/v2.1/p/servers/s/metadata', '/v2.1/p/servers/s/metadata/'],
    ['/v2.1/p/servers/s/metadata/', '/v2.1/p/servers/s/metadata/'],
    ['/v2.1/p/servers/s/metadata/os:type.v1', '/v2.1/p/servers/s/metadata/os%3Atype.v1/'],
    ['/v2.1/p/servers/s/metadata/a%20b', '/v2.1/p/servers/s/metadata/a%2520b/'],
    ['/', '/'],
    ['', '/'],
  ])('canonical URI of %j is %j', (path, expected) => {
    expect(buildCanonicalUri(path)).toBe(expected);
  });

  it.each([
    ['', ''],
    ['?', ''],
    ['?b=2&a=1', 'a=1&b=2'],
    ['b=2&B=3&a=1', 'B=3&a=1&b=2'],
    ['t=v2&t=v1&t=v10', 't=v1&t=v10&t=v2'],
    ['flag&empty=', 'empty=&flag='],
    ['q=a+b&r=a%2Bb', 'q=a%20b&r=a%2Bb'],
    ['x=*&y=%2a', 'x=%2A&y=%2A'],
    ['bad=%zz', 'bad=%25zz'],
  ])('canonical query of %j is %j', (query, expected) => {
    expect(buildCanonicalQueryString(query)).toBe(expected);
  });

  it('sorts headers by lower-case name and lists them', () => {
    const headers = { 'X-Project-Id': 'p', host: 'h', 'Content-Type': 'application/json', 'OpenStack-API-Version': 'compute 2.26' };
    expect(buildSignedHeaders(headers)).toBe('content-type;host;openstack-api-version;x-project-id');
    expect(buildCanonicalHeaders(headers)).toBe('content-type:application/json\nhost:h\nopenstack-api-version:compute 2.26\nx-project-id:p\n');
    expect(buildSignedHeaders({})).toBe('');
  });

  it('hashes payloads as the spec shows', () => {
    expect(hashPayload(undefined)).toBe(EMPTY_PAYLOAD_SHA256);
    expect(hashPayload(null)).toBe(EMPTY_PAYLOAD_SHA256);
    expect(hashPayload('')).toBe(EMPTY_PAYLOAD_SHA256);
    expect(hashPayload('{"metadata":{"key1":"value1","wj":"True"}}')).toBe('8491eb7034a5d0eb1b55d1a498183fba25e77d8f15d40e2146e29a8c9590cd82');
  });

  it('formats and parses X-Sdk-Date in the basic format', () => {
    expect(AKSK_ALGORITHM).toBe('SDK-HMAC-SHA256');
    expect(formatSdkDate(SIGNING_TIME)).toBe('20240102T030405Z');
    expect(formatSdkDate(new Date('2024-12-31T23:59:59.999Z'))).toBe('20241231T235959Z');
    expect(parseSdkDate('20240102T030405Z')).toEqual(SIGNING_TIME);
    for (const bad of ['2024-01-02T03:04:05Z', '20240102T030405', '20241302T030405Z', '20240231T000000Z', '20240102T250000Z', '']) {
      expect(parseSdkDate(bad)).toBeUndefined();
    }
    for (const bad of [new Date(Number.NaN), new Date('+010000-01-01T00:00:00Z'), new Date('-000001-01-01T00:00:00Z'), 'x' as unknown as Date]) {
      expect(thrown(() => formatSdkDate(bad)).parameter).toBe('date');
    }
  });

  it('parses Authorization strictly', () => {
    const vector = byId('nova-v2.1-list-metadata');
    expect(parseAkSkAuthorization(vector.authorization)).toEqual({
      accessKey: FIXED.ak,
      signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
      signature: vector.signature,
    });
    for (const bad of [
      undefined,
      '',
      vector.authorization.replace('Access=', 'Credential='),
      vector.authorization.replace(', ', ','),
      vector.authorization.toUpperCase(),
      vector.authorization.replace('SDK-HMAC-SHA256', 'V11-HMAC-SHA256'),
      `${vector.authorization} `,
      vector.authorization.replace('content-type;host', 'content-type;;host'),
      vector.authorization.replace(/Signature=\w+/u, 'Signature=abc'),
    ]) {
      expect(parseAkSkAuthorization(bad)).toBeUndefined();
    }
  });
});

describe('signAkSkRequest input checks', () => {
  const base = signingInputFromVectorInput(byId('nova-v2.1-list-metadata'));

  it.each([
    ['method', { method: 'GE T' }],
    ['method', { method: 1 as unknown as string }],
    ['url', { url: '/relative/path' }],
    ['ak', { ak: '' }],
    ['ak', { ak: 'AK,EVIL' }],
    ['ak', { ak: 'AK EVIL' }],
    ['sk', { sk: '' }],
    ['sk', { sk: undefined as unknown as string }],
    ['securityToken', { securityToken: '' }],
    ['securityToken', { securityToken: 'a\r\nb' }],
    ['date', { date: new Date('invalid') }],
    ['headers', { headers: null as unknown as Record<string, string> }],
    ['headers', { headers: { 'Bad Name': 'x' } }],
    ['headers', { headers: { Host: 'h\r\nX-Injected: 1' } }],
    ['headers', { headers: { Host: 1 as unknown as string } }],
    ['headers', { headers: { Authorization: 'x' } }],
    ['headers', { headers: { 'x-sdk-date': '20240102T030405Z' } }],
    ['headers', { headers: { Host: 'a', host: 'b' } }],
  ])('refuses a bad %s', (parameter, change) => {
    const error = thrown(() => signAkSkRequest({ ...base, ...change }));
    expect(error.parameter).toBe(parameter);
  });

  it('never puts the SK into an error', () => {
    const secret = 'SK-THAT-MUST-NOT-LEAK';
    for (const change of [{ ak: '' }, { date: new Date(Number.NaN) }, { headers: { 'Bad Name': secret } }, { url: 'nope' }]) {
      const error = thrown(() => signAkSkRequest({ ...base, sk: secret, ...change }));
      expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(secret);
    }
  });

  it('signs a URL with neither path nor query as "/"', () => {
    const signed = computeAkSkSignature({ ...base, url: 'https://ecs.cn-north-4.myhuaweicloud.com' });
    expect(signed.canonicalRequestParts.canonicalUri).toBe('/');
    expect(signed.canonicalRequestParts.canonicalQueryString).toBe('');
  });
});

describe('verifyAkSkSignature (spec §9.2, verification recipe)', () => {
  const expectFailure = (result: AkSkVerification, reason: string): void => {
    expect(result.valid ? 'valid' : result.reason).toBe(reason);
  };

  it.each(VECTORS)('accepts %s as received, date check disabled', (_id, vector) => {
    expect(verifyAkSkSignature(receivedFromVector(vector), verifyOptions({ pathProjectId: FIXED.project_id }))).toEqual({
      valid: true,
      accessKey: FIXED.ak,
      signedHeaders: vector.signed_headers.split(';'),
      projectId: FIXED.project_id,
    });
  });

  it.each(VECTORS)('accepts %s with the clock pinned to the signing time and the default window', (_id, vector) => {
    expect(verifyAkSkSignature(receivedFromVector(vector), verifyOptions({ maxSkewMs: undefined, now: SIGNING_TIME })).valid).toBe(true);
  });

  it('accepts a date up to 15 minutes away either way, and no further', () => {
    const request = receivedFromVector(byId('nova-v2.1-list-metadata'));
    const at = (offsetMs: number, maxSkewMs?: number): AkSkVerification =>
      verifyAkSkSignature(request, verifyOptions({ maxSkewMs, now: SIGNING_TIME.getTime() + offsetMs }));
    expect(DEFAULT_SIGNATURE_MAX_SKEW_MS).toBe(900_000);
    expect(at(900_000).valid).toBe(true);
    expect(at(-900_000).valid).toBe(true);
    expect(at(900_001)).toEqual({ valid: false, reason: 'expired', accessKey: FIXED.ak, sdkDate: FIXED.x_sdk_date });
    expect(at(-900_001)).toEqual({ valid: false, reason: 'expired', accessKey: FIXED.ak, sdkDate: FIXED.x_sdk_date });
    expect(at(60_001, 60_000).valid).toBe(false);
    expect(at(60_000, 60_000).valid).toBe(true);
    // The default clock is the real one: a 2024 date is long expired.
    expectFailure(verifyAkSkSignature(request, verifyOptions({ maxSkewMs: undefined })), 'expired');
  });

  it('accepts a request signed just now with the default window', () => {
    const input = { ...signingInputFromVectorInput(byId('nova-v2.1-update-metadata')), date: new Date() };
    const url = new URL(input.url);
    const received: ReceivedAkSkRequest = {
      method: 'POST',
      path: url.pathname,
      query: url.search,
      headers: { ...input.headers, ...signAkSkRequest(input), 'User-Agent': 'unsigned/1.0', Accept: 'application/json' },
      body: input.body,
    };
    expect(verifyAkSkSignature(received, { lookupSecretKey: () => FIXED.sk }).valid).toBe(true);
  });

  it('verifies a path sent with a trailing slash as without: the canonical URI always ends with "/"', () => {
    const request = receivedFromVector(byId('nova-v2.1-list-metadata'));
    expect(verifyAkSkSignature({ ...request, path: `${request.path}/` }, verifyOptions()).valid).toBe(true);
  });

  it('re-canonicalises the query instead of reusing its wire form', () => {
    const vector = byId('nova-v2.1-list-metadata-with-query');
    const reordered = 'empty&%C3%BC=%C3%A9%7E_-.&tag=v2&Zeta=Z&tag=v1&limit=2&marker=a+b%2Fc%2A';
    expect(verifyAkSkSignature({ ...receivedFromVector(vector), query: `?${reordered}` }, verifyOptions()).valid).toBe(true);
  });

  it('reads headers case-insensitively, from a fetch Headers too, and ignores unsigned ones', () => {
    const vector = byId('nova-v2.1-show-server-sdk-microversion');
    const headers = new Headers(vector.request.headers_before_send);
    headers.set('User-Agent', 'anything');
    headers.set('X-Sdk-Content-Sha256', hashPayload('not the body')); // unsigned: ignored
    expect(verifyAkSkSignature({ ...receivedFromVector(vector), headers }, verifyOptions()).valid).toBe(true);
    const padded = Object.fromEntries(Object.entries(vector.request.headers_before_send).map(([name, value]) => [name.toUpperCase(), ` ${value}\t`]));
    expect(verifyAkSkSignature({ ...receivedFromVector(vector), headers: padded }, verifyOptions()).valid).toBe(true);
  });

  it('honours a signed X-Sdk-Content-Sha256', () => {
    const input = { ...signingInputFromVectorInput(byId('nova-v2.1-update-metadata')) };
    const headers = { ...input.headers, 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' };
    const url = new URL(input.url);
    const received: ReceivedAkSkRequest = {
      method: 'POST',
      path: url.pathname,
      query: '',
      headers: { ...headers, ...signAkSkRequest({ ...input, headers }) },
      body: 'a different body',
    };
    expect(verifyAkSkSignature(received, verifyOptions()).valid).toBe(true);
  });

  describe('refuses a tampered request with the right reason', () => {
    const post = receivedFromVector(byId('nova-v2.1-update-metadata'));
    const query = receivedFromVector(byId('nova-v2.1-list-metadata-with-query'));

    it.each<[string, ReceivedAkSkRequest]>([
      ['changed path', { ...post, path: post.path.replace('998af54b', '998af54c') }],
      ['segment appended to the path', { ...post, path: `${post.path}/x` }],
      ['path sent decoded', { ...receivedFromVector(byId('nova-v2.1-show-metadata-item-space-in-key')), path: receivedFromVector(byId('nova-v2.1-show-metadata-item-space-in-key')).path.replace('%20', ' ') }],
      ['changed method', { ...post, method: 'PUT' }],
      ['changed body', { ...post, body: (post.body as string).replace('value1', 'value2') }],
      ['body dropped', { ...post, body: undefined }],
      ['changed query value', { ...query, query: query.query.replace('limit=2', 'limit=3') }],
      ['query parameter added', { ...query, query: `${query.query}&extra=1` }],
      ['query added to a request without one', { ...post, query: 'a=1' }],
      ['changed signed header', withHeaders(post, (h) => (h['content-type'] = 'text/plain'))],
      ['changed host', withHeaders(post, (h) => (h['host'] = 'ecs.cn-north-1.myhuaweicloud.com'))],
      ['changed date', withHeaders(post, (h) => (h['X-Sdk-Date'] = '20240102T030406Z'))],
      ['changed signature', withHeaders(post, (h) => (h['Authorization'] = (h['Authorization'] as string).replace(/.$/u, (c) => (c === '0' ? '1' : '0'))))],
      ['header dropped from SignedHeaders', withHeaders(post, (h) => (h['Authorization'] = (h['Authorization'] as string).replace('content-type;', '')))],
    ])('%s → signature-mismatch', (_name, request) => {
      const result = verifyAkSkSignature(request, verifyOptions());
      expectFailure(result, 'signature-mismatch');
      expect(result).toEqual(expect.objectContaining({ accessKey: FIXED.ak, canonicalRequest: expect.stringMatching(/^[A-Z]+\n\//u) }));
    });

    it('a wrong SK → signature-mismatch', () => {
      expectFailure(verifyAkSkSignature(post, verifyOptions({ lookupSecretKey: () => 'another secret' })), 'signature-mismatch');
    });

    it.each<[string, ReceivedAkSkRequest]>([
      ['no Authorization', withHeaders(post, (h) => delete h['Authorization'])],
      ['another scheme', withHeaders(post, (h) => (h['Authorization'] = 'Bearer abc'))],
      ['the old Credential= form', withHeaders(post, (h) => (h['Authorization'] = (h['Authorization'] as string).replace('Access=', 'Credential=')))],
    ])('%s → malformed-authorization', (_name, request) => {
      expect(verifyAkSkSignature(request, verifyOptions())).toEqual({ valid: false, reason: 'malformed-authorization' });
    });

    it('an unknown AK → unknown-access-key', () => {
      expect(verifyAkSkSignature(post, verifyOptions({ lookupSecretKey: () => undefined }))).toEqual({
        valid: false,
        reason: 'unknown-access-key',
        accessKey: FIXED.ak,
      });
      expectFailure(verifyAkSkSignature(post, verifyOptions({ lookupSecretKey: () => '' })), 'unknown-access-key');
    });

    it.each<[string, ReceivedAkSkRequest]>([
      ['X-Sdk-Date absent', withHeaders(post, (h) => delete h['X-Sdk-Date'])],
      ['X-Sdk-Date not signed', withHeaders(post, (h) => (h['Authorization'] = (h['Authorization'] as string).replace(';x-sdk-date', '')))],
      ['X-Sdk-Date in extended format', withHeaders(post, (h) => (h['X-Sdk-Date'] = '2024-01-02T03:04:05Z'))],
    ])('%s → missing-date', (_name, request) => {
      expect(verifyAkSkSignature(request, verifyOptions())).toEqual({ valid: false, reason: 'missing-date', accessKey: FIXED.ak });
    });

    it('a signed header that is absent → missing-signed-header', () => {
      expect(verifyAkSkSignature(withHeaders(post, (h) => delete h['host']), verifyOptions())).toEqual({
        valid: false,
        reason: 'missing-signed-header',
        accessKey: FIXED.ak,
        header: 'host',
      });
    });

    it('a stale date is refused before the signature is checked', () => {
      const stale = withHeaders(post, (h) => (h['X-Sdk-Date'] = '20230102T030405Z'));
      expectFailure(verifyAkSkSignature(stale, verifyOptions({ maxSkewMs: undefined, now: SIGNING_TIME })), 'expired');
      expectFailure(verifyAkSkSignature(stale, verifyOptions()), 'signature-mismatch');
    });

    it('a signed X-Project-Id that is not the path project → project-mismatch', () => {
      const other = '0123456789abcdef0123456789abcdef';
      expect(verifyAkSkSignature(post, verifyOptions({ pathProjectId: other }))).toEqual({
        valid: false,
        reason: 'project-mismatch',
        accessKey: FIXED.ak,
        headerProjectId: FIXED.project_id,
        pathProjectId: other,
      });
      expect(verifyAkSkSignature(post, verifyOptions()).valid).toBe(true);
    });
  });
});
