import { setTimeout as sleep } from 'node:timers/promises';
import {
  AbortError,
  type AttemptOutcome,
  AuthenticationError,
  EcsApiError,
  EcsMetadataError,
  type EcsRequest,
  interpretResponse,
  isMetadataItemNotFound,
  mayHaveBeenProcessed,
  parseRetryAfter,
  planRetry,
  readHeader,
  readRequestIdHeader,
  readRequestIdHeaders,
  type ResponseExpectation,
  type RetryOptions,
  type RetryPlan,
  toTransportError,
} from '@ecs-metadata/core';
import ky, { isNetworkError, isTimeoutError, type KyInstance } from 'ky';
import type { RequestSigner, SignableRequest } from './auth.js';
import type { FetchLike } from './fetch-types.js';
import type { AdaptiveRateLimiter } from './rate-limiter.js';

/** One answered attempt, as reported to the client's `onResponse` listener. */
export interface ResponseEvent {
  method: string;
  url: string;
  status: number;
  /** 1 for the first attempt. */
  attempt: number;
  requestId: string | undefined;
  /** Every request-id header the server sent (`X-Openstack-Request-Id`, `X-Compute-Request-Id`, `X-Request-Id`). */
  requestIds: Readonly<Partial<Record<string, string>>>;
}

/** What a {@link RequestSender} is built from: one client's transport, policy and listeners. */
export interface RequestSenderOptions {
  /** What ky sends each attempt with: it resolves once the whole body is read (under the cap). */
  readonly fetch: FetchLike;
  /** Deadline of one attempt, headers and body together, in ms. */
  readonly timeoutMs: number;
  readonly retry: RetryOptions;
  readonly rateLimiter: AdaptiveRateLimiter | undefined;
  readonly onResponse: ((event: ResponseEvent) => void) | undefined;
  /** The credential's signer, resolved on the first call. */
  readonly signer: () => Promise<RequestSigner>;
}

/** Per-call options of {@link RequestSender.send}. */
export interface SendOptions {
  readonly signal?: AbortSignal | undefined;
  /**
   * A DELETE of one key: a 404 for the key after an earlier attempt that may have been carried out
   * (its answer lost) means that attempt deleted it, and counts as success (spec §8).
   */
  readonly deletesKey?: boolean;
}

const NO_RETRY: RetryPlan = { retry: false };

/** One answered attempt, its body read whole. */
interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly bodyText: string;
}

/**
 * The one send path of the client: a loop of single attempts (ky sends each, `retry: 0`, under its
 * deadline) in which the client owns everything between them. Before each attempt: a token of the
 * rate limiter, then a fresh signature (so a wait for a token cannot age an AK/SK `X-Sdk-Date`, and
 * every retry is signed anew). After it: the answer is read once, told to the rate limiter and the listener,
 * interpreted once (errors are created with their attempt count), and core's pure `planRetry`
 * decides whether and when to send again; the wait is abortable. A 401 earns one credential
 * refresh and one resend (DECISIONS "Requests and retries"), which is not a transport retry.
 */
export class RequestSender {
  readonly #ky: KyInstance;
  readonly #options: RequestSenderOptions;

  constructor(options: RequestSenderOptions) {
    this.#options = options;
    // ky sends one attempt under the deadline (its one timer; the transport resolves only once the
    // body is read, so the deadline covers the body too). It never retries, never throws on a
    // status, never follows a redirect (fetch would forward X-Auth-Token to another origin), and
    // has no hooks: ky 2 runs `beforeRequest` once per call, so signing stays in the loop.
    this.#ky = ky.create({ fetch: options.fetch, timeout: options.timeoutMs, retry: 0, throwHttpErrors: false, redirect: 'manual' });
  }

