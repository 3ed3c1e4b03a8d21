import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  EcsApiError,
  MetadataLimitExceededError,
  NotFoundError,
  OverLimitError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  ServerError,
} from './errors.js';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
import type { HeaderSource } from './headers.js';
import { formatJsonPath, getServerMetadataExpectation, interpretResponse, type ResponseExpectation } from './interpret-response.js';
import { metadataResponseSchema } from './schemas.js';
import { apiError, thrownBy } from './test-support/thrown.js';

/** The error `fn` threw, for checks of `cause`. */
function errorFrom(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

function responseValidationError(fields: {
  message: string;
  path: string;
  status: number;
  requestId: string | undefined;
  bodyExcerpt: string;
}): Record<string, unknown> {
  return { type: ResponseValidationError, name: 'ResponseValidationError', ...fields };
}

/** The same headers as a plain record whose names are cased oddly, as some HTTP layers hand them over. */
function oddlyCased(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record).map(([name, value]) => [[...name].map((c, i) => (i % 2 === 0 ? c.toLowerCase() : c.toUpperCase())).join(''), value]),
  );
}

const HEADER_FORMS: [string, (record: Record<string, string>) => HeaderSource][] = [
  ['a fetch Headers', (record) => new Headers(record)],
  ['a plain record with odd casing', oddlyCased],
];

const GATEWAY_ID = '4faba0b7f7cb4e829b18773718289b99';
const NOVA_ID = 'req-0d0c5a5e-8a3b-4f0a-9d3e-6f1b2c3d4e5f';
const COMPUTE_ID = 'req-11111111-2222-4333-8444-555555555555';
const BODY_ID = 'ffffffffffffffffffffffffffffffff';
const JSON_TYPE = { 'Content-Type': 'application/json' };
const NOVA_HEADERS = { ...JSON_TYPE, 'X-Openstack-Request-Id': NOVA_ID, 'X-Compute-Request-Id': NOVA_ID };
const SEED_BODY = '{"metadata":{"wj":"True"}}';

const nova = (name: string, code: number, message: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ [name]: { code, message, ...extra } });
const gateway = (code: string, message: string, requestId: string): string =>
  JSON.stringify({ error_code: code, error_msg: message, request_id: requestId });

describe('interpretResponse: success', () => {
  it.each(HEADER_FORMS)('gives the map of a 200 with headers as %s', (_label, form) => {
    expect(interpretResponse(200, form(NOVA_HEADERS), SEED_BODY)).toStrictEqual({ wj: 'True' });
  });

  it('gives an empty map', () => {
    expect(interpretResponse(200, JSON_TYPE, '{"metadata":{}}')).toStrictEqual({});
  });

  it('gives platform keys and keys that are not identifiers', () => {
    const metadata = { charging_mode: '0', 'metering.image_id': 'x', 'a b': 'y', 'os:type': 'Linux' };
    expect(interpretResponse(200, JSON_TYPE, JSON.stringify({ metadata }))).toStrictEqual(metadata);
  });

  it.each([
    'application/json; charset=utf-8',
    'application/json;charset=UTF-8',
    'Application/JSON',
    'application/json ; charset=utf-8',
    'application/vnd.openstack.compute+json',
  ])('accepts the content type %s', (contentType) => {
    expect(interpretResponse(200, { 'content-type': contentType }, SEED_BODY)).toStrictEqual({ wj: 'True' });
  });

  it('uses the "list all metadata" expectation by default', () => {
    expect(getServerMetadataExpectation.successStatuses).toEqual([200]);
    expect(getServerMetadataExpectation.schema).toBe(metadataResponseSchema);
    expect(getServerMetadataExpectation.parse?.({ metadata: { wj: 'True' } }, 200)).toEqual({ wj: 'True' });
  });

  it('gives undefined for an expected success without a body (e.g. 204 of delete)', () => {
    const noContent: ResponseExpectation<undefined> = { successStatuses: [200, 204], schema: undefined, parse: undefined };
    expect(interpretResponse(204, {}, '', noContent)).toBeUndefined();
    expect(interpretResponse(200, {}, '', noContent)).toBeUndefined();
  });

  it('hands the parsed body and the status to a custom expectation', () => {
    const item: ResponseExpectation<{ status: number; meta: Record<string, string> }> = {
      successStatuses: [200],
      schema: z.object({ meta: z.record(z.string(), z.string()) }),
      parse: (body, status) => ({ status, meta: (body as { meta: Record<string, string> }).meta }),
    };
    expect(interpretResponse(200, JSON_TYPE, '{"meta":{"wj":"True"},"extra":1}', item)).toStrictEqual({ status: 200, meta: { wj: 'True' } });
  });
});

