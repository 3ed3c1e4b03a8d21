import type { FaultRule } from '@ecs-metadata/mock-provider';

/**
 * The reliability matrix (issue "fault-injection matrix"): for each fault the mock can inject and
 * each kind of call, what the client does and what the CLI prints. One source for two readers:
 * `reliability-matrix.spec.ts` runs every row over loopback HTTP, and `reliability-doc.ts` renders
 * `docs/reliability.md` from the same rows (`npm run docs:reliability`), so the document cannot
 * describe behaviour the tests do not check.
 */

/** The calls of the matrix: one safe read and two writes, one idempotent and one not (spec §8). */
export type MatrixCall = 'GET' | 'PUT' | 'POST';

/** The client method and the CLI command each call is made with. */
export const MATRIX_CALLS: Readonly<Record<MatrixCall, { readonly method: string; readonly cli: (serverId: string) => string[] }>> = {
  GET: { method: 'getServerMetadata (GET …/metadata)', cli: (serverId) => ['get', serverId] },
  PUT: { method: 'replaceServerMetadata (PUT …/metadata)', cli: (serverId) => ['set', serverId, 'wj=True', '--replace'] },
  POST: { method: 'updateServerMetadata (POST …/metadata)', cli: (serverId) => ['set', serverId, 'wj=True'] },
};

/** The error classes a row can end with (core's hierarchy, STYLE "Errors"). */
export type MatrixErrorClass = 'TimeoutError' | 'NetworkError' | 'RateLimitError' | 'ServerError' | 'ResponseValidationError' | 'ResponseTooLargeError';

/** What one call does under one fault. */
export interface MatrixOutcome {
  /** `success`, or the class of the error the client throws. */
  readonly result: 'success' | MatrixErrorClass;
  /** Requests the mock received for the call (1 = not retried). */
  readonly attempts: number;
  /** Whether every attempt waits for the per-attempt timeout (no answer in time). */
  readonly attemptsTimeOut?: boolean;
  /** Each retry waits for the server's `Retry-After` (capped) instead of a backoff. */
  readonly honoursRetryAfterMs?: number;
  /** The CLI's exit code (README's table; `exit-codes.ts`). */
  readonly exitCode: number;
  /** A fragment of what the CLI prints: stdout on success, stderr (`ecs-metadata: …`) on failure. */
  readonly message: string;
}

/** One fault of the matrix, with the mock's rules for it and the outcome per call. */
export interface MatrixFault {
  readonly id: string;
  /** The fault in a few words, for the document. */
  readonly title: string;
  /** The rules queued for it, in order; `match.serverId` is added per row. */
  readonly rules: readonly FaultRule[];
  /** Fixed waits the fault adds to a successful call (a delay), in ms. */
  readonly addedMs?: number;
  /** Why the client does what it does, for the document. */
  readonly why: string;
  readonly outcomes: Readonly<Record<MatrixCall, MatrixOutcome>>;
}

const BODY = '{"metadata":{"wj":"True"}}';
const SUCCESS_OUTPUT = '{"wj":"True"}';
/** Repeats a rule more often than any call attempts, so it holds for every retry. */
const ALWAYS = 10;

const same = (outcome: MatrixOutcome): Readonly<Record<MatrixCall, MatrixOutcome>> => ({ GET: outcome, PUT: outcome, POST: outcome });
const idempotentOnly = (retried: MatrixOutcome, post: MatrixOutcome): Readonly<Record<MatrixCall, MatrixOutcome>> => ({
  GET: retried,
  PUT: retried,
  POST: post,
});

