import { describe, expect, it } from '@jest/globals';
import { AdaptiveRate, type AdaptiveRateOptions, type RateTicket } from './adaptive-rate.js';
import { ValidationError } from '@ecs-metadata/core';

const isTicket = (value: RateTicket | number): value is RateTicket => typeof value !== 'number';

describe('AdaptiveRate: the token bucket', () => {
  it('lets everything through before the first throttle', () => {
    const rate = new AdaptiveRate();
    for (let i = 0; i < 1000; i += 1) {
      expect(isTicket(rate.tryAcquire(0))).toBe(true);
    }
    expect(rate.stats()).toEqual({ ratePerSecond: Number.POSITIVE_INFINITY, granted: 1000, throttled: 0, decreases: 0 });
  });

  it('spaces requests at a finite initial rate and says how long to wait', () => {
    const rate = new AdaptiveRate({ initialRatePerSecond: 10 });
    expect(isTicket(rate.tryAcquire(0))).toBe(true);
    expect(rate.tryAcquire(0)).toBe(100);
    expect(rate.tryAcquire(60)).toBe(40);
    expect(isTicket(rate.tryAcquire(100))).toBe(true);
  });

  it.each([
    // [name, sends per ms before the 429, accepted in the last second, expected rate after]
    ['first throttle: from what the provider accepted in the last second', 200, 0.85 * 200],
    ['first throttle, little accepted: the floor', 0, 1],
  ])('%s', (_name, accepted, expected) => {
    const rate = new AdaptiveRate();
    const tickets: RateTicket[] = [];
    for (let ms = 0; ms < 1000; ms += 1) {
      const ticket = rate.tryAcquire(ms);
      if (isTicket(ticket)) {
        tickets.push(ticket);
        if (tickets.length <= accepted) {
          rate.recordSuccess(ticket, ms);
        }
      }
    }
    rate.recordThrottle(tickets.at(-1) as RateTicket, 999);
    expect(rate.stats().ratePerSecond).toBeCloseTo(expected, 6);
  });

  it('lowers the rate once per epoch: 429s of requests sent before the decrease are only counted', () => {
    const rate = new AdaptiveRate({ initialRatePerSecond: 100 });
    const first = rate.tryAcquire(0) as RateTicket;
    const second = rate.tryAcquire(10) as RateTicket;
    rate.recordThrottle(first, 20);
    const afterOne = rate.stats().ratePerSecond;
    rate.recordThrottle(second, 21);
    expect(rate.stats()).toMatchObject({ ratePerSecond: afterOne, throttled: 2, decreases: 1 });
    expect(afterOne).toBeLessThan(100);
  });

  it('pauses the bucket for Retry-After (capped), then grows back linearly', () => {
    const rate = new AdaptiveRate({ initialRatePerSecond: 100, maxPauseMs: 2000 });
    const ticket = rate.tryAcquire(0) as RateTicket;
    rate.recordThrottle(ticket, 0, 60_000);
    expect(rate.tryAcquire(500)).toBe(1500);
    expect(rate.tryAcquire(1999)).toBe(1);
    expect(isTicket(rate.tryAcquire(2000))).toBe(true);
  });

  it.each([
    ['minRatePerSecond', { minRatePerSecond: 0 }],
    ['initialRatePerSecond', { initialRatePerSecond: -1 }],
    ['decreaseFactor', { decreaseFactor: 1 }],
    ['increasePerSecond', { increasePerSecond: Number.NaN }],
    ['burstSeconds', { burstSeconds: 0 }],
    ['maxPauseMs', { maxPauseMs: -1 }],
  ] as [string, AdaptiveRateOptions][])('refuses a bad %s, naming it', (name, options) => {
    expect(() => new AdaptiveRate(options)).toThrow(ValidationError);
    expect(() => new AdaptiveRate(options)).toThrow(name);
  });
});

/**
 * A provider with a token bucket (`ratePerSecond`, `burst`) answering 429 + `Retry-After` when empty,
 * and a client with `concurrency` request slots that retries a 429 after the Retry-After, simulated
 * millisecond by millisecond (no real time).
 */
function simulate(options: {
  ratePerSecond: number;
  burst: number;
  concurrency: number;
  rttMs: number;
  servers: number;
  retryAfterMs: number;
}) {
  const control = new AdaptiveRate();
  let providerTokens = options.burst;
  let done = 0;
  let throttled = 0;
  let started = 0;
  const busyUntil = new Array<number>(options.concurrency).fill(0);
  const retrying = new Array<boolean>(options.concurrency).fill(false);
  // Answers due, by the ms they arrive at.
  const answers = new Map<number, { ticket: RateTicket; throttled: boolean }[]>();
  let now = 0;
  for (; done < options.servers && now < 600_000; now += 1) {
    providerTokens = Math.min(options.burst, providerTokens + options.ratePerSecond / 1000);
    for (const answer of answers.get(now) ?? []) {
      if (answer.throttled) {
        control.recordThrottle(answer.ticket, now, options.retryAfterMs);
      } else {
        control.recordSuccess(answer.ticket, now);
      }
    }
    answers.delete(now);
    for (let slot = 0; slot < options.concurrency; slot += 1) {
      if ((busyUntil[slot] as number) > now || (!retrying[slot] && started >= options.servers)) {
        continue;
      }
      const ticket = control.tryAcquire(now);
      if (!isTicket(ticket)) {
        continue;
      }
      if (!retrying[slot]) {
        started += 1;
      }
      const accepted = providerTokens >= 1;
      if (accepted) {
        providerTokens -= 1;
        done += 1;
        retrying[slot] = false;
        busyUntil[slot] = now + options.rttMs;
      } else {
        throttled += 1;
        retrying[slot] = true;
        busyUntil[slot] = now + options.rttMs + options.retryAfterMs;
      }
      const at = now + options.rttMs;
      answers.set(at, [...(answers.get(at) ?? []), { ticket, throttled: !accepted }]);
    }
  }
  return { wallRatio: now / ((options.servers / options.ratePerSecond) * 1000), throttledShare: throttled / (done + throttled) };
}

describe('AdaptiveRate against a simulated throttled provider (loose bounds, no real time)', () => {
  it.each([
    ['200/s, burst 1 s, loopback', { ratePerSecond: 200, burst: 200, concurrency: 16, rttMs: 2, servers: 10_000, retryAfterMs: 1000 }],
    ['200/s, burst 1 s, 50 ms round trips', { ratePerSecond: 200, burst: 200, concurrency: 32, rttMs: 50, servers: 10_000, retryAfterMs: 1000 }],
    ['50/s, burst 1 s', { ratePerSecond: 50, burst: 50, concurrency: 16, rttMs: 2, servers: 3000, retryAfterMs: 1000 }],
    ['1000/s, burst 1 s', { ratePerSecond: 1000, burst: 1000, concurrency: 64, rttMs: 2, servers: 30_000, retryAfterMs: 1000 }],
  ])('settles just under the threshold: %s', (_name, options) => {
    const result = simulate(options);
    expect(result.wallRatio).toBeLessThanOrEqual(1.1);
    expect(result.throttledShare).toBeLessThanOrEqual(0.05);
  });

  it('still finishes, more slowly, when the burst is far below one second of rate (each Retry-After pause costs most of a second)', () => {
    const result = simulate({ ratePerSecond: 200, burst: 20, concurrency: 16, rttMs: 2, servers: 10_000, retryAfterMs: 1000 });
    expect(result.wallRatio).toBeLessThanOrEqual(1.8);
    expect(result.throttledShare).toBeLessThanOrEqual(0.05);
  });

});