describe('interpretResponse: a success breaking the schema', () => {
  it('refuses invalid JSON at $, keeping the parse error as cause', () => {
    const call = (): unknown => interpretResponse(200, NOVA_HEADERS, '{"metadata":');
    expect(thrownBy(call)).toStrictEqual(
      responseValidationError({
        message: `Invalid response body at $: body is not valid JSON (request id ${NOVA_ID})`,
        path: '$',
        status: 200,
        requestId: NOVA_ID,
        bodyExcerpt: '{"metadata":',
      }),
    );
    expect(errorFrom(call).cause).toBeInstanceOf(SyntaxError);
  });

  it('refuses an empty body', () => {
    expect(thrownBy(() => interpretResponse(200, JSON_TYPE, ''))).toStrictEqual(
      responseValidationError({ message: 'Invalid response body at $: body is not valid JSON', path: '$', status: 200, requestId: undefined, bodyExcerpt: '' }),
    );
  });

  it('refuses a non-JSON content type', () => {
    const body = '<html><body>Login</body></html>';
    expect(thrownBy(() => interpretResponse(200, { 'Content-Type': 'text/html; charset=utf-8' }, body))).toStrictEqual(
      responseValidationError({
        message: 'Invalid response body at $: expected a JSON content type, got "text/html; charset=utf-8"',
        path: '$',
        status: 200,
        requestId: undefined,
        bodyExcerpt: body,
      }),
    );
  });

  it.each(['application/jsonp', 'text/json', 'application/x-json-stream'])('refuses the look-alike content type %s', (contentType) => {
    expect(thrownBy(() => interpretResponse(200, { 'Content-Type': contentType }, SEED_BODY))).toStrictEqual(
      responseValidationError({
        message: `Invalid response body at $: expected a JSON content type, got "${contentType}"`,
        path: '$',
        status: 200,
        requestId: undefined,
        bodyExcerpt: SEED_BODY,
      }),
    );
  });

  it('refuses a missing content type', () => {
    expect(thrownBy(() => interpretResponse(200, { 'X-Request-Id': GATEWAY_ID }, SEED_BODY))).toStrictEqual(
      responseValidationError({
        message: `Invalid response body at $: expected a JSON content type, got none (request id ${GATEWAY_ID})`,
        path: '$',
        status: 200,
        requestId: GATEWAY_ID,
        bodyExcerpt: SEED_BODY,
      }),
    );
  });

  it.each([
    ['a numeric value', '{"metadata":{"wj":1}}', '$.metadata.wj', 'Invalid input: expected string, received number'],
    ['a null value', '{"metadata":{"wj":null}}', '$.metadata.wj', 'Invalid input: expected string, received null'],
    ['a bad value under a non-identifier key', '{"metadata":{"os:type":true}}', '$.metadata["os:type"]', 'Invalid input: expected string, received boolean'],
    ['a list', '{"metadata":["wj"]}', '$.metadata', 'Invalid input: expected record, received array'],
    ['{} without metadata', '{}', '$.metadata', 'Invalid input: expected record, received undefined'],
    ['a body that is a list', '[]', '$', 'Invalid input: expected object, received array'],
  ])('refuses %s with its JSON path, keeping the ZodError as cause', (_label, body, path, reason) => {
    const call = (): unknown => interpretResponse(200, JSON_TYPE, body);
    expect(thrownBy(call)).toStrictEqual(
      responseValidationError({ message: `Invalid response body at ${path}: ${reason}`, path, status: 200, requestId: undefined, bodyExcerpt: body }),
    );
    expect(errorFrom(call).cause).toBeInstanceOf(z.ZodError);
  });

  it('refuses an unexpected 204', () => {
    expect(thrownBy(() => interpretResponse(204, { 'X-Request-Id': GATEWAY_ID }, ''))).toStrictEqual(
      responseValidationError({
        message: `Invalid response body at $: unexpected status 204 (expected 200) (request id ${GATEWAY_ID})`,
        path: '$',
        status: 204,
        requestId: GATEWAY_ID,
        bodyExcerpt: '',
      }),
    );
  });

  it('lists every expected status of a custom expectation', () => {
    const expectation: ResponseExpectation<undefined> = { successStatuses: [200, 204], schema: undefined, parse: undefined };
    expect(thrownBy(() => interpretResponse(202, {}, '', expectation))).toStrictEqual(
      responseValidationError({
        message: 'Invalid response body at $: unexpected status 202 (expected 200 or 204)',
        path: '$',
        status: 202,
        requestId: undefined,
        bodyExcerpt: '',
      }),
    );
  });

  it('truncates the body excerpt at 512 characters', () => {
    const body = JSON.stringify({ metadata: { wj: 'x'.repeat(600), n: 1 } });
    expect(thrownBy(() => interpretResponse(200, JSON_TYPE, body))).toStrictEqual(
      responseValidationError({
        message: 'Invalid response body at $.metadata.n: Invalid input: expected string, received number',
        path: '$.metadata.n',
        status: 200,
        requestId: undefined,
        bodyExcerpt: `${body.slice(0, 512)}…`,
      }),
    );
  });

  it('reports $ with a generic reason when a schema fails without an issue', () => {
    const silent = { safeParse: () => ({ success: false, error: { issues: [] } }) } as unknown as z.ZodType;
    const expectation: ResponseExpectation<unknown> = { successStatuses: [200], schema: silent, parse: (body) => body };
    expect(thrownBy(() => interpretResponse(200, JSON_TYPE, '{}', expectation))).toStrictEqual(
      responseValidationError({ message: 'Invalid response body at $: does not match the schema', path: '$', status: 200, requestId: undefined, bodyExcerpt: '{}' }),
    );
  });
});

