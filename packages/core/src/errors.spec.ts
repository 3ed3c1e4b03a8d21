import { describe, expect, it } from '@jest/globals';
import {
  AbortError,
  AuthenticationError,
  BadRequestError,
  ConfigError,
  ConflictError,
  createApiError,
  EcsApiError,
  type EcsApiErrorDetails,
  EcsMetadataError,
  MetadataLimitExceededError,
  NetworkError,
  NotFoundError,
  OverLimitError,
  PermissionDeniedError,
  RateLimitError,
  ResponseTooLargeError,
  ResponseValidationError,
  ServerError,
  TimeoutError,
  ValidationError,
} from './errors.js';

const DETAILS: EcsApiErrorDetails = {
  status: 404,
  code: 'itemNotFound',
  message: 'Metadata item was not found',
  requestId: 'req-0d0c5a5e-8a3b-4f0a-9d3e-6f1b2c3d4e5f',
  bodyExcerpt: '{"itemNotFound":{"code":404,"message":"Metadata item was not found"}}',
};

/** An error as a plain object of its class, message and own fields (toEqual ignores them on errors). */
function fieldsOf(error: Error): Record<string, unknown> {
  return { type: error.constructor, ...error, message: error.message };
}

type AnyErrorClass = abstract new (...args: never[]) => Error;

/** One instance of every class, and the classes it must be an instance of (itself first). */
const INSTANCES: [Error, AnyErrorClass[]][] = [
  [new EcsMetadataError('m'), [EcsMetadataError]],
  [new ValidationError('serverId', 'm'), [ValidationError, EcsMetadataError]],
  [new ConfigError('endpoint', 'm'), [ConfigError, EcsMetadataError]],
  [new NetworkError('m', { attempts: 1 }), [NetworkError, EcsMetadataError]],
  [new TimeoutError('m', { attempts: 1 }), [TimeoutError, NetworkError, EcsMetadataError]],
  [new AbortError('m'), [AbortError, EcsMetadataError]],
  [new ResponseValidationError('$', 'm', DETAILS), [ResponseValidationError, EcsMetadataError]],
  [new ResponseTooLargeError(1), [ResponseTooLargeError, EcsMetadataError]],
  [new EcsApiError(DETAILS), [EcsApiError, EcsMetadataError]],
  [new BadRequestError(DETAILS), [BadRequestError, EcsApiError, EcsMetadataError]],
  [new AuthenticationError(DETAILS), [AuthenticationError, EcsApiError, EcsMetadataError]],
  [new PermissionDeniedError(DETAILS), [PermissionDeniedError, EcsApiError, EcsMetadataError]],
  [new NotFoundError(DETAILS), [NotFoundError, EcsApiError, EcsMetadataError]],
  [new ConflictError(DETAILS), [ConflictError, EcsApiError, EcsMetadataError]],
  [new OverLimitError(DETAILS), [OverLimitError, EcsApiError, EcsMetadataError]],
  [new RateLimitError({ ...DETAILS, retryAfterMs: undefined }), [RateLimitError, EcsApiError, EcsMetadataError]],
  [new ServerError(DETAILS), [ServerError, EcsApiError, EcsMetadataError]],
];

const ALL_CLASSES: AnyErrorClass[] = INSTANCES.map(([, chain]) => chain[0] as AnyErrorClass);

describe('error classes', () => {
  it.each(INSTANCES.map(([error, chain]) => [error.constructor.name, error, chain] as const))(
    '%s sets name to its class name',
    (className, error) => {
      expect(error.name).toBe(className);
      expect(error.constructor.name).toBe(className);
      expect(Object.prototype.toString.call(error)).toBe('[object Error]');
      expect(String(error)).toBe(`${className}: ${error.message}`);
    },
  );

  it.each(INSTANCES.map(([error, chain]) => [error.constructor.name, error, chain] as const))(
    '%s is an instance of exactly its chain',
    (_className, error, chain) => {
      expect(error).toBeInstanceOf(Error);
      for (const type of ALL_CLASSES) {
        expect([type.name, error instanceof type]).toEqual([type.name, chain.includes(type)]);
      }
    },
  );

  it('keeps TimeoutError under NetworkError under EcsMetadataError', () => {
    const timeout = new TimeoutError('attempt timed out after 10000 ms', { attempts: 4 });
    expect(timeout).toBeInstanceOf(NetworkError);
    expect(timeout).toBeInstanceOf(EcsMetadataError);
    expect(new RateLimitError({ ...DETAILS, status: 429, retryAfterMs: 1 })).toBeInstanceOf(EcsApiError);
  });
});

describe('cause', () => {
  const cause = new Error('root cause');

  it.each([
    ['EcsMetadataError', new EcsMetadataError('m', { cause })],
    ['ValidationError', new ValidationError('serverId', 'm', { cause })],
    ['ConfigError', new ConfigError('endpoint', 'm', { cause })],
    ['NetworkError', new NetworkError('m', { cause, attempts: 2 })],
    ['TimeoutError', new TimeoutError('m', { cause, attempts: 2 })],
    ['AbortError', new AbortError('m', { cause })],
    ['ResponseValidationError', new ResponseValidationError('$', 'm', DETAILS, { cause })],
    ['EcsApiError', new EcsApiError(DETAILS, { cause })],
    ['NotFoundError', new NotFoundError(DETAILS, { cause })],
    ['RateLimitError', new RateLimitError({ ...DETAILS, retryAfterMs: 5 }, { cause })],
  ])('%s passes cause through', (_label, error) => {
    expect(error.cause).toBe(cause);
  });

  it('leaves cause unset when none is given', () => {
    expect('cause' in new EcsApiError(DETAILS)).toBe(false);
  });

  it('passes through a non-Error cause', () => {
    expect(new ValidationError('x', 'm', { cause: 'text' }).cause).toBe('text');
  });
});