  /**
   * Sends `request` until it succeeds or the retry policy gives up.
   *
   * @throws the interpreted {@link EcsApiError} or `ResponseValidationError` of the last answer,
   *   a `NetworkError` / `TimeoutError` when the last attempt got no answer, an {@link AbortError}
   *   when `signal` aborts, or the signer's own error.
   */
  async send<T>(request: EcsRequest, expectation: ResponseExpectation<T>, options: SendOptions = {}): Promise<T> {
    const { signal } = options;
    const { retry, rateLimiter } = this.#options;
    const signer = await this.#options.signer();
    const signable = signableRequest(request);
    let attempt = 0;
    // Attempts made before the one credential refresh: the resend after it starts a fresh budget.
    let attemptsBeforeRefresh: number | undefined;
    let anyMayHaveBeenProcessed = false;
    for (;;) {
      throwIfAborted(signal);
      attempt += 1;
      const ticket = await abortable(rateLimiter?.acquire(signal), signal);
      // Signed after the token was taken and before each attempt: the signature is always fresh.
      const credentialHeaders = await signer.sign(signable, { signal });
      let answer: Answer;
      try {
        answer = await this.#sendOnce(request, credentialHeaders, signal);
      } catch (error) {
        if (signal?.aborted === true) {
          throw abortError(signal);
        }
        if (error instanceof EcsMetadataError) {
          throw error; // ResponseTooLargeError: the answer was refused, not lost
        }
        const outcome: AttemptOutcome = isTimeoutError(error) ? { kind: 'timeout' } : { kind: 'network' };
        anyMayHaveBeenProcessed ||= mayHaveBeenProcessed(outcome);
        const plan = planRetry(request.method, outcome, attempt - (attemptsBeforeRefresh ?? 0), undefined, retry);
        if (!plan.retry) {
          // Never ky's error itself: its `request` holds the credential headers.
          throw toTransportError(isNetworkError(error) ? error.cause : error, { attempts: attempt, timedOut: outcome.kind === 'timeout' });
        }
        await wait(plan.delayMs, signal);
        continue;
      }
      const retryAfterMs = parseRetryAfter(readHeader(answer.headers, 'Retry-After'));
      if (ticket !== undefined) {
        if (answer.status === 429) {
          rateLimiter?.recordThrottle(ticket, retryAfterMs);
        } else {
          rateLimiter?.recordSuccess(ticket);
        }
      }
      this.#options.onResponse?.({
        method: request.method,
        url: request.url,
        status: answer.status,
        attempt,
        requestId: readRequestIdHeader(answer.headers),
        requestIds: readRequestIdHeaders(answer.headers),
      });
      let failure: EcsMetadataError;
      try {
        return interpretResponse(answer.status, answer.headers, answer.bodyText, expectation, { attempts: attempt });
      } catch (error) {
        failure = error as EcsMetadataError;
      }
      if (failure instanceof AuthenticationError && attemptsBeforeRefresh === undefined && signer.refresh !== undefined) {
        attemptsBeforeRefresh = attempt;
        if (await signer.refresh(signable, { signal })) {
          continue;
        }
      }
      if (options.deletesKey === true && anyMayHaveBeenProcessed && isMetadataItemNotFound(failure)) {
        return undefined as T;
      }
      const outcome: AttemptOutcome = { kind: 'status', status: answer.status };
      anyMayHaveBeenProcessed ||= mayHaveBeenProcessed(outcome);
      // A 2xx that breaks the schema is not retried: the server answered, and answers the same.
      const plan =
        failure instanceof EcsApiError
          ? planRetry(request.method, outcome, attempt - (attemptsBeforeRefresh ?? 0), retryAfterMs, retry)
          : NO_RETRY;
      if (!plan.retry) {
        throw failure;
      }
      await wait(plan.delayMs, signal);
    }
  }

  /**
   * One attempt. ky builds one controller, one `Request` and (with a caller's signal) one
   * `AbortSignal.any` per call; nothing of ours is added: no controller, timer or listener, and
   * the response is read once, not cloned (docs/performance.md "Issue 15" measures ky's cost).
   */
  async #sendOnce(
    request: EcsRequest,
    credentialHeaders: Readonly<Record<string, string>>,
    signal: AbortSignal | undefined,
  ): Promise<Answer> {
    const response = await this.#ky(request.url, {
      method: request.method,
      headers: { ...request.headers, ...credentialHeaders },
      body: request.body,
      ...(signal === undefined ? {} : { signal }),
    });
    // The transport has already read the whole body (under the cap, inside the deadline).
    return { status: response.status, headers: response.headers, bodyText: await response.text() };
  }
}

/** The headers a signer is given: all but the transport's `Accept` and `User-Agent`, plus `Host`. */
function signableRequest(request: EcsRequest): SignableRequest {
  const headers: Record<string, string> = { Host: new URL(request.url).host };
  for (const [name, value] of Object.entries(request.headers)) {
    if (!/^(accept|user-agent)$/iu.test(name)) {
      headers[name] = value;
    }
  }
  return { method: request.method, url: request.url, headers, body: request.body };
}

function abortError(signal: AbortSignal): AbortError {
  return new AbortError('The request was aborted by the caller', { cause: signal.reason });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw abortError(signal);
  }
}

/** Awaits `promise`, turning the caller's abort into an {@link AbortError}. */
async function abortable<T>(promise: Promise<T> | undefined, signal: AbortSignal | undefined): Promise<T | undefined> {
  try {
    return await promise;
  } catch (error) {
    if (signal?.aborted === true) {
      throw abortError(signal);
    }
    throw error;
  }
}

/** The wait between attempts; the caller's abort ends it at once. */
async function wait(delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  await abortable(sleep(delayMs, undefined, signal === undefined ? {} : { signal }), signal);
}
