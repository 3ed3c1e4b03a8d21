import { describe, expect, it } from '@jest/globals';
import type {
  EcsApiError} from './errors.js';
import {
  AbortError,
  BadRequestError,
  ConflictError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  TimeoutError,
  UnconfirmedWriteError,
  ValidationError,
} from './errors.js';
import { answerMayHaveBeenLost, judgeMergeReadBack, unconfirmedMergeError } from './lost-write.js';

const api = (status: number): EcsApiError => new ServerError({ status, message: 'gateway', code: undefined, requestId: undefined, bodyExcerpt: '' });

describe('answerMayHaveBeenLost (spec §8: which failures leave a merge unknown)', () => {
  it.each([
    ['a reset', new NetworkError('socket hang up', { attempts: 1 }), true],
    ['a timeout', new TimeoutError('timed out', { attempts: 1 }), true],
    ['a 502', api(502), true],
    ['a 504', api(504), true],
    ['a 503 (not processed)', api(503), false],
    ['a 500', api(500), false],
    ['a 429', new RateLimitError({ status: 429, message: 'slow down', code: undefined, requestId: undefined, bodyExcerpt: '', retryAfterMs: undefined }), false],
    ['a 400', new BadRequestError({ status: 400, message: 'bad', code: undefined, requestId: undefined, bodyExcerpt: '' }), false],
    ['a 404', new NotFoundError({ status: 404, message: 'no server', code: undefined, requestId: undefined, bodyExcerpt: '' }), false],
    ['a 409', new ConflictError({ status: 409, message: 'locked', code: undefined, requestId: undefined, bodyExcerpt: '' }), false],
    ['the caller\'s abort', new AbortError('aborted'), false],
    ['a refused input', new ValidationError('key', 'bad'), false],
    ['a non-toolkit error', new Error('bug'), false],
  ])('%s → %s', (_label, error, lost) => {
    expect(answerMayHaveBeenLost(error)).toBe(lost);
  });
});

describe('judgeMergeReadBack', () => {
  it('takes every key with its value for applied, whatever else the server holds', () => {
    expect(judgeMergeReadBack({ owner: 'li', env: '' }, { owner: 'li', env: '', wj: 'True' })).toEqual({ applied: true });
    expect(judgeMergeReadBack({}, {})).toEqual({ applied: true });
  });

  it('names the keys missing and those holding another value', () => {
    expect(judgeMergeReadBack({ owner: 'li', env: 'prod', team: 'a' }, { owner: 'ops', team: 'a' })).toEqual({ applied: false, missing: ['env'], differing: ['owner'] });
  });

  it('does not take an inherited property for a key (own keys only)', () => {
    expect(judgeMergeReadBack({ toString: 'x' }, {})).toEqual({ applied: false, missing: ['toString'], differing: [] });
  });
});

describe('unconfirmedMergeError', () => {
  const lost = new NetworkError('socket hang up (ECONNRESET)', { attempts: 1 });

  it('says the merge was read back without its items, and not resent', () => {
    const error = unconfirmedMergeError(lost, { verdict: { applied: false, missing: ['env'], differing: ['owner'] } });
    expect(error).toBeInstanceOf(UnconfirmedWriteError);
    expect(error).toMatchObject({
      name: 'UnconfirmedWriteError',
      readBack: 'not-applied',
      lostAnswer: lost,
      cause: lost,
      message: 'the answer to the merge was lost (socket hang up (ECONNRESET)); read back, not applied (missing env; other value for owner); not resent',
    });
  });

  it('says it is unknown when the read-back failed too, keeping that error as the cause', () => {
    const readBackError = new TimeoutError('timed out after 1000 ms', { attempts: 4 });
    const error = unconfirmedMergeError(lost, { readBackError });
    expect(error).toMatchObject({
      readBack: 'failed',
      lostAnswer: lost,
      cause: readBackError,
      message: 'the answer to the merge was lost (socket hang up (ECONNRESET)); reading the server back failed too (timed out after 1000 ms): unknown whether it was applied; not resent',
    });
  });
});