describe('fields and messages', () => {
  it('ValidationError names the parameter', () => {
    expect(fieldsOf(new ValidationError('serverId', 'must not be empty'))).toStrictEqual({
      type: ValidationError,
      name: 'ValidationError',
      message: 'Invalid serverId: must not be empty',
      parameter: 'serverId',
    });
  });

  it('ConfigError names the setting and keeps the message', () => {
    expect(fieldsOf(new ConfigError('endpoint', 'no endpoint configured'))).toStrictEqual({
      type: ConfigError,
      name: 'ConfigError',
      message: 'no endpoint configured',
      setting: 'endpoint',
    });
  });

  it('NetworkError and TimeoutError count attempts', () => {
    expect(fieldsOf(new NetworkError('connection reset', { attempts: 4 }))).toStrictEqual({
      type: NetworkError,
      name: 'NetworkError',
      message: 'connection reset',
      attempts: 4,
    });
    expect(fieldsOf(new TimeoutError('timed out', { attempts: 1 }))).toStrictEqual({
      type: TimeoutError,
      name: 'TimeoutError',
      message: 'timed out',
      attempts: 1,
    });
  });

  it('AbortError keeps the message', () => {
    expect(fieldsOf(new AbortError('aborted by the caller'))).toStrictEqual({ type: AbortError, name: 'AbortError', message: 'aborted by the caller' });
  });

  it('ResponseValidationError carries path, status, request id and excerpt', () => {
    expect(fieldsOf(new ResponseValidationError('$.metadata.wj', 'expected string', { ...DETAILS, status: 200 }))).toStrictEqual({
      type: ResponseValidationError,
      name: 'ResponseValidationError',
      message: `Invalid response body at $.metadata.wj: expected string (request id ${DETAILS.requestId})`,
      path: '$.metadata.wj',
      status: 200,
      requestId: DETAILS.requestId,
      bodyExcerpt: DETAILS.bodyExcerpt,
    });
    expect(new ResponseValidationError('$', 'not JSON', { status: 200, requestId: undefined, bodyExcerpt: '' }).message).toBe(
      'Invalid response body at $: not JSON',
    );
  });

  it('ResponseTooLargeError names the limit', () => {
    expect(fieldsOf(new ResponseTooLargeError(1_048_576))).toStrictEqual({
      type: ResponseTooLargeError,
      name: 'ResponseTooLargeError',
      message: 'Response body exceeds the limit of 1048576 bytes',
      limitBytes: 1_048_576,
    });
  });

  it('EcsApiError carries every detail, one attempt by default', () => {
    expect(fieldsOf(new NotFoundError(DETAILS))).toStrictEqual({
      type: NotFoundError,
      name: 'NotFoundError',
      message: `HTTP 404 itemNotFound: Metadata item was not found (request id ${DETAILS.requestId})`,
      status: 404,
      code: 'itemNotFound',
      serverMessage: 'Metadata item was not found',
      requestId: DETAILS.requestId,
      bodyExcerpt: DETAILS.bodyExcerpt,
      attempts: 1,
    });
  });

  it('EcsApiError omits an absent code and request id from the message, and takes attempts', () => {
    expect(fieldsOf(new ServerError({ status: 503, code: undefined, message: 'Service Unavailable', requestId: undefined, bodyExcerpt: '', attempts: 4 }))).toStrictEqual({
      type: ServerError,
      name: 'ServerError',
      message: 'HTTP 503: Service Unavailable',
      status: 503,
      code: undefined,
      serverMessage: 'Service Unavailable',
      requestId: undefined,
      bodyExcerpt: '',
      attempts: 4,
    });
  });

  it('EcsApiError is created with its attempts, which never change', () => {
    const error = new BadRequestError({ ...DETAILS, attempts: 3 });
    expect(error.attempts).toBe(3);
    expect(Object.getOwnPropertyDescriptor(error, 'attempts')).toMatchObject({ value: 3 });
  });

  it('RateLimitError carries retryAfterMs', () => {
    expect(fieldsOf(new RateLimitError({ ...DETAILS, status: 429, code: 'overLimit', message: 'slow down', retryAfterMs: 30_000 }))).toStrictEqual({
      type: RateLimitError,
      name: 'RateLimitError',
      message: `HTTP 429 overLimit: slow down (request id ${DETAILS.requestId})`,
      status: 429,
      code: 'overLimit',
      serverMessage: 'slow down',
      requestId: DETAILS.requestId,
      bodyExcerpt: DETAILS.bodyExcerpt,
      attempts: 1,
      retryAfterMs: 30_000,
    });
  });
});

describe('createApiError', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [413, OverLimitError],
    [429, RateLimitError],
    [500, ServerError],
    [503, ServerError],
    [418, EcsApiError],
  ])('gives status %i its class, with the details and the cause', (status, ErrorClass) => {
    const cause = new Error('original');
    const error = createApiError({ ...DETAILS, status }, { cause });
    expect(error.constructor).toBe(ErrorClass);
    expect(error).toMatchObject({ status, code: DETAILS.code, requestId: DETAILS.requestId, serverMessage: DETAILS.message, cause });
  });

  it('keeps a 429\'s retryAfterMs and tells the item limit from another 403', () => {
    expect(createApiError({ ...DETAILS, status: 429, retryAfterMs: 1500 })).toMatchObject({ name: 'RateLimitError', retryAfterMs: 1500 });
    const limit = createApiError({ ...DETAILS, status: 403, message: 'Maximum number of metadata items exceeds 128' });
    expect(limit).toBeInstanceOf(MetadataLimitExceededError);
  });
});
