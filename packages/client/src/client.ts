import {
  AbortError,
  answerMayHaveBeenLost,
  type ApiVersion,
  buildFindServersByNameRequest,
  buildGetServerMetadataRequest,
  buildShowServerRequest,
  ConfigError,
  couldBeServerId,
  exactServerMatches,
  isServerUuid,
  listServersExpectation,
  NotFoundError,
  showServerExpectation,
  DEFAULT_RETRY_OPTIONS,
  type EcsRequest,
  type EcsMetadataError,
  getServerMetadataExpectation,
  judgeMergeReadBack,
  type Metadata,
  type ResolvedTarget,
  resolveEndpoint,
  resolveTarget,
  type ResponseExpectation,
  type RetryOptions,
  unconfirmedMergeError,
  type ServerMetadataPlan,
  ValidationError,
} from '@ecs-metadata/core';
import type { CredentialProvider, RequestSigner } from './auth.js';
import type { FetchLike } from './fetch-types.js';
import { createNodeHttpFetch, type NodeHttpFetch, withBufferedBody } from './node-http-fetch.js';
import { RequestSender, type ResponseEvent } from './send.js';
import { type BatchOptions, type BatchResult, runBatch } from './batch.js';
import { type ApplyOutcome, type ApplyPlanOptions, applyMetadataPlan } from './apply-plan.js';
import { AdaptiveRateLimiter, type AdaptiveRateLimiterOptions } from './rate-limiter.js';
import type { RateStats } from './adaptive-rate.js';
// The rest of the metadata family (spec §3.2-§3.8).
import {
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  buildGetServerMetadataItemRequest,
  buildReplaceServerMetadataRequest,
  buildSetServerMetadataItemRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
  deleteServerMetadataItemExpectation,
  deleteServerMetadataItemV1Expectation,
  getServerMetadataItemExpectation,
  type MetadataKeyRules,
  replaceServerMetadataExpectation,
  setServerMetadataItemExpectation,
  updateServerMetadataExpectation,
  updateServerMetadataV1Expectation,
} from '@ecs-metadata/core';

export type { ResponseEvent } from './send.js';

/** Default per-attempt timeout (headers and body), in ms. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** Default cap of a response body, in bytes (1 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Options of {@link EcsMetadataClient}. */
export interface EcsMetadataClientOptions {
  /**
   * API endpoint, e.g. `https://ecs.cn-north-4.myhuaweicloud.com` or the mock's URL. Give this or
   * `region`; to take it from a password login's catalog use `createEcsMetadataClient`.
   */
  endpoint?: string | undefined;
  /** A Huawei Cloud region id (spec §10): the endpoint is then `https://ecs.{region}.{domain}`. */
  region?: string | undefined;
  /** The domain of `region`'s endpoint; default `myhuaweicloud.com` (e.g. `otc.t-systems.com`). */
  domain?: string | undefined;
  /** The project the credential is scoped to (32 hex characters on Huawei Cloud). */
  projectId: string;
  /** Credentials, e.g. `tokenAuth(token)`. */
  auth: CredentialProvider;
  /** `v2` or `v2.1` (default). */
  apiVersion?: ApiVersion;
  /** Timeout of each attempt, headers and body together, in ms; default 30000, at most 2^31 - 1 (a timer's limit). */
  timeoutMs?: number;
  /** Retry tuning (defaults of spec §8), or `false` for a single attempt. */
  retry?: Partial<RetryOptions> | false;
  /** `User-Agent`; default `ecs-metadata/<version>`. */
  userAgent?: string;
  /** Replaces the built-in node:http transport (bodies are still read under the cap). */
  fetch?: FetchLike;
  /** Largest response body accepted, in bytes; default 1 MiB. */
  maxResponseBytes?: number;
  /** Observes every response of every attempt (for `--verbose` logs); never sees headers or secrets. */
  onResponse?: (event: ResponseEvent) => void;
  /**
   * Client-side flow control shared by every request of this client, retries included: each attempt
   * takes a token of an adaptive token bucket that learns the provider's rate from its 429s and
   * `Retry-After` (see `AdaptiveRateLimiter`). Nothing waits until the provider first throttles.
   * Default: on, with the defaults of `AdaptiveRateOptions`; give options to tune it, an
   * `AdaptiveRateLimiter` to share one between clients of the same project, or `false` to turn it off.
   */
  rateLimit?: AdaptiveRateLimiter | AdaptiveRateLimiterOptions | false;
}

