import type { HttpMethod } from './request.js';

/**
 * The retry policy of spec §8 and DECISIONS "Requests and retries", as pure data and functions:
 * idempotent methods (GET, PUT, DELETE) are retried on 408, 429, 502, 503, 504, connection resets
 * and timeouts; POST only on 429, the one answer that proves the request was not processed.
 */
export const RETRYABLE_STATUSES: readonly number[] = [408, 429, 502, 503, 504];

/** Statuses whose `Retry-After` is honoured. */
export const RETRY_AFTER_STATUSES: readonly number[] = [413, 429, 503];

/** Methods that may be resent after any retryable failure. */
export const IDEMPOTENT_METHODS: readonly HttpMethod[] = ['GET', 'PUT', 'DELETE'];

/** What one attempt ended with. */
export type AttemptOutcome =
  | { kind: 'status'; status: number }
  | { kind: 'network' }
  | { kind: 'timeout' }
  | { kind: 'other' };

/** Whether an attempt that ended with `outcome` may be sent again. */
export function isRetryable(method: HttpMethod, outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'status':
      return IDEMPOTENT_METHODS.includes(method) ? RETRYABLE_STATUSES.includes(outcome.status) : outcome.status === 429;
    case 'network':
    case 'timeout':
      return IDEMPOTENT_METHODS.includes(method);
    case 'other':
      return false;
  }
}

/** Retry tuning. */
export interface RetryOptions {
  /** Retries after the first attempt; default 3 (4 attempts in all). 0 disables retries. */
  limit: number;
  /** First backoff step in ms; default 500. Doubles each retry, with full jitter. */
  baseDelayMs: number;
  /** Cap of one backoff in ms; default 8000. */
  maxDelayMs: number;
  /** Cap of a server's `Retry-After` in ms; default 60000. */
  maxRetryAfterMs: number;
}

/** The defaults of spec §8: base 0.5 s, factor 2, full jitter, 4 attempts, cap 8 s, Retry-After ≤ 60 s. */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  limit: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
});

/**
 * Whether an attempt that ended with `outcome` may have been carried out by the server although
 * its answer never reached the client: no answer at all (a reset, a timeout) or a gateway's 502 or
 * 504 (the upstream may have acted). A 408, 429 or 503 proves the request was not processed.
 * A DELETE whose retry finds the key gone counts as done only after such an attempt (spec §8).
 */
export function mayHaveBeenProcessed(outcome: AttemptOutcome): boolean {
  switch (outcome.kind) {
    case 'status':
      return outcome.status === 502 || outcome.status === 504;
    case 'network':
    case 'timeout':
      return true;
    case 'other':
      return false;
  }
}

/** What {@link planRetry} decided: stop, or send again after `delayMs`. */
export type RetryPlan = { readonly retry: false } | { readonly retry: true; readonly delayMs: number };

/** {@link RetryOptions} plus the randomness of the jitter, injectable so that tests are exact. */
export interface RetryPlanOptions extends RetryOptions {
  /** A number in [0, 1); default `Math.random`. */
  readonly random?: () => number;
}

/**
 * Decides, after attempt number `attempt` (1 for the first) of a `method` call ended with
 * `outcome`, whether to send it again and after how long (spec §8, DECISIONS "Requests and
 * retries"): only a retryable outcome (a retryable status or network code for the method, see
 * `isRetryable`), at most `limit` retries; the server's
 * `Retry-After` (`retryAfterMs`, already parsed; `undefined` when absent or unreadable) is honoured
 * on 429 and 503, capped at `maxRetryAfterMs`, without jitter; otherwise exponential backoff with
 * full jitter, `random() × baseDelayMs × 2^(attempt-1)`, capped at `maxDelayMs`.
 */
export function planRetry(
  method: HttpMethod,
  outcome: AttemptOutcome,
  attempt: number,
  retryAfterMs: number | undefined,
  options: RetryPlanOptions,
): RetryPlan {
  if (attempt > options.limit || !isRetryable(method, outcome)) {
    return { retry: false };
  }
  if (retryAfterMs !== undefined && outcome.kind === 'status' && RETRY_AFTER_STATUSES.includes(outcome.status)) {
    return { retry: true, delayMs: Math.min(retryAfterMs, options.maxRetryAfterMs) };
  }
  const random = options.random ?? Math.random;
  return { retry: true, delayMs: Math.min(options.maxDelayMs, random() * options.baseDelayMs * 2 ** (attempt - 1)) };
}