describe('interpretResponse: error statuses (one case per status class and fault shape)', () => {
  const FORBIDDEN = 'Maximum number of metadata items exceeds 128';
  const POLICY = 'Policy doesn\'t allow os_compute_api:server-metadata:create to be performed.';
  const LOCKED = `Instance ${EXAMPLE_SERVER_ID} is locked`;
  const NOT_FOUND = `Instance ${EXAMPLE_SERVER_ID} could not be found.`;
  const MISMATCH = `Malformed request URL: URL's project_id '${EXAMPLE_PROJECT_ID}' doesn't match Context's project_id 'x'`;
  const SIGNATURE_FAIL = 'Incorrect IAM authentication information: verify aksk signature fail';
  const KEYSTONE_MESSAGE = 'The request you have made requires authentication.';
  const THROTTLED = 'The throttling threshold has been reached: policy user over ratelimit';
  const HTML_502 = '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>';
  const COMPUTE_FAULT = 'Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.';

  const rows: {
    label: string;
    status: number;
    headers: Record<string, string>;
    body: string;
    expected: Record<string, unknown>;
  }[] = [
    {
      label: '400 Nova badRequest',
      status: 400,
      headers: NOVA_HEADERS,
      body: nova('badRequest', 400, MISMATCH),
      expected: apiError(BadRequestError, {
        message: `HTTP 400 badRequest: ${MISMATCH} (request id ${NOVA_ID})`,
        status: 400,
        code: 'badRequest',
        serverMessage: MISMATCH,
        requestId: NOVA_ID,
        bodyExcerpt: nova('badRequest', 400, MISMATCH),
      }),
    },
    {
      label: '400 Huawei Ecs.0023',
      status: 400,
      headers: { ...JSON_TYPE, 'X-Request-Id': GATEWAY_ID },
      body: JSON.stringify({ error: { code: 'Ecs.0023', message: 'project_id in token mismatch.' } }),
      expected: apiError(BadRequestError, {
        message: `HTTP 400 Ecs.0023: project_id in token mismatch. (request id ${GATEWAY_ID})`,
        status: 400,
        code: 'Ecs.0023',
        serverMessage: 'project_id in token mismatch.',
        requestId: GATEWAY_ID,
        bodyExcerpt: JSON.stringify({ error: { code: 'Ecs.0023', message: 'project_id in token mismatch.' } }),
      }),
    },
    {
      label: '401 Keystone {error:{code:401,title,message}}',
      status: 401,
      headers: { ...JSON_TYPE, 'WWW-Authenticate': 'Keystone uri="https://iam.example/v3"' },
      body: JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: KEYSTONE_MESSAGE } }),
      expected: apiError(AuthenticationError, {
        message: `HTTP 401: ${KEYSTONE_MESSAGE}`,
        status: 401,
        code: '401',
        serverMessage: KEYSTONE_MESSAGE,
        requestId: undefined,
        bodyExcerpt: JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: KEYSTONE_MESSAGE } }),
      }),
    },
    {
      label: '401 gateway {error_code, error_msg, request_id}',
      status: 401,
      headers: JSON_TYPE,
      body: gateway('APIG.0301', SIGNATURE_FAIL, BODY_ID),
      expected: apiError(AuthenticationError, {
        message: `HTTP 401 APIG.0301: ${SIGNATURE_FAIL} (request id ${BODY_ID})`,
        status: 401,
        code: 'APIG.0301',
        serverMessage: SIGNATURE_FAIL,
        requestId: BODY_ID,
        bodyExcerpt: gateway('APIG.0301', SIGNATURE_FAIL, BODY_ID),
      }),
    },
    {
      label: '403 Nova forbidden for a missing permission',
      status: 403,
      headers: NOVA_HEADERS,
      body: nova('forbidden', 403, POLICY),
      expected: apiError(PermissionDeniedError, {
        message: `HTTP 403 forbidden: ${POLICY} (request id ${NOVA_ID})`,
        status: 403,
        code: 'forbidden',
        serverMessage: POLICY,
        requestId: NOVA_ID,
        bodyExcerpt: nova('forbidden', 403, POLICY),
      }),
    },
    {
      label: '403 Nova forbidden over the item limit',
      status: 403,
      headers: NOVA_HEADERS,
      body: nova('forbidden', 403, FORBIDDEN),
      expected: apiError(MetadataLimitExceededError, {
        message: `HTTP 403 forbidden: ${FORBIDDEN} (request id ${NOVA_ID})`,
        status: 403,
        code: 'forbidden',
        serverMessage: FORBIDDEN,
        requestId: NOVA_ID,
        bodyExcerpt: nova('forbidden', 403, FORBIDDEN),
      }),
    },
    {
      label: '404 Nova itemNotFound',
      status: 404,
      headers: NOVA_HEADERS,
      body: nova('itemNotFound', 404, NOT_FOUND),
      expected: apiError(NotFoundError, {
        message: `HTTP 404 itemNotFound: ${NOT_FOUND} (request id ${NOVA_ID})`,
        status: 404,
        code: 'itemNotFound',
        serverMessage: NOT_FOUND,
        requestId: NOVA_ID,
        bodyExcerpt: nova('itemNotFound', 404, NOT_FOUND),
      }),
    },
    {
      label: '404 Huawei {error:{code:"Ecs.0114",message}}',
      status: 404,
      headers: { ...JSON_TYPE, 'X-Request-Id': GATEWAY_ID },
      body: JSON.stringify({ error: { code: 'Ecs.0114', message: 'The ECS does not exist.' } }),
      expected: apiError(NotFoundError, {
        message: `HTTP 404 Ecs.0114: The ECS does not exist. (request id ${GATEWAY_ID})`,
        status: 404,
        code: 'Ecs.0114',
        serverMessage: 'The ECS does not exist.',
        requestId: GATEWAY_ID,
        bodyExcerpt: JSON.stringify({ error: { code: 'Ecs.0114', message: 'The ECS does not exist.' } }),
      }),
    },
    {
      label: '409 Nova conflictingRequest',
      status: 409,
      headers: NOVA_HEADERS,
      body: nova('conflictingRequest', 409, LOCKED),
      expected: apiError(ConflictError, {
        message: `HTTP 409 conflictingRequest: ${LOCKED} (request id ${NOVA_ID})`,
        status: 409,
        code: 'conflictingRequest',
        serverMessage: LOCKED,
        requestId: NOVA_ID,
        bodyExcerpt: nova('conflictingRequest', 409, LOCKED),
      }),
    },
    {
      label: '413 Nova overLimit',
      status: 413,
      headers: NOVA_HEADERS,
      body: nova('overLimit', 413, 'Request is too large.'),
      expected: apiError(OverLimitError, {
        message: `HTTP 413 overLimit: Request is too large. (request id ${NOVA_ID})`,
        status: 413,
        code: 'overLimit',
        serverMessage: 'Request is too large.',
        requestId: NOVA_ID,
        bodyExcerpt: nova('overLimit', 413, 'Request is too large.'),
      }),
    },
    {
      label: '429 gateway APIG.0308 without Retry-After',
      status: 429,
      headers: { ...JSON_TYPE, 'X-Request-Id': GATEWAY_ID },
      body: gateway('APIG.0308', THROTTLED, GATEWAY_ID),
      expected: apiError(
        RateLimitError,
        {
          message: `HTTP 429 APIG.0308: ${THROTTLED} (request id ${GATEWAY_ID})`,
          status: 429,
          code: 'APIG.0308',
          serverMessage: THROTTLED,
          requestId: GATEWAY_ID,
          bodyExcerpt: gateway('APIG.0308', THROTTLED, GATEWAY_ID),
        },
        { retryAfterMs: undefined },
      ),
    },
    {
      label: '429 Nova overLimit with Retry-After seconds',
      status: 429,
      headers: { ...NOVA_HEADERS, 'Retry-After': '30' },
      body: nova('overLimit', 429, 'This request was rate-limited.', { retryAfter: '30' }),
      expected: apiError(
        RateLimitError,
        {
          message: `HTTP 429 overLimit: This request was rate-limited. (request id ${NOVA_ID})`,
          status: 429,
          code: 'overLimit',
          serverMessage: 'This request was rate-limited.',
          requestId: NOVA_ID,
          bodyExcerpt: nova('overLimit', 429, 'This request was rate-limited.', { retryAfter: '30' }),
        },
        { retryAfterMs: 30_000 },
      ),
    },
    {
      label: '429 Nova overLimit with retryAfter in the body only',
      status: 429,
      headers: NOVA_HEADERS,
      body: nova('overLimit', 429, 'This request was rate-limited.', { retryAfter: '5' }),
      expected: apiError(
        RateLimitError,
        {
          message: `HTTP 429 overLimit: This request was rate-limited. (request id ${NOVA_ID})`,
          status: 429,
          code: 'overLimit',
          serverMessage: 'This request was rate-limited.',
          requestId: NOVA_ID,
          bodyExcerpt: nova('overLimit', 429, 'This request was rate-limited.', { retryAfter: '5' }),
        },
        { retryAfterMs: 5_000 },
      ),
    },
    {
      label: '500 Nova computeFault',
      status: 500,
      headers: NOVA_HEADERS,
      body: nova('computeFault', 500, COMPUTE_FAULT),
      expected: apiError(ServerError, {
        message: `HTTP 500 computeFault: ${COMPUTE_FAULT} (request id ${NOVA_ID})`,
        status: 500,
        code: 'computeFault',
        serverMessage: COMPUTE_FAULT,
        requestId: NOVA_ID,
        bodyExcerpt: nova('computeFault', 500, COMPUTE_FAULT),
      }),
    },
    {
      label: '502 HTML page, falling back to the status text',
      status: 502,
      headers: { 'Content-Type': 'text/html' },
      body: HTML_502,
      expected: apiError(ServerError, {
        message: 'HTTP 502: Bad Gateway',
        status: 502,
        code: undefined,
        serverMessage: 'Bad Gateway',
        requestId: undefined,
        bodyExcerpt: HTML_502,
      }),
    },
    {
      label: '503 empty body, falling back to the status text',
      status: 503,
      headers: { 'X-Request-Id': GATEWAY_ID },
      body: '',
      expected: apiError(ServerError, {
        message: `HTTP 503: Service Unavailable (request id ${GATEWAY_ID})`,
        status: 503,
        code: undefined,
        serverMessage: 'Service Unavailable',
        requestId: GATEWAY_ID,
        bodyExcerpt: '',
      }),
    },
    {
      label: '504 gateway APIG.0203',
      status: 504,
      headers: JSON_TYPE,
      body: gateway('APIG.0203', 'Backend timeout', BODY_ID),
      expected: apiError(ServerError, {
        message: `HTTP 504 APIG.0203: Backend timeout (request id ${BODY_ID})`,
        status: 504,
        code: 'APIG.0203',
        serverMessage: 'Backend timeout',
        requestId: BODY_ID,
        bodyExcerpt: gateway('APIG.0203', 'Backend timeout', BODY_ID),
      }),
    },
    {
      label: '405 (other 4xx) Nova badMethod',
      status: 405,
      headers: NOVA_HEADERS,
      body: nova('badMethod', 405, 'The method specified is not allowed for this resource.'),
      expected: apiError(EcsApiError, {
        message: `HTTP 405 badMethod: The method specified is not allowed for this resource. (request id ${NOVA_ID})`,
        status: 405,
        code: 'badMethod',
        serverMessage: 'The method specified is not allowed for this resource.',
        requestId: NOVA_ID,
        bodyExcerpt: nova('badMethod', 405, 'The method specified is not allowed for this resource.'),
      }),
    },
    {
      label: '405 (other 4xx) with an empty body',
      status: 405,
      headers: {},
      body: '',
      expected: apiError(EcsApiError, {
        message: 'HTTP 405: Method Not Allowed',
        status: 405,
        code: undefined,
        serverMessage: 'Method Not Allowed',
        requestId: undefined,
        bodyExcerpt: '',
      }),
    },
  ];

  describe.each(HEADER_FORMS)('with headers as %s', (_form, form) => {
    it.each(rows.map((row) => [row.label, row] as const))('%s', (_label, row) => {
      expect(thrownBy(() => interpretResponse(row.status, form(row.headers), row.body))).toStrictEqual(row.expected);
    });
  });

  it.each([
    [500, 'Internal Server Error'],
    [502, 'Bad Gateway'],
    [503, 'Service Unavailable'],
    [504, 'Gateway Timeout'],
  ])('maps %i to ServerError', (status, text) => {
    expect(thrownBy(() => interpretResponse(status, {}, ''))).toStrictEqual(
      apiError(ServerError, { message: `HTTP ${status}: ${text}`, status, code: undefined, serverMessage: text, requestId: undefined, bodyExcerpt: '' }),
    );
  });

  it('truncates the body excerpt at 512 characters', () => {
    const body = `<html>${'x'.repeat(1000)}</html>`;
    expect(thrownBy(() => interpretResponse(500, { 'Content-Type': 'text/html' }, body))).toStrictEqual(
      apiError(ServerError, {
        message: 'HTTP 500: Internal Server Error',
        status: 500,
        code: undefined,
        serverMessage: 'Internal Server Error',
        requestId: undefined,
        bodyExcerpt: `${body.slice(0, 512)}…`,
      }),
    );
  });

  it('treats a 1xx reaching it as an error', () => {
    expect(thrownBy(() => interpretResponse(101, {}, ''))).toStrictEqual(
      apiError(EcsApiError, { message: 'HTTP 101: HTTP status 101', status: 101, code: undefined, serverMessage: 'HTTP status 101', requestId: undefined, bodyExcerpt: '' }),
    );
  });
});