/** The matrix. Row order is the document's. */
export const RELIABILITY_MATRIX: readonly MatrixFault[] = [
  {
    id: 'latency',
    title: 'Added latency (100 ms, under the timeout)',
    rules: [{ delayMs: 100 }],
    addedMs: 100,
    why: 'A slow answer within the per-attempt timeout is just an answer.',
    outcomes: same({ result: 'success', attempts: 1, exitCode: 0, message: SUCCESS_OUTPUT }),
  },
  {
    id: 'timeout',
    title: 'No answer within the per-attempt timeout',
    rules: [{ delayMs: 60_000, times: ALWAYS }],
    why: 'A timeout leaves unknown whether the server processed the request: only idempotent calls are resent.',
    outcomes: idempotentOnly(
      { result: 'TimeoutError', attempts: 4, attemptsTimeOut: true, exitCode: 6, message: 'No complete response within the timeout after 4 attempt(s)' },
      { result: 'TimeoutError', attempts: 1, attemptsTimeOut: true, exitCode: 6, message: 'No complete response within the timeout after 1 attempt(s)' },
    ),
  },
  {
    id: 'throttled-once',
    title: '429 with `Retry-After: 1`, then 200',
    rules: [{ status: 429, headers: { 'Retry-After': '1' } }],
    why: 'A 429 proves the request was not processed, so every call, POST included, waits as told and resends.',
    outcomes: same({ result: 'success', attempts: 2, honoursRetryAfterMs: 1000, exitCode: 0, message: SUCCESS_OUTPUT }),
  },
  {
    id: 'throttled',
    title: '429 with `Retry-After: 1` on every attempt',
    rules: [{ status: 429, headers: { 'Retry-After': '1' }, times: ALWAYS }],
    why: 'Retried as above until the attempts run out; the last 429 is reported.',
    outcomes: same({ result: 'RateLimitError', attempts: 4, honoursRetryAfterMs: 1000, exitCode: 5, message: 'HTTP 429 overLimit: This request was rate-limited.' }),
  },
  {
    id: 'throttled-unreadable-wait',
    title: '429 with an unreadable `Retry-After: soon`, then 200',
    rules: [{ status: 429, headers: { 'Retry-After': 'soon' } }],
    why: 'A wait that cannot be read is ignored: the ordinary backoff applies, not the 60 s cap.',
    outcomes: same({ result: 'success', attempts: 2, exitCode: 0, message: SUCCESS_OUTPUT }),
  },
  {
    id: 'status-500',
    title: '500 Internal Server Error',
    rules: [{ status: 500, times: ALWAYS }],
    why: 'Not in spec §8\'s retryable set: a 500 may have been processed and is unlikely to go away by itself.',
    outcomes: same({ result: 'ServerError', attempts: 1, exitCode: 5, message: 'HTTP 500 computeFault: The server has either erred' }),
  },
  ...[502, 503, 504].map(
    (status): MatrixFault => ({
      id: `status-${status}`,
      title: `${status} on every attempt (Nova fault body)`,
      rules: [{ status, times: ALWAYS }],
      why: `A ${status} is transient, but the request may have reached the service: resent only when idempotent.`,
      outcomes: idempotentOnly(
        { result: 'ServerError', attempts: 4, exitCode: 5, message: `HTTP ${status}` },
        { result: 'ServerError', attempts: 1, exitCode: 5, message: `HTTP ${status}` },
      ),
    }),
  ),
  {
    id: 'unavailable-twice',
    title: 'Status sequence 503, 503, then 200',
    rules: [{ status: 503 }, { status: 503 }],
    why: 'Idempotent calls ride out a short outage; a POST reports the first 503.',
    outcomes: idempotentOnly(
      { result: 'success', attempts: 3, exitCode: 0, message: SUCCESS_OUTPUT },
      { result: 'ServerError', attempts: 1, exitCode: 5, message: 'HTTP 503 serviceUnavailable' },
    ),
  },
  {
    id: 'gateway-html',
    title: '502 HTML error page from a gateway',
    rules: [{ status: 502, preset: 'gatewayHtml', times: ALWAYS }],
    why: 'As any 502; the HTML body carries no fault, so the message falls back to the status text.',
    outcomes: idempotentOnly(
      { result: 'ServerError', attempts: 4, exitCode: 5, message: 'HTTP 502: Bad Gateway' },
      { result: 'ServerError', attempts: 1, exitCode: 5, message: 'HTTP 502: Bad Gateway' },
    ),
  },
  {
    id: 'reset-before',
    title: 'Connection reset before any answer',
    rules: [{ action: 'reset', times: ALWAYS }],
    why: 'No answer at all: the request may or may not have been processed, so only idempotent calls are resent.',
    outcomes: idempotentOnly(
      { result: 'NetworkError', attempts: 4, exitCode: 6, message: 'Network error after 4 attempt(s): ECONNRESET' },
      { result: 'NetworkError', attempts: 1, exitCode: 6, message: 'Network error after 1 attempt(s): ECONNRESET' },
    ),
  },
  {
    id: 'reset-mid-body',
    title: 'Connection reset in the middle of a 200 body',
    rules: [{ status: 200, bodyBytes: 4096, resetAfterBytes: 100, times: ALWAYS }],
    why: 'A body cut short is no answer: never parsed, handled as a reset.',
    outcomes: idempotentOnly(
      { result: 'NetworkError', attempts: 4, exitCode: 6, message: 'Network error after 4 attempt(s): ECONNRESET' },
      { result: 'NetworkError', attempts: 1, exitCode: 6, message: 'Network error after 1 attempt(s): ECONNRESET' },
    ),
  },
  {
    id: 'truncated',
    title: 'Truncated 200 body (`Content-Length` larger than what is sent)',
    rules: [{ status: 200, body: BODY, truncateAfterBytes: 10, times: ALWAYS }],
    why: 'As a reset mid-body: the prefix of a body is never mistaken for the body.',
    outcomes: idempotentOnly(
      { result: 'NetworkError', attempts: 4, exitCode: 6, message: 'Network error after 4 attempt(s): ECONNRESET' },
      { result: 'NetworkError', attempts: 1, exitCode: 6, message: 'Network error after 1 attempt(s): ECONNRESET' },
    ),
  },
  {
    id: 'slow-drip',
    title: 'Slow drip: a 200 body, one byte every 200 ms, past the timeout',
    rules: [{ status: 200, body: BODY, drip: { chunkBytes: 1, intervalMs: 200 }, times: ALWAYS }],
    why: 'The per-attempt timeout covers the body as well as the headers (DECISIONS "Requests and retries").',
    outcomes: idempotentOnly(
      { result: 'TimeoutError', attempts: 4, attemptsTimeOut: true, exitCode: 6, message: 'No complete response within the timeout after 4 attempt(s)' },
      { result: 'TimeoutError', attempts: 1, attemptsTimeOut: true, exitCode: 6, message: 'No complete response within the timeout after 1 attempt(s)' },
    ),
  },
  {
    id: 'lost-response',
    title: 'Request processed, then the connection reset (answer lost)',
    rules: [{ afterHandler: 'reset' }],
    why: 'The idempotent resend finds the work done and answers it; a POST is not resent, and the caller learns that its outcome is unknown.',
    outcomes: idempotentOnly(
      { result: 'success', attempts: 2, exitCode: 0, message: SUCCESS_OUTPUT },
      { result: 'NetworkError', attempts: 1, exitCode: 6, message: 'Network error after 1 attempt(s): ECONNRESET' },
    ),
  },
  {
    id: 'malformed-json',
    title: '200 with malformed JSON',
    rules: [{ status: 200, body: '{"metadata":{"wj":', times: ALWAYS }],
    why: 'A broken success is an error, never data; resending would not mend it.',
    outcomes: same({ result: 'ResponseValidationError', attempts: 1, exitCode: 5, message: 'Invalid response body at $: body is not valid JSON' }),
  },
  {
    id: 'schema-breaking',
    title: '200 whose JSON breaks the schema (a number as a value)',
    rules: [{ status: 200, body: '{"metadata":{"wj":1}}', times: ALWAYS }],
    why: 'The error names the JSON path at fault.',
    outcomes: same({ result: 'ResponseValidationError', attempts: 1, exitCode: 5, message: 'Invalid response body at $.metadata.wj' }),
  },
  {
    id: 'wrong-content-type',
    title: '200 with valid JSON but `Content-Type: text/plain`',
    rules: [{ status: 200, headers: { 'Content-Type': 'text/plain' }, body: BODY, times: ALWAYS }],
    why: 'Something other than the API answered (a portal, a captive proxy): not trusted as data.',
    outcomes: same({ result: 'ResponseValidationError', attempts: 1, exitCode: 5, message: 'expected a JSON content type, got "text/plain"' }),
  },
  {
    id: 'oversized',
    title: '200 with a 2 MiB body (cap 1 MiB)',
    rules: [{ status: 200, bodyBytes: 2 * 1024 * 1024, times: ALWAYS }],
    why: 'Reading stops at the cap; no part of the body is used.',
    outcomes: same({ result: 'ResponseTooLargeError', attempts: 1, exitCode: 5, message: 'Response body exceeds the limit of 1048576 bytes' }),
  },
];

