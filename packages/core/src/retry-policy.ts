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

/** The backoff ceiling before retry number `retryCount` (1-based), before jitter and cap. */
export function backoffCeiling(retryCount: number, options: Pick<RetryOptions, 'baseDelayMs'>): number {
  return options.baseDelayMs * 2 ** (retryCount - 1);
}
