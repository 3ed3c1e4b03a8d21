import { RE2JS } from 're2js';
import { readHeader } from '@ecs-metadata/core';
import * as z from 'zod';
import { defaultFaultBody, GATEWAY_PAGE_CONTENT_TYPE, gatewayErrorPage, keystoneChallenge, MIN_PADDED_BODY_BYTES, paddedMetadataBody } from './fault-bodies.js';
import type { Reply } from './reply.js';
import { parseInput } from './validate.js';

// RFC 9110 token characters; header values without CR, LF or NUL. Checked when a rule is queued,
// because Node would otherwise throw while the faulty response is being written.
const headerNameSchema = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/u, 'must be an HTTP header name');
const headerValueSchema = z.string().regex(/^[^\r\n\0]*$/u, 'must not contain CR, LF or NUL');

/** The calls a rule's `match.route` can name (the STYLE's operation names; `login` is the identity service). */
export const FAULT_ROUTE_NAMES = ['get', 'getItem', 'update', 'replace', 'setItem', 'deleteItem', 'updateV1', 'deleteItemV1', 'login'] as const;

/** A call a rule's `match.route` names. */
export type FaultRouteName = (typeof FAULT_ROUTE_NAMES)[number];

/** Largest body `bodyBytes` generates: 64 MiB, far past any client's cap, small enough for a test. */
export const MAX_GENERATED_BODY_BYTES = 64 * 1024 * 1024;

// Fault rules come from tests and from the admin API: their path patterns run in RE2 (`re2js`),
// whose matching time is linear in the input, so no pattern (`^/(a+)+b`) can stall the mock.
const isRe2Source = (source: string): boolean => {
  try {
    RE2JS.compile(source);
    return true;
  } catch {
    return false;
  }
};

const matchSchema = z.strictObject({
  method: z.string().min(1).optional(),
  serverId: z.string().min(1).optional(),
  projectId: z.string().min(1).optional(),
  route: z.enum(FAULT_ROUTE_NAMES).optional(),
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine(isRe2Source, { message: 'must be a valid RE2 regular expression (no backreferences or lookaround)' })
    .optional(),
});

const dripSchema = z.strictObject({
  chunkBytes: z.number().int().min(1).max(1024 * 1024),
  intervalMs: z.number().int().min(1).max(60_000),
});

/**
 * A fault injected in front of the API (admin requests are never affected). See {@link FaultRule}.
 */
export const faultRuleSchema = z
  .strictObject({
    match: matchSchema.optional(),
    times: z.number().int().min(1).optional(),
    delayMs: z.number().int().min(0).max(600_000).optional(),
    status: z.number().int().min(200).max(599).optional(),
    headers: z.record(headerNameSchema, headerValueSchema).optional(),
    body: z.string().optional(),
    bodyBytes: z.number().int().min(0).max(MAX_GENERATED_BODY_BYTES).optional(),
    preset: z.literal('gatewayHtml').optional(),
    truncateAfterBytes: z.number().int().min(0).optional(),
    resetAfterBytes: z.number().int().min(0).optional(),
    drip: dripSchema.optional(),
    action: z.literal('reset').optional(),
    afterHandler: z.literal('reset').optional(),
  })
  .refine(
    (rule) => rule.status !== undefined || rule.delayMs !== undefined || rule.action !== undefined || rule.afterHandler !== undefined,
    {
      message: 'a fault rule needs status, delayMs, action or afterHandler',
    },
  )
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
  })
  .refine((rule) => [rule.body, rule.bodyBytes, rule.preset].filter((given) => given !== undefined).length <= 1, {
    message: 'body, bodyBytes and preset each give the body: give at most one',
    path: ['body'],
  })
  .refine((rule) => rule.status !== undefined || (rule.bodyBytes === undefined && rule.preset === undefined), {
    message: 'bodyBytes and preset shape an answer, so they need a status',
    path: ['status'],
  })
  .refine((rule) => rule.preset === undefined || (rule.status ?? 0) >= 400, {
    message: 'preset "gatewayHtml" is an error page: status must be 400-599',
    path: ['preset'],
  })
  .refine((rule) => [rule.truncateAfterBytes, rule.resetAfterBytes, rule.drip].filter((given) => given !== undefined).length <= 1, {
    message: 'truncateAfterBytes, resetAfterBytes and drip each decide how the body is sent: give at most one',
    path: ['truncateAfterBytes'],
  })
  .refine(
    (rule) =>
      rule.status !== undefined || (rule.truncateAfterBytes === undefined && rule.resetAfterBytes === undefined && rule.drip === undefined),
    {
      message: 'truncateAfterBytes, resetAfterBytes and drip send part of an answer, so they need a status',
      path: ['status'],
    },
  )
  .superRefine((rule, context) => {
    if (rule.bodyBytes !== undefined && rule.bodyBytes < MIN_PADDED_BODY_BYTES) {
      context.addIssue({
        code: 'custom',
        path: ['bodyBytes'],
        message: `bodyBytes must be at least ${MIN_PADDED_BODY_BYTES}, the size of {"metadata":{"pad":""}}`,
      });
      return;
    }
    const field = rule.truncateAfterBytes !== undefined ? 'truncateAfterBytes' : 'resetAfterBytes';
    const cut = rule[field];
    // A generated body's length is known without generating it (it may be 64 MiB).
    const bodyLength = (status: number): number => rule.bodyBytes ?? Buffer.byteLength(faultBodyText({ ...rule, status }));
    if (cut !== undefined && rule.status !== undefined && cut >= bodyLength(rule.status)) {
      context.addIssue({
        code: 'custom',
        path: [field],
        message: `${field} must be less than the body's length in bytes, or nothing would be cut`,
      });
    }
  });

