import { describe, expect, it } from '@jest/globals';
import type { HttpMethod } from './request.js';
import {
  type AttemptOutcome,
  backoffCeiling,
  DEFAULT_RETRY_OPTIONS,
  IDEMPOTENT_METHODS,
  isRetryable,
  RETRY_AFTER_STATUSES,
  RETRYABLE_STATUSES,
} from './retry-policy.js';

const OUTCOMES: Record<string, AttemptOutcome> = {
  '408': { kind: 'status', status: 408 },
  '429': { kind: 'status', status: 429 },
  '502': { kind: 'status', status: 502 },
  '503': { kind: 'status', status: 503 },
  '504': { kind: 'status', status: 504 },
  '400': { kind: 'status', status: 400 },
  '401': { kind: 'status', status: 401 },
  '403': { kind: 'status', status: 403 },
  '404': { kind: 'status', status: 404 },
  '409': { kind: 'status', status: 409 },
  '413': { kind: 'status', status: 413 },
  '500': { kind: 'status', status: 500 },
  '501': { kind: 'status', status: 501 },
  network: { kind: 'network' },
  timeout: { kind: 'timeout' },
  other: { kind: 'other' },
};

const METHODS: HttpMethod[] = ['GET', 'PUT', 'DELETE', 'POST'];

/** Spec §8 and DECISIONS "Requests and retries", written out. */
const IDEMPOTENT_ROW = {
  '408': true,
  '429': true,
  '502': true,
  '503': true,
  '504': true,
  '400': false,
  '401': false,
  '403': false,
  '404': false,
  '409': false,
  '413': false,
  '500': false,
  '501': false,
  network: true,
  timeout: true,
  other: false,
};
const EXPECTED: Record<HttpMethod, Record<string, boolean>> = {
  GET: IDEMPOTENT_ROW,
  PUT: IDEMPOTENT_ROW,
  DELETE: IDEMPOTENT_ROW,
  POST: {
    '408': false,
    '429': true,
    '502': false,
    '503': false,
    '504': false,
    '400': false,
    '401': false,
    '403': false,
    '404': false,
    '409': false,
    '413': false,
    '500': false,
    '501': false,
    network: false,
    timeout: false,
    other: false,
  },
};

describe('isRetryable', () => {
  it('follows the whole table of methods × outcomes', () => {
    const actual = Object.fromEntries(
      METHODS.map((method) => [
        method,
        Object.fromEntries(Object.entries(OUTCOMES).map(([label, outcome]) => [label, isRetryable(method, outcome)])),
      ]),
    );
    expect(actual).toEqual(EXPECTED);
  });

  it.each(METHODS.flatMap((method) => Object.entries(OUTCOMES).map(([label, outcome]) => [method, label, outcome, EXPECTED[method][label]] as const)))(
    '%s after %s → %p',
    (method, _label, outcome, expected) => {
      expect(isRetryable(method, outcome)).toBe(expected);
    },
  );
});

describe('retry constants', () => {
  it('lists the retryable statuses of spec §8', () => {
    expect(RETRYABLE_STATUSES).toEqual([408, 429, 502, 503, 504]);
  });

  it('lists the statuses whose Retry-After is honoured', () => {
    expect(RETRY_AFTER_STATUSES).toEqual([413, 429, 503]);
  });

  it('lists the idempotent methods', () => {
    expect(IDEMPOTENT_METHODS).toEqual(['GET', 'PUT', 'DELETE']);
  });

  it('has the defaults of spec §8, frozen', () => {
    expect(DEFAULT_RETRY_OPTIONS).toEqual({ limit: 3, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 });
    expect(Object.isFrozen(DEFAULT_RETRY_OPTIONS)).toBe(true);
  });
});

describe('backoffCeiling', () => {
  it.each([
    [1, 500],
    [2, 1_000],
    [3, 2_000],
    [4, 4_000],
    [5, 8_000],
  ])('doubles from the base: retry %i → %i ms', (retryCount, expected) => {
    expect(backoffCeiling(retryCount, DEFAULT_RETRY_OPTIONS)).toBe(expected);
  });

  it('takes a custom base', () => {
    expect(backoffCeiling(3, { baseDelayMs: 100 })).toBe(400);
  });
});
