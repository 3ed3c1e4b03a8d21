import { AdaptiveRate, type AdaptiveRateOptions, type RateStats, type RateTicket } from './adaptive-rate.js';

/** Options of {@link AdaptiveRateLimiter}: the tuning of the pure `AdaptiveRate` algorithm and a clock. */
export interface AdaptiveRateLimiterOptions extends AdaptiveRateOptions {
  /** Milliseconds on a monotonic clock; default `performance.now`. */
  now?: () => number;
}

interface Waiter {
  resolve(ticket: RateTicket): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * The client-side rate limiter shared by every request of one `EcsMetadataClient` (retries
 * included): each attempt takes a token first, and reports whether the provider answered 429. The
 * rate is learnt from those 429s and their `Retry-After` (the pure algorithm in `adaptive-rate.ts`); before the
 * first 429 nothing waits. Waiters are served first come, first served, so retries are not starved
 * by new requests.
 */
export class AdaptiveRateLimiter {
  readonly #rate: AdaptiveRate;
  readonly #now: () => number;
  readonly #queue: Waiter[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** @throws {ValidationError} naming an option out of range. */
  constructor(options: AdaptiveRateLimiterOptions = {}) {
    const { now = () => performance.now(), ...tuning } = options;
    this.#rate = new AdaptiveRate(tuning);
    this.#now = now;
  }

  /**
   * Waits for a token.
   *
   * @throws the signal's reason when `signal` aborts while waiting (the token is not taken).
   */
  acquire(signal?: AbortSignal): Promise<RateTicket> {
    signal?.throwIfAborted();
    if (this.#queue.length === 0) {
      const ticket = this.#rate.tryAcquire(this.#now());
      if (typeof ticket !== 'number') {
        return Promise.resolve(ticket);
      }
    }
    return new Promise<RateTicket>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this.#queue.indexOf(waiter);
          if (index >= 0) {
            this.#queue.splice(index, 1);
          }
          reject(signal.reason);
          if (this.#queue.length === 0) {
            this.#cancelTimer();
          }
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.#queue.push(waiter);
      this.#drain();
    });
  }

  /** Reports an answer other than 429 for the attempt that held `ticket`. */
  recordSuccess(ticket: RateTicket): void {
    this.#rate.recordSuccess(ticket, this.#now());
  }

  /** Reports a 429 for the attempt that held `ticket`, with its `Retry-After` in ms when it had one. */
  recordThrottle(ticket: RateTicket, retryAfterMs?: number): void {
    this.#rate.recordThrottle(ticket, this.#now(), retryAfterMs);
  }

  /** The learnt rate and counters. */
  stats(): RateStats {
    return this.#rate.stats();
  }

  #drain(): void {
    this.#cancelTimer();
    for (let waiter = this.#queue[0]; waiter !== undefined; waiter = this.#queue[0]) {
      const ticket = this.#rate.tryAcquire(this.#now());
      if (typeof ticket === 'number') {
        // Waiting requests keep the process alive, as a request in flight would.
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          this.#drain();
        }, ticket);
        return;
      }
      this.#queue.shift();
      if (waiter.onAbort !== undefined) {
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
      }
      waiter.resolve(ticket);
    }
  }

  #cancelTimer(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }
}