/**
 * One fault rule. Rules wait in a FIFO list; each API request takes the first rule whose `match`
 * fits it (every given field equal; none given: every request), which uses up one of its `times`
 * (default 1; the rule is dropped at 0). Queue several rules for a status sequence.
 *
 * `match` (all optional, all must fit): `method`; `serverId` and `projectId` (from the path, Nova or
 * ECS native); `route`, the call by name (`get`, `getItem`, `update` = POST merge, `replace`,
 * `setItem`, `deleteItem`, `updateV1`, `deleteItemV1`, `login` = `POST /v3/auth/tokens`; a path no
 * route fits has no name); `path`, a regular expression in RE2 syntax (up to 1024 characters; no
 * backreferences or lookaround), searched in the raw path, query excluded, in time linear in the
 * path (`re2js`), so no pattern can stall the mock.
 *
 * - `status`: answer that status with `headers` and a body (sent verbatim). Without a body, an
 *   error status gets the spec's fault for it (429 → Nova `overLimit`, 503 → `serviceUnavailable`,
 *   401 → Keystone's body, with `retryAfter` copied from a `Retry-After` header on 413/429); any
 *   other status an empty body. `Content-Type: application/json` unless `headers` says otherwise.
 *   The body is at most one of:
 *   - `body`: this text;
 *   - `bodyBytes`: a JSON body of exactly this many bytes, `{"metadata":{"pad":"xxx…"}}` (at least
 *     27; at most 64 MiB): an oversized answer without sending a huge rule;
 *   - `preset: 'gatewayHtml'`: an HTML error page as a reverse proxy (nginx) sends it, with
 *     `Content-Type: text/html` (status 400-599).
 * - How the body is sent, at most one of (each needs a `status`):
 *   - `truncateAfterBytes`: `Content-Length` announces the whole body, but only its first bytes
 *     are sent, then the connection is closed (a FIN): a truncated body;
 *   - `resetAfterBytes`: the headers and the first bytes are sent, then the connection is reset (an
 *     RST): a reset in the middle of the body;
 *   - `drip: { chunkBytes, intervalMs }`: the headers at once, then the body in chunks with a pause
 *     before each: a slow body (exceeding a client's timeout when long enough).
 * - `delayMs` alone: wait, then answer normally (a slow server; with a client timeout, a timeout).
 * - `action: 'reset'`: destroy the connection without answering (a connection reset), before the
 *   request is processed.
 * - `afterHandler: 'reset'`: process the request as usual (a write is applied), then destroy the
 *   connection instead of answering: a response lost on the way back (spec §8, retried DELETE).
 * - `delayMs` with `status` or `action`: wait first.
 *
 * A wait (delay or drip) ends early, without an answer, when the client disconnects or the mock closes.
 *
 * @example Throttled once, then normal: `{ status: 429, headers: { 'Retry-After': '1' } }`
 * @example Unavailable until retries run out: `{ status: 503, times: 10 }`
 * @example A status sequence 429, 503, then normal: queue `{ status: 429 }` then `{ status: 503 }`
 *   (`POST /_admin/faults` also takes an array)
 * @example A malformed success: `{ status: 200, body: '{"metadata":{"a":1}}' }`
 * @example A wrong content type: `{ status: 200, headers: { 'Content-Type': 'text/plain' }, body: '{"metadata":{}}' }`
 * @example A gateway's error page: `{ status: 502, preset: 'gatewayHtml' }`
 * @example An oversized answer: `{ status: 200, bodyBytes: 2 * 1024 * 1024 }`
 * @example A truncated body: `{ status: 200, body: '{"metadata":{"wj":"True"}}', truncateAfterBytes: 10 }`
 * @example A reset mid-body: `{ status: 200, bodyBytes: 4096, resetAfterBytes: 100 }`
 * @example A slow drip, 1 byte every 100 ms: `{ status: 200, body: '{"metadata":{}}', drip: { chunkBytes: 1, intervalMs: 100 } }`
 * @example Only one server is slow: `{ match: { serverId: 'slow-1' }, delayMs: 5000 }`
 * @example Only the merge (POST) fails: `{ match: { route: 'update' }, status: 503 }`
 * @example Only item paths: `{ match: { path: '/metadata/[^/]+$' }, status: 502 }`
 * @example A DELETE applied but its answer lost: `{ match: { method: 'DELETE' }, afterHandler: 'reset' }`
 */
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** What a fault rule's `match` is compared with. */
export interface FaultTarget {
  method: string;
  projectId: string | undefined;
  serverId: string | undefined;
  /** The call's name when a route fits the path and method (see {@link FAULT_ROUTE_NAMES}). */
  route?: FaultRouteName | undefined;
  /** The raw path, query excluded. */
  path?: string | undefined;
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

