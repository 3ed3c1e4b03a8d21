import { describe, expect, it } from '@jest/globals';
import { BODY_EXCERPT_LENGTH, decodeErrorResponse, decodeFaultBody, excerpt } from './decode-error.js';
import {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  EcsApiError,
  NotFoundError,
  OverLimitError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
} from '../errors.js';
import { EXAMPLE_SERVER_ID } from '../examples.js';
import { apiError } from '../test-support/thrown.js';

/** An error as a plain object of its class, message and own fields (toEqual ignores them on errors). */
function fieldsOf(error: Error): Record<string, unknown> {
  return { type: error.constructor, ...error, message: error.message };
}

const GATEWAY_ID = '4faba0b7f7cb4e829b18773718289b99';
const NOVA_ID = 'req-0d0c5a5e-8a3b-4f0a-9d3e-6f1b2c3d4e5f';
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const NOT_FOUND_MESSAGE = `Instance ${EXAMPLE_SERVER_ID} could not be found.`;
const NOVA_404 = JSON.stringify({ itemNotFound: { code: 404, message: NOT_FOUND_MESSAGE } });
const HUAWEI_404 = JSON.stringify({ error: { code: 'Ecs.0114', message: 'The ECS does not exist.' } });
const KEYSTONE_401 = JSON.stringify({
  error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' },
});
const SIGNATURE_FAIL = 'Incorrect IAM authentication information: verify aksk signature fail';
const GATEWAY_401 = JSON.stringify({ error_code: 'APIG.0301', error_msg: SIGNATURE_FAIL, request_id: GATEWAY_ID });

describe('excerpt', () => {
  it('keeps 512 characters', () => {
    expect(BODY_EXCERPT_LENGTH).toBe(512);
    const body = 'x'.repeat(512);
    expect(excerpt(body)).toBe(body);
  });

  it('cuts longer bodies at 512 characters and marks the cut', () => {
    expect(excerpt(`${'x'.repeat(512)}yz`)).toBe(`${'x'.repeat(512)}…`);
  });

  it('keeps the empty body', () => {
    expect(excerpt('')).toBe('');
  });
});

describe('decodeFaultBody (spec §6.4)', () => {
  const none = { code: undefined, message: undefined, requestId: undefined, retryAfter: undefined };

  it('reads a gateway error first', () => {
    expect(decodeFaultBody(GATEWAY_401)).toStrictEqual({ ...none, code: 'APIG.0301', message: SIGNATURE_FAIL, requestId: GATEWAY_ID });
  });

  it('reads a gateway error without message or request id', () => {
    expect(decodeFaultBody('{"error_code":"APIGW.0308"}')).toStrictEqual({ ...none, code: 'APIGW.0308' });
  });

  it('reads a Huawei ECS error', () => {
    expect(decodeFaultBody(HUAWEI_404)).toStrictEqual({ ...none, code: 'Ecs.0114', message: 'The ECS does not exist.' });
  });

  it('reads a Keystone error, its numeric code as a string', () => {
    expect(decodeFaultBody(KEYSTONE_401)).toStrictEqual({
      ...none,
      code: '401',
      message: 'The request you have made requires authentication.',
    });
  });

  it('takes the Keystone title when there is no message', () => {
    expect(decodeFaultBody('{"error":{"code":401,"title":"Unauthorized"}}')).toStrictEqual({ ...none, code: '401', message: 'Unauthorized' });
  });

  it('reads a Huawei error with a code only', () => {
    expect(decodeFaultBody('{"error":{"code":"Ecs.0000"}}')).toStrictEqual({ ...none, code: 'Ecs.0000' });
  });

  it('reads a Nova fault, its name as the code', () => {
    expect(decodeFaultBody(NOVA_404)).toStrictEqual({ ...none, code: 'itemNotFound', message: NOT_FOUND_MESSAGE });
  });

  it.each([
    ['a string', '30', '30'],
    ['a number', 30, '30'],
    ['a boolean (ignored)', true, undefined],
  ])('reads a Nova retryAfter given as %s', (_label, retryAfter, expected) => {
    const body = JSON.stringify({ overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter } });
    expect(decodeFaultBody(body)).toStrictEqual({ ...none, code: 'overLimit', message: 'This request was rate-limited.', retryAfter: expected });
  });

  it.each([
    ['an empty body', ''],
    ['HTML', '<html><body><h1>502 Bad Gateway</h1></body></html>'],
    ['plain text', 'Service Unavailable'],
    ['JSON null', 'null'],
    ['a JSON string', '"oops"'],
    ['a JSON list', '[{"code":400,"message":"x"}]'],
    ['an empty object', '{}'],
    ['two Nova-like keys', '{"a":{"code":400,"message":"x"},"b":{"code":400,"message":"y"}}'],
    ['a Nova-like fault with a string code', '{"badRequest":{"code":"400","message":"x"}}'],
  ])('decodes %s to nothing', (_label, body) => {
    expect(decodeFaultBody(body)).toStrictEqual(none);
  });
});

