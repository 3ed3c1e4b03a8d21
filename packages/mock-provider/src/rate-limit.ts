import { randomBytes } from 'node:crypto';
import { ValidationError } from '@ecs-metadata/core';
import * as z from 'zod';
import type { Reply } from './reply.js';
import { parseInput } from './validate.js';

/**
 * The API gateway's flow control (spec §6.3 `APIG.0308`, §8), for testing and benchmarking clients
 * against a throttled provider: one token bucket per project, `ratePerSecond` tokens a second and
 * at most `burst` in the bucket (default: one second's worth, as gateways commonly allow).
 */
export const rateLimitSchema = z.strictObject({
  ratePerSecond: z.number().positive().max(1_000_000),
  burst: z.number().int().positive().max(10_000_000).optional(),
});

/** See {@link rateLimitSchema}. */
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** `error_msg` of the gateway's 429, worded as Huawei's API gateway words it. */
export function throttledMessage(limit: RateLimit): string {
  return `The throttling threshold has been reached: policy user over ratelimit,limit:${limit.ratePerSecond},time:1 second`;
}

/**
 * Parses `200/s`, `200` (per second) or `12000/min` into requests per second.
 *
 * @throws {ValidationError} naming `setting` for anything else.
 */
export function parseRate(setting: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/(s|sec|second|m|min|minute))?$/u.exec(value.trim());
  const amount = Number(match?.[1]);
  if (match === null || !(amount > 0)) {
    throw new ValidationError(setting, `must be a positive rate such as 200/s or 6000/min, got "${value}"`);
  }
  const perSecond = match[2] === undefined || match[2].startsWith('s') ? amount : amount / 60;
  return parseInput(rateLimitSchema.shape.ratePerSecond, setting, perSecond);
}

interface Bucket {
  tokens: number;
  refilledAt: number;
}

/** Past this many buckets, those that have refilled completely are dropped (they hold no state). */
const MAX_BUCKETS = 1_000;

/**
 * Per-project token buckets. The project id comes from the request path, so any client can name
 * new ones: a bucket that is full again is forgotten once there are more than {@link MAX_BUCKETS}
 * (a full bucket is what a new one starts as, so nothing changes for its project).
 */
export class ProjectRateLimiter {
  #limit: RateLimit | undefined;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  constructor(limit: RateLimit | undefined, now: () => number = () => performance.now()) {
    this.#now = now;
    this.set(limit);
  }

  /** The limit in force, if any. */
  get limit(): RateLimit | undefined {
    return this.#limit;
  }

  /**
   * Replaces the limit (`undefined`: none); every bucket starts full again.
   *
   * @throws {ValidationError} naming `rateLimit.ratePerSecond` or `rateLimit.burst`.
   */
  set(limit: RateLimit | undefined): void {
    this.#limit = limit === undefined ? undefined : parseInput(rateLimitSchema, 'rateLimit', limit);
    this.#buckets.clear();
  }

  /**
   * Takes a token of `projectId`'s bucket.
   *
   * @returns `undefined` when the request may go on, else the gateway's 429 (`APIG.0308`) with a
   *   `Retry-After` in whole seconds (at least 1) until a token is back.
   */
  take(projectId: string): Reply | undefined {
    const limit = this.#limit;
    if (limit === undefined) {
      return undefined;
    }
    const burst = limit.burst ?? Math.max(1, Math.ceil(limit.ratePerSecond));
    const now = this.#now();
    const bucket = this.#buckets.get(projectId) ?? { tokens: burst, refilledAt: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.refilledAt) * limit.ratePerSecond) / 1000);
    bucket.refilledAt = now;
    if (!this.#buckets.has(projectId)) {
      if (this.#buckets.size >= MAX_BUCKETS) {
        this.#forgetFullBuckets(limit, burst, now);
      }
      this.#buckets.set(projectId, bucket);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return undefined;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.ratePerSecond));
    const requestId = randomBytes(16).toString('hex');
    return {
      status: 429,
      json: { error_code: 'APIG.0308', error_msg: throttledMessage(limit), request_id: requestId },
      headers: { 'Retry-After': String(retryAfterSeconds), 'X-Request-Id': requestId },
    };
  }

  /** Buckets count tokens from when they were last used; one whose wait has refilled it is gone. */
  #forgetFullBuckets(limit: RateLimit, burst: number, now: number): void {
    for (const [projectId, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.refilledAt) * limit.ratePerSecond) / 1000 >= burst) {
        this.#buckets.delete(projectId);
      }
    }
  }

  /** How many projects' buckets are held (bounded; see {@link MAX_BUCKETS}). */
  get trackedProjects(): number {
    return this.#buckets.size;
  }
}

/**
 * The id of the `index`-th generated server (`generatedServers` of `startMockProvider`,
 * `mock serve --servers N`): a UUID-shaped id that is the same in every run, e.g.
 * `f1ee7000-0000-4000-8000-00000000002a` for 42.
 */
export function fleetServerId(index: number): string {
  return `f1ee7000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}