/** One server's outcome in {@link EcsMetadataClient.getServerMetadataMany}: its metadata, or its own error. */
export type ServerMetadataResult =
  { serverId: string; metadata: Metadata; error?: undefined } | { serverId: string; metadata?: undefined; error: EcsMetadataError };

/** Per-call options. */
export interface CallOptions {
  /** Aborts the call, including retries and backoff sleeps, at once. */
  signal?: AbortSignal;
}

/** Per-call options of the calls that take a metadata key. */
export interface KeyCallOptions extends CallOptions {
  /**
   * Which key rules are checked before sending (spec §4.1): `huawei` (default, `A-Z a-z 0-9 - _ : .`)
   * or `nova` (also the space, for upstream OpenStack clouds).
   */
  keyRules?: MetadataKeyRules;
}

/** Per-call options of the calls that write or delete metadata. */
export interface WriteCallOptions extends KeyCallOptions {
  /**
   * Allow writing or deleting a platform key of spec §4.3 (`os_type`, `charging_mode`, ...); without
   * it such a key is refused with a `ValidationError` naming it, before any request.
   */
  force?: boolean;
}

/** Per-call options of {@link EcsMetadataClient.updateServerMetadata}. */
export interface MergeCallOptions extends WriteCallOptions {
  /**
   * When the merge's answer is lost (a reset or timeout after sending, a 502/504), read the server
   * back instead of failing at once: every item there with its value is success (the read-back map
   * is returned); otherwise an `UnconfirmedWriteError` says what the read showed. The POST itself
   * is never resent (spec §8). Default `false`: the lost attempt's error is thrown as it is.
   */
  readBackLostAnswer?: boolean;
}

/**
 * The client of the ECS / Nova server metadata API. One instance holds one keep-alive connection
 * pool; reuse it, and call {@link EcsMetadataClient.close} when done.
 *
 * @example
 * ```ts
 * const client = new EcsMetadataClient({ endpoint, projectId, auth: tokenAuth(token) });
 * const metadata = await client.getServerMetadata('998af54b-5762-4041-abc1-f98a2c27b3a2');
 * ```
 */
export class EcsMetadataClient {
  readonly endpoint: string;
  readonly projectId: string;
  readonly apiVersion: ApiVersion;
  readonly #auth: CredentialProvider;
  /** Endpoint, project, prefix and User-Agent, validated once: the request builders trust them. */
  readonly #target: ResolvedTarget;
  readonly #transport: NodeHttpFetch | undefined;
  readonly #rateLimiter: AdaptiveRateLimiter | undefined;
  readonly #sender: RequestSender;
  #signer: Promise<RequestSigner> | undefined;

