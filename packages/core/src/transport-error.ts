import { NetworkError, TimeoutError } from './errors.js';

/** What the caller knows of a request that got no (complete) answer. */
export interface TransportFailure {
  /** How many attempts were made in all. */
  readonly attempts: number;
  /** Whether the attempt's own deadline fired (rather than the connection failing). */
  readonly timedOut: boolean;
  /** That deadline, in ms, named in the message when given. */
  readonly timeoutMs?: number | undefined;
  /** Names the request at the head of the message, e.g. `Password login (POST https://iam…)`. */
  readonly subject?: string | undefined;
  /** Values (a password, a token) blanked out of the reason should the transport have echoed one. */
  readonly secrets?: readonly string[] | undefined;
}

/**
 * The one mapping of a transport's failure (a socket error, a fetch `TypeError`, a deadline) to a
 * toolkit error, for every HTTP caller: the client, the password login, the verifier.
 *
 * The error is safe to log: the transport's own error is never kept as `cause`, because transports
 * hang the request on their errors (ky's `TimeoutError.request`, undici's `cause` chain) and with it
 * the credential headers. The `cause` is a plain `Error` with the failure's name, code and message
 * (secrets blanked), and nothing else.
 *
 * @returns a {@link TimeoutError} when `timedOut`, otherwise a {@link NetworkError} whose message
 *   ends with the socket's code (`ECONNRESET`, ...) when there is one.
 */
export function toTransportError(error: unknown, failure: TransportFailure): NetworkError {
  const prefix = failure.subject === undefined ? '' : `${failure.subject}: `;
  const attempts = failure.attempts;
  if (failure.timedOut) {
    const deadline = failure.timeoutMs === undefined ? 'the timeout' : `${failure.timeoutMs} ms`;
    return new TimeoutError(`${prefix}No complete response within ${deadline} after ${attempts} attempt(s)`, { attempts });
  }
  const cause = describeFailure(error, failure.secrets ?? []);
  const reason = cause.code === undefined ? cause.message : `${cause.code} ${cause.message}`;
  return new NetworkError(`${prefix}Network error after ${attempts} attempt(s): ${reason}`, { cause, attempts });
}

/** A transport failure reduced to what may be logged: its name, code and message. */
interface FailureDescription extends Error {
  readonly code: string | undefined;
}

function describeFailure(error: unknown, secrets: readonly string[]): FailureDescription {
  // Duck-typed, not `instanceof Error`: node's socket errors may come from another realm (a vm
  // context, jest), and their code (ECONNRESET, ...) is what the message must show. A fetch
  // `TypeError: fetch failed` keeps the socket's error as its cause.
  const errorLike = isErrorLike(error) ? error : undefined;
  const inner = errorLike !== undefined && isErrorLike(errorLike.cause) ? errorLike.cause : undefined;
  const code = codeOf(errorLike) ?? codeOf(inner);
  const message = redact(errorLike === undefined ? String(error) : innerMessage(errorLike, inner), secrets);
  const description = new Error(message) as Error & { code: string | undefined };
  description.name = errorLike?.name ?? 'Error';
  description.code = code;
  // The stack would only point into the transport; without it the description is a pure value.
  delete description.stack;
  return description;
}

/** A generic wrapper's message (`fetch failed`) says less than the error it wraps. */
function innerMessage(error: Error, inner: Error | undefined): string {
  return inner !== undefined && /^(fetch failed|terminated)$/u.test(error.message) ? inner.message : error.message;
}

function codeOf(error: Error | undefined): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isErrorLike(value: unknown): value is Error {
  return typeof value === 'object' && value !== null && typeof (value as { message?: unknown }).message === 'string';
}

function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((result, secret) => (secret === '' ? result : result.split(secret).join('****')), text);
}