describe('decodeErrorResponse', () => {
  it.each([
    [400, BadRequestError, 'Bad Request'],
    [401, AuthenticationError, 'Unauthorized'],
    [403, PermissionDeniedError, 'Forbidden'],
    [404, NotFoundError, 'Not Found'],
    [409, ConflictError, 'Conflict'],
    [413, OverLimitError, 'Payload Too Large'],
    [500, ServerError, 'Internal Server Error'],
    [501, ServerError, 'Not Implemented'],
    [502, ServerError, 'Bad Gateway'],
    [503, ServerError, 'Service Unavailable'],
    [504, ServerError, 'Gateway Timeout'],
    [599, ServerError, 'HTTP status 599'],
    [405, EcsApiError, 'Method Not Allowed'],
    [406, EcsApiError, 'Not Acceptable'],
    [407, EcsApiError, 'Proxy Authentication Required'],
    [408, EcsApiError, 'Request Timeout'],
    [415, EcsApiError, 'Unsupported Media Type'],
    [418, EcsApiError, 'HTTP status 418'],
    [100, EcsApiError, 'HTTP status 100'],
    [600, EcsApiError, 'HTTP status 600'],
  ])('maps %i with an empty body to %p with the status text', (status, type, text) => {
    expect(fieldsOf(decodeErrorResponse(status, {}, ''))).toStrictEqual(
      apiError(type, { message: `HTTP ${status}: ${text}`, status, code: undefined, serverMessage: text, requestId: undefined, bodyExcerpt: '' }),
    );
  });

  it('maps 429 to RateLimitError', () => {
    expect(fieldsOf(decodeErrorResponse(429, {}, ''))).toStrictEqual(
      apiError(
        RateLimitError,
        { message: 'HTTP 429: Too Many Requests', status: 429, code: undefined, serverMessage: 'Too Many Requests', requestId: undefined, bodyExcerpt: '' },
        { retryAfterMs: undefined },
      ),
    );
  });

  it('prefers a request id header to the body request_id', () => {
    expect(fieldsOf(decodeErrorResponse(401, { 'x-openstack-request-id': NOVA_ID }, GATEWAY_401))).toStrictEqual(
      apiError(AuthenticationError, {
        message: `HTTP 401 APIG.0301: ${SIGNATURE_FAIL} (request id ${NOVA_ID})`,
        status: 401,
        code: 'APIG.0301',
        serverMessage: SIGNATURE_FAIL,
        requestId: NOVA_ID,
        bodyExcerpt: GATEWAY_401,
      }),
    );
  });

  it('falls back to the body request_id', () => {
    expect(decodeErrorResponse(401, JSON_HEADERS, GATEWAY_401).requestId).toBe(GATEWAY_ID);
  });

  describe('429 retryAfterMs', () => {
    const NOW = Date.UTC(2024, 0, 2, 3, 4, 5);
    const NOVA_429 = (retryAfter: string): string =>
      JSON.stringify({ overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter } });

    const retryAfterOf = (headers: Record<string, string>, body: string): number | undefined => {
      const error = decodeErrorResponse(429, headers, body, { now: NOW });
      if (!(error instanceof RateLimitError)) {
        throw new Error(`expected a RateLimitError, got ${error.name}`);
      }
      return error.retryAfterMs;
    };

    it.each([
      ['Retry-After seconds', { 'Retry-After': '2' }, '', 2_000],
      ['a Retry-After HTTP-date, from the given now', { 'retry-after': 'Tue, 02 Jan 2024 03:04:15 GMT' }, '', 10_000],
      ['a Retry-After HTTP-date in the past', { 'Retry-After': 'Tue, 02 Jan 2024 03:00:00 GMT' }, '', 0],
      ['a Nova body retryAfter', {}, NOVA_429('30'), 30_000],
      ['the header over the Nova body', { 'Retry-After': '1' }, NOVA_429('30'), 1_000],
      ['an unparseable Retry-After', { 'Retry-After': 'later' }, '', undefined],
      ['nothing', {}, '{"error_code":"APIG.0308","error_msg":"throttled"}', undefined],
    ])('from %s', (_label, headers, body, expected) => {
      expect(retryAfterOf(headers, body)).toBe(expected);
    });

    it('uses the current clock by default', () => {
      const error = decodeErrorResponse(429, { 'Retry-After': new Date(Date.now() + 60_000).toUTCString() }, '') as RateLimitError;
      expect(error.retryAfterMs).toBeGreaterThan(55_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
    });
  });

  it('keeps an excerpt of a long body', () => {
    const body = `<html>${'x'.repeat(600)}</html>`;
    expect(decodeErrorResponse(502, {}, body).bodyExcerpt).toBe(`${body.slice(0, 512)}…`);
  });
});
