import { describe, expect, it } from '@jest/globals';
import type { HttpMethod } from './request.js';
import {
  type AttemptOutcome,
  DEFAULT_RETRY_OPTIONS,
  IDEMPOTENT_METHODS,
  isRetryable,
  mayHaveBeenProcessed,
  planRetry,
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

  it.each(
    METHODS.flatMap((method) =>
      Object.entries(OUTCOMES).map(([label, outcome]) => [method, label, outcome, EXPECTED[method][label]] as const),
    ),
  )('%s after %s → %p', (method, _label, outcome, expected) => {
    expect(isRetryable(method, outcome)).toBe(expected);
  });
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

/** The options of the matrix: small numbers, and a fixed "random" so each delay is exact. */
const PLAN_OPTIONS = { limit: 3, baseDelayMs: 100, maxDelayMs: 350, maxRetryAfterMs: 2_000, random: () => 0.5 };

describe('planRetry', () => {
  it('retries exactly what isRetryable allows, for every method and outcome', () => {
    for (const method of METHODS) {
      for (const [label, outcome] of Object.entries(OUTCOMES)) {
        expect([method, label, planRetry(method, outcome, 1, undefined, PLAN_OPTIONS).retry]).toEqual([
          method,
          label,
          EXPECTED[method][label],
        ]);
      }
    }
  });

  it.each([
    // attempt, ceiling (base × 2^(attempt-1)), half of it with random() = 0.5, capped at maxDelayMs
    [1, 50],
    [2, 100],
    [3, 200],
  ])('backs off after attempt %i with full jitter: %i ms', (attempt, delayMs) => {
    expect(planRetry('GET', { kind: 'timeout' }, attempt, undefined, PLAN_OPTIONS)).toEqual({ retry: true, delayMs });
  });

  it('caps the backoff at maxDelayMs', () => {
    expect(planRetry('GET', { kind: 'network' }, 3, undefined, { ...PLAN_OPTIONS, limit: 9, random: () => 0.999 })).toEqual({ retry: true, delayMs: 350 });
    expect(planRetry('GET', { kind: 'network' }, 8, undefined, { ...PLAN_OPTIONS, limit: 9 })).toEqual({ retry: true, delayMs: 350 });
  });

  it('spreads the backoff over [0, ceiling): full jitter', () => {
    expect(planRetry('GET', { kind: 'network' }, 2, undefined, { ...PLAN_OPTIONS, random: () => 0 })).toEqual({ retry: true, delayMs: 0 });
  });

  it('stops after limit retries: attempt limit+1 is the last', () => {
    expect(planRetry('GET', OUTCOMES['503'] as AttemptOutcome, 3, undefined, PLAN_OPTIONS).retry).toBe(true);
    expect(planRetry('GET', OUTCOMES['503'] as AttemptOutcome, 4, undefined, PLAN_OPTIONS)).toEqual({ retry: false });
    expect(planRetry('GET', OUTCOMES['503'] as AttemptOutcome, 1, undefined, { ...PLAN_OPTIONS, limit: 0 })).toEqual({ retry: false });
  });

  it.each([429, 503])('honours Retry-After on %i, without jitter', (status) => {
    expect(planRetry('GET', { kind: 'status', status }, 1, 1_500, PLAN_OPTIONS)).toEqual({ retry: true, delayMs: 1_500 });
  });

  it('honours Retry-After on a POST after 429, the one retry a POST gets', () => {
    expect(planRetry('POST', OUTCOMES['429'] as AttemptOutcome, 1, 700, PLAN_OPTIONS)).toEqual({ retry: true, delayMs: 700 });
    expect(planRetry('POST', OUTCOMES['503'] as AttemptOutcome, 1, 700, PLAN_OPTIONS)).toEqual({ retry: false });
  });

  it('caps Retry-After at maxRetryAfterMs', () => {
    expect(planRetry('PUT', OUTCOMES['429'] as AttemptOutcome, 1, 3_600_000, PLAN_OPTIONS)).toEqual({ retry: true, delayMs: 2_000 });
  });

  it('takes Retry-After 0 as "now"', () => {
    expect(planRetry('GET', OUTCOMES['429'] as AttemptOutcome, 1, 0, PLAN_OPTIONS)).toEqual({ retry: true, delayMs: 0 });
  });

  it('backs off when Retry-After was absent or unreadable (undefined), never waits the cap', () => {
    expect(planRetry('GET', OUTCOMES['429'] as AttemptOutcome, 2, undefined, PLAN_OPTIONS)).toEqual({ retry: true, delayMs: 100 });
  });

  it.each([502, 504, 408])('ignores a Retry-After on %i (spec §8 honours it only where it means "come back later")', (status) => {
    expect(planRetry('GET', { kind: 'status', status }, 1, 1_500, PLAN_OPTIONS)).toEqual({ retry: true, delayMs: 50 });
  });

  it('never retries what is not retryable, whatever Retry-After says', () => {
    expect(planRetry('GET', OUTCOMES['500'] as AttemptOutcome, 1, 10, PLAN_OPTIONS)).toEqual({ retry: false });
    expect(planRetry('DELETE', OUTCOMES['404'] as AttemptOutcome, 1, 10, PLAN_OPTIONS)).toEqual({ retry: false });
  });

  it('uses Math.random by default: the delay stays under the ceiling', () => {
    const options = { limit: 3, baseDelayMs: 100, maxDelayMs: 350, maxRetryAfterMs: 2_000 };
    for (let index = 0; index < 50; index += 1) {
      const plan = planRetry('GET', { kind: 'timeout' }, 2, undefined, options);
      expect(plan.retry && plan.delayMs >= 0 && plan.delayMs < 200).toBe(true);
    }
  });
});

describe('mayHaveBeenProcessed (a lost DELETE answer, spec §8)', () => {
  it.each([
    ['network', true],
    ['timeout', true],
    ['502', true],
    ['504', true],
    ['408', false],
    ['429', false],
    ['503', false],
    ['404', false],
    ['500', false],
    ['other', false],
  ])('after %s → %p', (label, expected) => {
    expect(mayHaveBeenProcessed(OUTCOMES[label] as AttemptOutcome)).toBe(expected);
  });
});