/** Timing options the bound of a row is computed for. */
export interface MatrixTiming {
  readonly timeoutMs: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
}

/** The client's defaults (spec §8, `DEFAULT_TIMEOUT_MS`, `DEFAULT_RETRY_OPTIONS`). */
export const DEFAULT_TIMING: MatrixTiming = { timeoutMs: 30_000, baseDelayMs: 500, maxDelayMs: 8000, maxRetryAfterMs: 60_000 };

/**
 * The longest a call can take under a fault, apart from the work of the machine: every attempt
 * that times out takes the timeout, each retry waits at most its backoff ceiling (or the capped
 * `Retry-After`), plus the fault's fixed delay.
 */
export function timeBoundMs(fault: MatrixFault, outcome: MatrixOutcome, timing: MatrixTiming): number {
  let total = (fault.addedMs ?? 0) + (outcome.attemptsTimeOut === true ? outcome.attempts * timing.timeoutMs : 0);
  for (let retry = 1; retry < outcome.attempts; retry += 1) {
    total +=
      outcome.honoursRetryAfterMs === undefined
        ? Math.min(timing.baseDelayMs * 2 ** (retry - 1), timing.maxDelayMs)
        : Math.min(outcome.honoursRetryAfterMs, timing.maxRetryAfterMs);
  }
  return total;
}
