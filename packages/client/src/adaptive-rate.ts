import { ValidationError } from '@ecs-metadata/core';

/**
 * The pure part of the client's adaptive rate limiter: a token bucket whose fill rate is learnt
 * from the provider's 429s (additive increase, multiplicative decrease), with the clock passed in
 * on every call so that it can be tested over simulated time. No timers, no I/O: the waiting is
 * done by `AdaptiveRateLimiter` (`rate-limiter.ts`).
 *
 * Modelled on the AWS SDK's `adaptive` retry mode (a token bucket whose rate drops on throttling and
 * grows back), with three changes measured against a throttled provider (docs/decisions.md "Fleet
 * reads"): the decrease reacts once per "epoch" (to the first 429 of requests sent after the previous
 * decrease, so the burst of 429s already in flight does not divide the rate again and again); the
 * first estimate comes from the requests the provider accepted in the last second; and the growth
 * back is exponential, fast (50 %/s) while the rate is only that first guess and slow (10 %/s) once a
 * second throttle has confirmed it, so the rate spends most of its time just under the provider's
 * threshold.
 */

/** Tuning of the adaptive rate; every field has a default. */
export interface AdaptiveRateOptions {
  /**
   * Requests per second before the provider has throttled anything; default `Infinity` (no limit
   * until the first 429, so a client that is never throttled never waits).
   */
  initialRatePerSecond?: number;
  /** Floor of the learnt rate, in requests per second; default 1. */
  minRatePerSecond?: number;
  /** Ceiling of the learnt rate, in requests per second; default `Infinity`. */
  maxRatePerSecond?: number;
  /** Factor applied to the rate at which the provider throttled; default 0.85. */
  decreaseFactor?: number;
  /** Growth after a decrease (and its pause), compounded per second; default 0.1 (10 %/s). */
  increasePerSecond?: number;
  /** Tokens the bucket holds, in seconds of the current rate (at least one token); default 0.05. */
  burstSeconds?: number;
  /** Cap of the pause a `Retry-After` imposes, in ms; default 60000 (the retry policy's cap). */
  maxPauseMs?: number;
}

/** Proof that a request was let through; hand it back with the request's outcome. */
export interface RateTicket {
  /** The decrease count when the token was taken: only 429s of the current epoch lower the rate. */
  readonly epoch: number;
}

/** Counters of one rate control, for benchmarks and `--verbose`. */
export interface RateStats {
  /** The current fill rate in requests per second (`Infinity` before the first throttle). */
  readonly ratePerSecond: number;
  /** Tokens handed out. */
  readonly granted: number;
  /** 429s reported. */
  readonly throttled: number;
  /** Decreases of the rate (at most one per epoch). */
  readonly decreases: number;
}

const DEFAULTS = {
  initialRatePerSecond: Number.POSITIVE_INFINITY,
  minRatePerSecond: 1,
  maxRatePerSecond: Number.POSITIVE_INFINITY,
  decreaseFactor: 0.85,
  increasePerSecond: 0.1,
  burstSeconds: 0.05,
  maxPauseMs: 60_000,
} as const satisfies Required<AdaptiveRateOptions>;

const FIRST_GUESS_GROWTH_PER_SECOND = 0.5;

// Sends and successes are counted in 20 slots of 50 ms: one second of history in bounded memory.
const SLOT_MS = 50;
const SLOTS = 20;
const WINDOW_MS = SLOT_MS * SLOTS;

/** Event counts over the last second, in fixed slots. */
class SlidingCount {
  readonly #counts = new Array<number>(SLOTS).fill(0);
  #slot = -1;

  add(now: number): void {
    this.#advance(now);
    this.#counts[this.#slot % SLOTS] = (this.#counts[this.#slot % SLOTS] ?? 0) + 1;
  }

  /** Events in the last second. */
  total(now: number): number {
    this.#advance(now);
    return this.#counts.reduce((sum, count) => sum + count, 0);
  }

  #advance(now: number): void {
    const slot = Math.floor(now / SLOT_MS);
    if (this.#slot < 0) {
      this.#slot = slot;
      return;
    }
    for (let next = this.#slot + 1; next <= Math.min(slot, this.#slot + SLOTS); next += 1) {
      this.#counts[next % SLOTS] = 0;
    }
    this.#slot = Math.max(this.#slot, slot);
  }
}

/**
 * The learnt rate and its token bucket. Call {@link AdaptiveRate.tryAcquire} before each attempt,
 * then {@link AdaptiveRate.recordSuccess} or {@link AdaptiveRate.recordThrottle} with its answer.
 * Times are milliseconds on any monotonic clock.
 */
export class AdaptiveRate {
  readonly #options: Required<AdaptiveRateOptions>;
  #rate: number;
  #tokens = 1;
  #refilledAt: number | undefined;
  #pausedUntil = 0;
  #epoch = 0;
  #decreasedAt = 0;
  #rateAfterDecrease = 0;
  #startedAt: number | undefined;
  readonly #sent = new SlidingCount();
  readonly #accepted = new SlidingCount();
  #granted = 0;
  #throttled = 0;