describe('interpretResponse: request id precedence (spec §7)', () => {
  const body = gateway('APIG.0301', 'Incorrect IAM authentication information: x-auth-token not found', BODY_ID);
  const all = { 'X-Request-Id': GATEWAY_ID, 'X-Openstack-Request-Id': NOVA_ID, 'X-Compute-Request-Id': COMPUTE_ID };

  it.each(HEADER_FORMS)('takes X-Request-Id > X-Openstack-Request-Id > X-Compute-Request-Id > body request_id, with %s', (_label, form) => {
    const requestIdOf = (headers: Record<string, string>): string | undefined =>
      (errorFrom(() => interpretResponse(401, form(headers), body)) as AuthenticationError).requestId;
    expect(requestIdOf(all)).toBe(GATEWAY_ID);
    expect(requestIdOf({ 'X-Openstack-Request-Id': NOVA_ID, 'X-Compute-Request-Id': COMPUTE_ID })).toBe(NOVA_ID);
    expect(requestIdOf({ 'X-Compute-Request-Id': COMPUTE_ID })).toBe(COMPUTE_ID);
    expect(requestIdOf({})).toBe(BODY_ID);
  });
});

describe('interpretResponse: redirects are refused', () => {
  const REFUSAL = 'refused: the client never follows redirects, which would forward credentials to another origin';

  it.each(HEADER_FORMS)('names the Location of a 302, with headers as %s', (_label, form) => {
    const location = 'https://elsewhere.example/v2.1/x/servers/y/metadata';
    expect(thrownBy(() => interpretResponse(302, form({ Location: location, 'X-Request-Id': GATEWAY_ID }), 'Found'))).toStrictEqual(
      apiError(EcsApiError, {
        message: `HTTP 302 redirect: redirect to ${location} ${REFUSAL} (request id ${GATEWAY_ID})`,
        status: 302,
        code: 'redirect',
        serverMessage: `redirect to ${location} ${REFUSAL}`,
        requestId: GATEWAY_ID,
        bodyExcerpt: 'Found',
      }),
    );
  });

  it.each([300, 301, 303, 307, 308, 399])('refuses %i without a Location', (status) => {
    expect(thrownBy(() => interpretResponse(status, {}, ''))).toStrictEqual(
      apiError(EcsApiError, {
        message: `HTTP ${status} redirect: redirect ${REFUSAL}`,
        status,
        code: 'redirect',
        serverMessage: `redirect ${REFUSAL}`,
        requestId: undefined,
        bodyExcerpt: '',
      }),
    );
  });

  it('truncates the body excerpt of a redirect', () => {
    const body = 'r'.repeat(513);
    expect((errorFrom(() => interpretResponse(301, {}, body)) as EcsApiError).bodyExcerpt).toBe(`${'r'.repeat(512)}…`);
  });
});

describe('formatJsonPath', () => {
  it.each([
    [[], '$'],
    [['metadata'], '$.metadata'],
    [['metadata', 'wj'], '$.metadata.wj'],
    [['metadata', 0], '$.metadata[0]'],
    [['servers', 2, 'metadata'], '$.servers[2].metadata'],
    [['metadata', 'os:type'], '$.metadata["os:type"]'],
    [['metadata', 'a b'], '$.metadata["a b"]'],
    [['metadata', 'metering.image_id'], '$.metadata["metering.image_id"]'],
    [['metadata', '1st'], '$.metadata["1st"]'],
    [['metadata', ''], '$.metadata[""]'],
    [['metadata', 'say "hi"'], '$.metadata["say \\"hi\\""]'],
    [['_private', '$ref', 'camelCase9'], '$._private.$ref.camelCase9'],
    [[Symbol('s')], '$["Symbol(s)"]'],
  ] as [PropertyKey[], string][])('formats %p as %s', (path, expected) => {
    expect(formatJsonPath(path)).toBe(expected);
  });
});
