import { readHeader } from '@ecs-metadata/core';
import { z } from 'zod';
import { defaultFaultBody, keystoneChallenge } from './fault-bodies.js';
import type { Reply } from './reply.js';
import { parseInput } from './validate.js';

// RFC 9110 token characters; header values without CR, LF or NUL. Checked when a rule is queued,
// because Node would otherwise throw while the faulty response is being written.
const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u, 'must be an HTTP header name');
const headerValueSchema = z.string().regex(/^[^\r\n\0]*$/u, 'must not contain CR, LF or NUL');

/**
 * A fault injected in front of the API (admin requests are never affected). See {@link FaultRule}.
 */
export const faultRuleSchema = z
  .strictObject({
    match: z
      .strictObject({
        method: z.string().min(1).optional(),
        serverId: z.string().min(1).optional(),
        projectId: z.string().min(1).optional(),
      })
      .optional(),
    times: z.number().int().min(1).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    status: z.number().int().min(200).max(599).optional(),
    headers: z.record(headerNameSchema, headerValueSchema).optional(),
    body: z.string().optional(),
    action: z.literal('reset').optional(),
    afterHandler: z.literal('reset').optional(),
  })
  .refine((rule) => rule.status !== undefined || rule.delayMs !== undefined || rule.action !== undefined || rule.afterHandler !== undefined, {
    message: 'a fault rule needs status, delayMs, action or afterHandler',
  })
  .refine((rule) => rule.status !== undefined || (rule.headers === undefined && rule.body === undefined), {
    message: 'headers and body need a status',
  })
  .refine((rule) => rule.action === undefined || rule.status === undefined, {
    message: 'action "reset" sends no response, so it takes no status',
    path: ['action'],
  })
  .refine((rule) => rule.afterHandler === undefined || (rule.status === undefined && rule.action === undefined), {
    message: 'afterHandler "reset" lets the request be processed, so it takes no status or action',
    path: ['afterHandler'],
  });

/**
 * One fault rule. Rules wait in a FIFO list; each API request takes the first rule whose `match`
 * fits it (every given field equal; none given: every request), which uses up one of its `times`
 * (default 1; the rule is dropped at 0).
 *
 * - `status`: answer that status with `headers` and `body` (sent verbatim). Without a body, an
 *   error status gets the spec's fault for it (429 → Nova `overLimit`, 503 → `serviceUnavailable`,
 *   401 → Keystone's body, with `retryAfter` copied from a `Retry-After` header on 413/429); any
 *   other status an empty body. `Content-Type: application/json` unless `headers` says otherwise.
 * - `delayMs` alone: wait, then answer normally (a slow server; with a client timeout, a timeout).
 * - `action: 'reset'`: destroy the connection without answering (a connection reset), before the
 *   request is processed.
 * - `afterHandler: 'reset'`: process the request as usual (a write is applied), then destroy the
 *   connection instead of answering: a response lost on the way back (spec §8, retried DELETE).
 * - `delayMs` with `status` or `action`: wait first.
 *
 * A wait ends early, without an answer, when the client disconnects or the mock closes.
 *
 * @example Throttled once, then normal: `{ status: 429, headers: { 'Retry-After': '1' } }`
 * @example Unavailable until retries run out: `{ status: 503, times: 10 }`
 * @example A malformed success: `{ status: 200, body: '{"metadata":{"a":1}}' }`
 * @example Only one server is slow: `{ match: { serverId: 'slow-1' }, delayMs: 5000 }`
 * @example A DELETE applied but its answer lost: `{ match: { method: 'DELETE' }, afterHandler: 'reset' }`
 */
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** What a fault rule's `match` is compared with. */
export interface FaultTarget {
  method: string;
  projectId: string | undefined;
  serverId: string | undefined;
}

interface QueuedRule {
  readonly rule: FaultRule;
  remaining: number;
}

/** The FIFO list of fault rules. */
export class FaultQueue {
  readonly #rules: QueuedRule[] = [];

  /** @throws {ValidationError} naming the failing field as `rule.<path>`. */
  add(rule: FaultRule): FaultRule {
    const valid = parseInput(faultRuleSchema, 'rule', rule);
    this.#rules.push({ rule: valid, remaining: valid.times ?? 1 });
    return valid;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** The first rule matching `target`, with one of its uses consumed; `undefined` when none fits. */
  take(target: FaultTarget): FaultRule | undefined {
    const index = this.#rules.findIndex(({ rule }) => matches(rule, target));
    const queued = this.#rules[index];
    if (queued === undefined) {
      return undefined;
    }
    queued.remaining -= 1;
    if (queued.remaining <= 0) {
      this.#rules.splice(index, 1);
    }
    return queued.rule;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  const match = rule.match;
  if (match === undefined) {
    return true;
  }
  return (
    (match.method === undefined || match.method.toUpperCase() === target.method.toUpperCase()) &&
    (match.projectId === undefined || match.projectId === target.projectId) &&
    (match.serverId === undefined || match.serverId === target.serverId)
  );
}

/**
 * The project and server a decoded API path is about, for fault matching: the segment after the
 * version prefix, and the one after `servers` (Nova) or `cloudservers` (ECS native). Works on
 * any path, routable or not, so a rule can also fault requests the router would refuse.
 */
export function faultTargetOf(method: string, segments: readonly string[] | undefined): FaultTarget {
  const projectId = segments !== undefined && segments.length >= 2 ? segments[1] : undefined;
  const collection = segments?.[2];
  const serverId = collection === 'servers' || collection === 'cloudservers' ? segments?.[3] : undefined;
  return { method, projectId, serverId };
}

/**
 * The answer of a rule with a `status`: its body verbatim, or the default fault of
 * {@link defaultFaultBody}; a 401 also gets Keystone's `WWW-Authenticate`, as the mock's own 401.
 */
export function faultReply(rule: FaultRule & { status: number }, providerUrl: string): Reply {
  const headers = { ...(rule.status === 401 ? { 'WWW-Authenticate': keystoneChallenge(providerUrl) } : {}), ...rule.headers };
  return { status: rule.status, headers, text: rule.body ?? defaultFaultBody(rule.status, readHeader(headers, 'Retry-After')) };
}