  /**
   * Appends several rules in order (a status sequence), all or none: every rule is checked first.
   *
   * @throws {ValidationError} naming the failing field as `rules[i].<path>`; nothing is queued then.
   */
  addAll(rules: readonly FaultRule[]): FaultRule[] {
    const valid = rules.map((rule, index) => parseInput(faultRuleSchema, `rules[${index}]`, rule));
    for (const rule of valid) {
      this.#rules.push({ rule, remaining: rule.times ?? 1 });
    }
    return valid;
  }

  clear(): void {
    this.#rules.length = 0;
  }

  /** Whether no rule is queued (then a request need not be described for matching at all). */
  get isEmpty(): boolean {
    return this.#rules.length === 0;
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
    (match.serverId === undefined || match.serverId === target.serverId) &&
    (match.route === undefined || match.route === target.route) &&
    (match.path === undefined || (target.path !== undefined && RE2JS.compile(match.path).matcher(target.path).find()))
  );
}

/**
 * The project and server a decoded API path is about, for fault matching: the segment after the
 * version prefix, and the one after `servers` (Nova) or `cloudservers` (ECS native). Works on
 * any path, routable or not, so a rule can also fault requests the router would refuse.
 */
export function faultTargetOf(
  method: string,
  segments: readonly string[] | undefined,
  where: { route?: FaultRouteName | undefined; path?: string | undefined } = {},
): FaultTarget {
  const projectId = segments !== undefined && segments.length >= 2 ? segments[1] : undefined;
  const collection = segments?.[2];
  const serverId = collection === 'servers' || collection === 'cloudservers' ? segments?.[3] : undefined;
  return { method, projectId, serverId, route: where.route, path: where.path };
}

/**
 * The body text of a rule with a `status`: its `body` verbatim, a generated body of `bodyBytes`,
 * the gateway page of `preset`, or the default fault of {@link defaultFaultBody}.
 */
export function faultBodyText(rule: FaultRule & { status: number }): string {
  if (rule.body !== undefined) {
    return rule.body;
  }
  if (rule.bodyBytes !== undefined) {
    return paddedMetadataBody(rule.bodyBytes);
  }
  if (rule.preset === 'gatewayHtml') {
    return gatewayErrorPage(rule.status);
  }
  return defaultFaultBody(rule.status, readHeader(rule.headers ?? {}, 'Retry-After'));
}

/**
 * The answer of a rule with a `status`: the body of {@link faultBodyText}; a 401 also gets
 * Keystone's `WWW-Authenticate`, as the mock's own 401; a gateway page `Content-Type: text/html`
 * (unless the rule's `headers` say otherwise).
 */
export function faultReply(rule: FaultRule & { status: number }, providerUrl: string): Reply {
  const headers = {
    ...(rule.status === 401 ? { 'WWW-Authenticate': keystoneChallenge(providerUrl) } : {}),
    ...(rule.preset === 'gatewayHtml' ? { 'Content-Type': GATEWAY_PAGE_CONTENT_TYPE } : {}),
    ...rule.headers,
  };
  return { status: rule.status, headers, text: faultBodyText(rule) };
}