  /** @throws {ValidationError} naming the option that is out of range. */
  constructor(options: AdaptiveRateOptions = {}) {
    const resolved = { ...DEFAULTS, ...options };
    positive('minRatePerSecond', resolved.minRatePerSecond);
    positive('initialRatePerSecond', resolved.initialRatePerSecond);
    positive('maxRatePerSecond', resolved.maxRatePerSecond);
    positive('burstSeconds', resolved.burstSeconds);
    if (!(resolved.decreaseFactor > 0 && resolved.decreaseFactor < 1)) {
      throw new ValidationError('decreaseFactor', `must be between 0 and 1 (exclusive), got ${String(resolved.decreaseFactor)}`);
    }
    if (!(resolved.increasePerSecond >= 0 && Number.isFinite(resolved.increasePerSecond))) {
      throw new ValidationError('increasePerSecond', `must be a non-negative number, got ${String(resolved.increasePerSecond)}`);
    }
    if (!(resolved.maxPauseMs >= 0)) {
      throw new ValidationError('maxPauseMs', `must be a non-negative number of ms, got ${String(resolved.maxPauseMs)}`);
    }
    this.#options = resolved;
    this.#rate = this.#clamp(resolved.initialRatePerSecond);
  }

  /**
   * Takes a token if one is available at `now`.
   *
   * @returns the ticket, or the number of ms to wait before asking again (at least 1).
   */
  tryAcquire(now: number): RateTicket | number {
    this.#startedAt ??= now;
    if (now < this.#pausedUntil) {
      return Math.max(1, Math.ceil(this.#pausedUntil - now));
    }
    this.#updateRate(now);
    this.#refill(now);
    if (this.#tokens < 1) {
      return Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.#rate));
    }
    if (Number.isFinite(this.#rate)) {
      this.#tokens -= 1;
    }
    this.#granted += 1;
    this.#sent.add(now);
    return { epoch: this.#epoch };
  }

  /** Reports an answer that was not a 429 (any status: the provider let the request through). */
  recordSuccess(_ticket: RateTicket, now: number): void {
    this.#accepted.add(now);
  }

  /**
   * Reports a 429. The first one of the current epoch lowers the rate to `decreaseFactor` times the
   * rate the client was sending at (before any throttle: the requests the provider accepted in the
   * last second) and pauses the bucket for `retryAfterMs` (capped at `maxPauseMs`); later ones of the
   * same epoch were sent at the old rate and are only counted.
   */
  recordThrottle(ticket: RateTicket, now: number, retryAfterMs?: number): void {
    this.#throttled += 1;
    if (ticket.epoch !== this.#epoch) {
      return;
    }
    this.#updateRate(now);
    const sentPerSecond = this.#sent.total(now) / (Math.min(WINDOW_MS, Math.max(SLOT_MS, now - (this.#startedAt ?? now))) / 1000);
    const throttledAt = Number.isFinite(this.#rate)
      ? Math.min(this.#rate, sentPerSecond > 0 ? sentPerSecond : this.#rate)
      : this.#accepted.total(now);
    this.#epoch += 1;
    this.#rate = this.#clamp(throttledAt * this.#options.decreaseFactor);
    this.#rateAfterDecrease = this.#rate;
    this.#decreasedAt = now;
    this.#tokens = 0;
    this.#refilledAt = now;
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      this.#pausedUntil = Math.max(this.#pausedUntil, now + Math.min(retryAfterMs, this.#options.maxPauseMs));
    }
  }

  /** The current counters. */
  stats(): RateStats {
    return { ratePerSecond: this.#rate, granted: this.#granted, throttled: this.#throttled, decreases: this.#epoch };
  }

  // Compound growth from the decreased rate, counted from the end of the pause; never more than twice what the client really sends, so
  // a client held back by its own concurrency does not build up a rate it has never tried.
  #updateRate(now: number): void {
    if (this.#epoch === 0) {
      return;
    }
    const seconds = Math.max(0, now - Math.max(this.#decreasedAt, this.#pausedUntil)) / 1000;
    // Until the second decrease the rate is only a first guess (it may be far below the provider's),
    // so it grows fast; after, it is known within a few percent and grows slowly.
    const growth = this.#epoch === 1 ? FIRST_GUESS_GROWTH_PER_SECOND : this.#options.increasePerSecond;
    const grown = this.#rateAfterDecrease * (1 + growth) ** seconds;
    const used = (2 * this.#sent.total(now) * 1000) / WINDOW_MS;
    this.#rate = this.#clamp(Math.max(this.#rate, Math.min(grown, Math.max(used, this.#rateAfterDecrease))));
  }

  #refill(now: number): void {
    if (!Number.isFinite(this.#rate)) {
      this.#tokens = 1;
      this.#refilledAt = now;
      return;
    }
    const capacity = Math.max(1, this.#rate * this.#options.burstSeconds);
    const elapsed = this.#refilledAt === undefined ? 0 : Math.max(0, now - this.#refilledAt);
    this.#tokens = Math.min(capacity, this.#tokens + (elapsed * this.#rate) / 1000);
    this.#refilledAt = now;
  }

  #clamp(rate: number): number {
    return Math.min(this.#options.maxRatePerSecond, Math.max(this.#options.minRatePerSecond, rate));
  }
}

function positive(option: string, value: number): void {
  if (!(value > 0)) {
    throw new ValidationError(option, `must be a positive number of requests per second, got ${String(value)}`);
  }
}