  /**
   * @throws {ConfigError} or {@link ValidationError} naming the option, before any I/O: e.g.
   *   (`region`) an unknown region without a `domain`, (`endpoint`) neither endpoint nor region.
   */
  constructor(options: EcsMetadataClientOptions) {
    const endpoint = resolveEndpoint(options);
    if (endpoint === undefined) {
      throw new ConfigError(
        'endpoint',
        "No endpoint: give endpoint or region (or use createEcsMetadataClient to take it from a password login's catalog)",
      );
    }
    const { projectId, apiVersion, userAgent } = options;
    this.#target = resolveTarget({ endpoint, projectId, apiVersion, ...(userAgent === undefined ? {} : { userAgent }) });
    this.endpoint = this.#target.endpoint;
    this.projectId = this.#target.projectId;
    this.apiVersion = this.#target.apiVersion;
    if (typeof options.auth !== 'function') {
      throw new ConfigError('auth', 'auth must be a credential provider, e.g. tokenAuth(token)');
    }
    this.#auth = options.auth;
    const timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    if (timeoutMs > MAX_TIMER_MS) {
      // ky (and setTimeout) refuse a longer deadline; caught here, not as an error of every call.
      throw new ValidationError('timeoutMs', `must be at most ${MAX_TIMER_MS} ms, got ${timeoutMs}`);
    }
    const maxResponseBytes = positiveInteger('maxResponseBytes', options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    this.#rateLimiter = rateLimiterOf(options.rateLimit);
    this.#transport = options.fetch === undefined ? createNodeHttpFetch({ maxResponseBytes }) : undefined;
    this.#sender = new RequestSender({
      fetch: this.#transport ?? withBufferedBody(options.fetch as FetchLike, maxResponseBytes),
      timeoutMs,
      retry: resolveRetryOptions(options.retry),
      rateLimiter: this.#rateLimiter,
      onResponse: options.onResponse,
      signer: () => this.#resolveSigner(),
    });
  }

  /**
   * Lists all metadata of a server (spec §3.1): `GET /{v}/{project_id}/servers/{server_id}/metadata`.
   *
   * @returns the metadata map, e.g. `{ wj: 'True' }` (values are always strings).
   * @throws {ValidationError} for an unsafe or invalid `serverId`, before any request.
   * @throws {EcsApiError} subclasses: `NotFoundError` (404), `AuthenticationError` (401), `RateLimitError` (429), ...
   * @throws {ResponseValidationError} when a 200 body breaks the schema; {@link ResponseTooLargeError} over the cap.
   * @throws {NetworkError} / {@link TimeoutError} when no response arrived after all retries; {@link AbortError}.
   */
  async getServerMetadata(serverId: string, options: CallOptions = {}): Promise<Metadata> {
    const request = buildGetServerMetadataRequest({ ...this.#target, serverId });
    return this.#send(request, getServerMetadataExpectation, options);
  }

  /**
   * Reads the metadata of many servers (spec §3.1, one GET each) with at most `concurrency`
   * requests in flight (default 16), paced by the client's adaptive rate limiter, and yields each
   * server's outcome as it completes: completion order, not input order. `serverIds` may be an
   * array or any (async) iterable, e.g. lines read from a file: it is pulled lazily, one id per free
   * slot, so memory stays bounded whatever its size. Ids are not de-duplicated.
   *
   * One server's failure (an invalid id, 404, a 429 still answered after every retry, ...) is that
   * server's `error` and never stops the others. Breaking out of the loop aborts the requests in
   * flight.
   *
   * @example
   * ```ts
   * for await (const result of client.getServerMetadataMany(ids, { concurrency: 32 })) {
   *   if (result.error) console.error(result.serverId, result.error.message);
   *   else console.log(result.serverId, result.metadata);
   * }
   * ```
   *
   * @throws {ValidationError} (`concurrency`) unless a positive integer.
   * @throws {AbortError} when `signal` aborts (after the requests in flight have settled).
   * @throws whatever iterating `serverIds` throws.
   */
  async *getServerMetadataMany(
    serverIds: Iterable<string> | AsyncIterable<string>,
    options: BatchOptions = {},
  ): AsyncGenerator<ServerMetadataResult, void, undefined> {
    for await (const result of runBatch(serverIds, (serverId, signal) => this.getServerMetadata(serverId, { signal }), options)) {
      yield toServerMetadataResult(result);
    }
  }

  /**
   * Carries out metadata plans (core's `planMetadataChanges`) with at most `concurrency` servers at
   * once, paced by the rate limiter, and yields each server's {@link ApplyOutcome} as it completes
   * (`applied`, `unchanged`, `skipped`, `failed`).
   *
   * Per server: re-read; if it no longer holds the plan's `current`, skip it (or, with `force`, plan
   * again against what it holds); record the state read in `journal`; send the writes in order. A
   * merge (`POST`) whose answer is lost is never resent (spec §8): the server is read back, and the
   * merge counts as done only when it holds every key it set. When `signal` aborts, no new server is
   * started and the writes in flight finish.
   *
   * @example
   * ```ts
   * const plans = [planMetadataChanges({ serverId, change: { kind: 'merge', set: { owner: 'li' }, unset: [] } }, current)];
   * for await (const outcome of client.applyMetadataPlan(plans, { concurrency: 16, journal })) console.log(outcome.status);
   * ```
   *
   * @throws {ValidationError} (`concurrency`) unless a positive integer.
   */
  applyMetadataPlan(
    plans: Iterable<ServerMetadataPlan> | AsyncIterable<ServerMetadataPlan>,
    options: ApplyPlanOptions = {},
  ): AsyncGenerator<ApplyOutcome, void, undefined> {
    return applyMetadataPlan(this, plans, options);
  }

  /** The adaptive rate limiter's learnt rate and counters (`undefined` when `rateLimit: false`). */
  rateLimitStats(): RateStats | undefined {
    return this.#rateLimiter?.stats();
  }

  /**
   * Reads one item (spec §3.2): `GET /{v}/{project_id}/servers/{server_id}/metadata/{key}`. Retried
   * as every GET.
   *
   * @returns its value (a string).
   * @throws {ValidationError} for an invalid `serverId` or `key` (spec §4.1), before any request.
   * @throws {NotFoundError} for an unknown key ("Metadata item was not found") or server; other
   *   errors as {@link EcsMetadataClient.getServerMetadata}.
   */
  async getServerMetadataItem(serverId: string, key: string, options: KeyCallOptions = {}): Promise<string> {
    const request = buildGetServerMetadataItemRequest({ ...this.#target, serverId, key, keyRules: options.keyRules });
    return this.#send(request, getServerMetadataItemExpectation(key), options);
  }

  /**
   * Merges `metadata` into the server's (spec §3.3): `POST .../metadata`. Keys sent are created or
   * overwritten, the others kept. POST is not idempotent, so it is retried only after a 429 (which
   * proves it was not processed), never after a timeout, a reset or a 5xx (spec §8).
   *
   * @returns the complete map after the merge, as Nova answers it.
   * @throws {ValidationError} for a bad key or value, more than 128 items, or a platform key without
   *   `force` (spec §4), before any request.
   * @throws {MetadataLimitExceededError} (403) when the server would hold more than 128 items;
   *   {ConflictError} (409) for a locked server or one whose state forbids writes; others as
   *   {@link EcsMetadataClient.getServerMetadata}.
   * @throws {UnconfirmedWriteError} with `readBackLostAnswer`, when the answer was lost and the
   *   read-back did not find the items (or failed); its `lostAnswer` is the lost attempt's error.
   */
  async updateServerMetadata(
    serverId: string,
    metadata: Readonly<Record<string, string>>,
    options: MergeCallOptions = {},
  ): Promise<Metadata> {
    const request = buildUpdateServerMetadataRequest({
      ...this.#target,
      serverId,
      metadata,
      keyRules: options.keyRules,
      force: options.force,
    });
    try {
      return await this.#send(request, updateServerMetadataExpectation, options);
    } catch (error) {
      if (options.readBackLostAnswer !== true || !answerMayHaveBeenLost(error)) {
        throw error;
      }
      return this.#readBackLostMerge(serverId, metadata, error, options);
    }
  }

  /**
   * Replaces all of the server's metadata with `metadata` (spec §3.4): `PUT .../metadata`; `{}`
   * clears it. PUT is idempotent: retried as GET is.
   *
   * @returns the new map.
   * @throws as {@link EcsMetadataClient.updateServerMetadata}.
   */
  async replaceServerMetadata(
    serverId: string,
    metadata: Readonly<Record<string, string>>,
    options: WriteCallOptions = {},
  ): Promise<Metadata> {
    const request = buildReplaceServerMetadataRequest({
      ...this.#target,
      serverId,
      metadata,
      keyRules: options.keyRules,
      force: options.force,
    });
    return this.#send(request, replaceServerMetadataExpectation, options);
  }

  /**
   * Sets one item (spec §3.5): `PUT .../metadata/{key}` with `{"meta": {key: value}}`; the other
   * keys are kept. Idempotent: retried as GET is.
   *
   * @returns the value the server stored.
   * @throws as {@link EcsMetadataClient.updateServerMetadata}.
   */
  async setServerMetadataItem(serverId: string, key: string, value: string, options: WriteCallOptions = {}): Promise<string> {
    const request = buildSetServerMetadataItemRequest({
      ...this.#target,
      serverId,
      key,
      value,
      keyRules: options.keyRules,
      force: options.force,
    });
    return this.#send(request, setServerMetadataItemExpectation(key), options);
  }

  /**
   * Deletes one item (spec §3.6): `DELETE .../metadata/{key}`, answered 204. Idempotent: retried as
   * GET is. When an attempt's answer was lost and the retry finds the key gone (404 "Metadata item
   * was not found"), the earlier attempt did the work: that counts as success, but only when an
   * earlier attempt of this call was really sent (spec §8); a first-attempt 404 is a `NotFoundError`.
   *
   * @throws {ValidationError} for an invalid `serverId` or `key`, or a platform key without `force`.
   * @throws {NotFoundError} for an unknown key or server; others as {@link EcsMetadataClient.updateServerMetadata}.
   */
  async deleteServerMetadataItem(serverId: string, key: string, options: WriteCallOptions = {}): Promise<void> {
    const request = buildDeleteServerMetadataItemRequest({
      ...this.#target,
      serverId,
      key,
      keyRules: options.keyRules,
      force: options.force,
    });
    await this.#sendDelete(request, deleteServerMetadataItemExpectation, options);
  }

  /**
   * The ECS native merge (spec §3.7): `POST /v1/{project_id}/cloudservers/{server_id}/metadata`,
   * whatever `apiVersion` says. Retried only after a 429, as every POST.
   *
   * @returns the map the server answered with: Huawei does not document whether it is the complete
   *   map or only the pairs sent, so re-read the metadata when the full map matters.
   * @throws as {@link EcsMetadataClient.updateServerMetadata}; errors carry Huawei codes (`Ecs.0114`, ...).
   */
  async updateServerMetadataV1(
    serverId: string,
    metadata: Readonly<Record<string, string>>,
    options: WriteCallOptions = {},
  ): Promise<Metadata> {
    const request = buildUpdateServerMetadataV1Request({
      ...this.#target,
      serverId,
      metadata,
      keyRules: options.keyRules,
      force: options.force,
    });
    return this.#send(request, updateServerMetadataV1Expectation, options);
  }

  /**
   * The ECS native delete (spec §3.8): `DELETE /v1/{project_id}/cloudservers/{server_id}/metadata/{key}`;
   * any 2xx is a success. Retried, and a 404 for the key after a retry treated, as
   * {@link EcsMetadataClient.deleteServerMetadataItem}.
   *
   * @throws as {@link EcsMetadataClient.deleteServerMetadataItem}.
   */
  async deleteServerMetadataItemV1(serverId: string, key: string, options: WriteCallOptions = {}): Promise<void> {
    const request = buildDeleteServerMetadataItemV1Request({
      ...this.#target,
      serverId,
      key,
      keyRules: options.keyRules,
      force: options.force,
    });
    await this.#sendDelete(request, deleteServerMetadataItemV1Expectation, options);
  }

  /**
   * The id of a server given by id or by name, as `openstack server show` finds it (openstacksdk's
   * `find_server`): a UUID is taken as an id at once, without a request; anything else is first tried
   * as an id (`GET /servers/{id}`), then as an exact name ({@link findServerIdByName}).
   *
   * @returns the server's id.
   * @throws {NotFoundError} (404) when no server has that id or name.
   * @throws {ValidationError} (`server`) when several servers have that name: the message lists their ids.
   * @throws as {@link getServerMetadata} for every other failure.
   */
  async findServerId(server: string, options: CallOptions = {}): Promise<string> {
    if (isServerUuid(server)) {
      return server;
    }
    if (couldBeServerId(server)) {
      try {
        return (await this.#send(buildShowServerRequest({ ...this.#target, serverId: server }), showServerExpectation, options)).id;
      } catch (error) {
        if (!(error instanceof NotFoundError)) {
          throw error;
        }
      }
    }
    return this.findServerIdByName(server, options);
  }

  /**
   * The id of the one server named exactly `name`: `GET /servers?name=` (Nova matches a regular
   * expression; the name is escaped and anchored, and only exact matches are kept, as openstacksdk does).
   *
   * @throws {NotFoundError} (404) when no server has that name.
   * @throws {ValidationError} (`server`) when several do: the message lists their ids.
   */
  async findServerIdByName(name: string, options: CallOptions = {}): Promise<string> {
    const listed = await this.#send(buildFindServersByNameRequest({ ...this.#target, name }), listServersExpectation, options);
    const matches = exactServerMatches(name, listed);
    const [only] = matches;
    if (only === undefined) {
      throw new NotFoundError({ status: 404, code: 'itemNotFound', message: `No server with the id or name "${name}"`, requestId: undefined, bodyExcerpt: '' });
    }
    if (matches.length > 1) {
      throw new ValidationError('server', `${matches.length} servers are named "${name}": ${matches.map((match) => match.id).join(', ')}; give one of their ids`);
    }
    return only.id;
  }

  /** Ends the connection pool. Calls after `close()` open new connections. */
  close(): void {
    this.#transport?.close();
  }

  async #send<T>(request: EcsRequest, expectation: ResponseExpectation<T>, options: CallOptions): Promise<T> {
    return this.#sender.send(request, expectation, options);
  }

  /**
   * Sends a DELETE of one key: a 404 for the key after an earlier attempt whose answer was lost
   * means that attempt deleted it (spec §8); a 404 after a 429 or 503 is real.
   */
  async #sendDelete(request: EcsRequest, expectation: ResponseExpectation<void>, options: CallOptions): Promise<void> {
    await this.#sender.send(request, expectation, { ...options, deletesKey: true });
  }

  /**
   * A merge whose answer was lost: one GET decides (core's `judgeMergeReadBack`); the POST is not
   * sent again. The caller's abort stays an `AbortError`.
   */
  async #readBackLostMerge(
    serverId: string,
    sent: Readonly<Record<string, string>>,
    lostAnswer: EcsMetadataError,
    options: CallOptions,
  ): Promise<Metadata> {
    let current: Metadata;
    try {
      current = await this.getServerMetadata(serverId, { ...(options.signal === undefined ? {} : { signal: options.signal }) });
    } catch (error) {
      if (error instanceof AbortError) {
        throw error;
      }
      throw unconfirmedMergeError(lostAnswer, { readBackError: error as EcsMetadataError });
    }
    const verdict = judgeMergeReadBack(sent, current);
    if (verdict.applied) {
      return current;
    }
    throw unconfirmedMergeError(lostAnswer, { verdict });
  }

  async #resolveSigner(): Promise<RequestSigner> {
    this.#signer ??= this.#auth().catch((error: unknown) => {
      this.#signer = undefined; // a failed credential lookup may succeed next time
      throw error;
    });
    return this.#signer;
  }
}

function rateLimiterOf(option: EcsMetadataClientOptions['rateLimit']): AdaptiveRateLimiter | undefined {
  if (option === false) {
    return undefined;
  }
  return option instanceof AdaptiveRateLimiter ? option : new AdaptiveRateLimiter(option ?? {});
}

function toServerMetadataResult(result: BatchResult<Metadata>): ServerMetadataResult {
  return result.error === undefined
    ? { serverId: result.serverId, metadata: result.value }
    : { serverId: result.serverId, error: result.error };
}

/** The longest delay a timer can hold (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

function positiveInteger(option: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValidationError(option, `must be a positive integer, got ${String(value)}`);
  }
  return value;
}

function resolveRetryOptions(retry: Partial<RetryOptions> | false | undefined): RetryOptions {
  if (retry === false) {
    return { ...DEFAULT_RETRY_OPTIONS, limit: 0 };
  }
  const resolved = { ...DEFAULT_RETRY_OPTIONS, ...retry };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValidationError(`retry.${name}`, `must be a non-negative integer, got ${String(value)}`);
    }
  }
  return resolved;
}

