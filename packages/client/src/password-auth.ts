import {
  AbortError,
  buildPasswordLoginRequest,
  ConfigError,
  createApiError,
  EcsApiError,
  EcsMetadataError,
  type EcsRequest,
  interpretPasswordLoginResponse,
  type PasswordLogin,
  type PasswordLoginParams,
  readRequestIdHeaders,
  RateLimitError,
  toTransportError,
} from '@ecs-metadata/core';
import type { CredentialProvider, LoginDetails, RequestSigner, SignableRequest } from './auth.js';
import type { FetchLike } from './fetch-types.js';
import { createNodeHttpFetch, withBufferedBody } from './node-http-fetch.js';
import { redactSecrets } from './secret.js';

/** Refresh a token this long before it expires: 30 minutes (spec §9.1). */
export const DEFAULT_REFRESH_BEFORE_EXPIRY_MS = 30 * 60 * 1000;
/** How long one login may take, headers and body: 30 s. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 30_000;
// A Huawei catalog with every service is a few hundred KB; the token header several KB.
const MAX_LOGIN_RESPONSE_BYTES = 4 * 1024 * 1024;
// How many requests' tokens are remembered, to tell a 401 for an old token (already renewed:
// resend with the new one) from a 401 for the current token (renew). Bounded, oldest dropped.
const REMEMBERED_REQUESTS = 256;

/** One answered login (or token lookup), as reported to {@link PasswordAuthOptions.onResponse} (never the token or password). */
export interface LoginEvent {
  method: 'POST' | 'GET';
  url: string;
  status: number;
  attempt: number;
  requestId: string | undefined;
  /** Every request-id header the identity service sent. */
  requestIds: Readonly<Partial<Record<string, string>>>;
}

/**
 * Options of {@link passwordAuth}: the login's parameters (`authUrl`, `username`, `password` —
 * kept in the provider's closure, never a property, error or log line — domains and project, as
 * core's {@link PasswordLoginParams}), plus caching and transport.
 */
export interface PasswordAuthOptions extends PasswordLoginParams {
  /**
   * Log in again this long before the token expires; default 30 minutes (spec §9.1). Never more
   * than half the token's lifetime, so a short-lived token is still used for half its life.
   */
  refreshBeforeExpiryMs?: number | undefined;
  /** Timeout of one login, headers and body, in ms; default 30000. */
  timeoutMs?: number | undefined;
  /** Replaces the built-in node:http transport for the login (bodies are still read under a cap). */
  fetch?: FetchLike | undefined;
  /** The clock deciding when the token is due for refresh; default `Date.now`. */
  now?: (() => number) | undefined;
  /** Observes each login's response (for `--verbose`); sees neither the token nor the password. */
  onResponse?: ((event: LoginEvent) => void) | undefined;
}

interface CachedLogin {
  readonly login: PasswordLogin;
  /** Local time after which the token is renewed before use. */
  readonly refreshAt: number;
  /** Local time the login completed. */
  readonly obtainedAt: number;
}

/**
 * IAM / Keystone v3 password login (spec §9.1): `POST {authUrl}/v3/auth/tokens` scoped to the
 * project, the token taken from `X-Subject-Token` and sent as `X-Auth-Token`.
 *
 * - The login happens on the first request (or {@link RequestSigner.loginDetails}), not here.
 * - The token is cached until `refreshBeforeExpiryMs` before `expires_at` (the lifetime is measured
 *   from `issued_at`, so a skewed local clock does not matter), then renewed before the next request.
 * - Concurrent requests share one login in flight.
 * - On a 401 the client calls `refresh()` once: a new login, then one resend (DECISIONS "Requests
 *   and retries"). Requests rejected together share that login; a request rejected with a token
 *   that has been renewed since is resent without another. A refused login is not repeated.
 * - `loginDetails()` exposes the catalog, so a client given no endpoint takes the compute endpoint
 *   from it (see `createEcsMetadataClient`).
 *
 * The password lives only in this function's closure (not a property of the provider or signer,
 * so `JSON.stringify` and `util.inspect` cannot show it); errors never contain it nor the token.
 *
 * @example
 * ```ts
 * const auth = passwordAuth({ authUrl: 'https://iam.myhuaweicloud.com/v3', username: 'li',
 *   password: process.env.OS_PASSWORD ?? '', userDomainName: 'acme', projectId });
 * ```
 * @throws {ConfigError} naming `authUrl`, `username`, `password`, `projectId`, a domain,
 *   `refreshBeforeExpiryMs`, `timeoutMs`, `fetch` or `now`, at once, before any I/O.
 */
export function passwordAuth(options: PasswordAuthOptions): CredentialProvider {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('authUrl', 'passwordAuth needs { authUrl, username, password, projectId | projectName }');
  }
  // Validates every parameter now, so a configuration mistake surfaces before the first request.
  const request = buildPasswordLoginRequest({
    authUrl: options.authUrl,
    username: options.username,
    password: options.password,
    userDomainName: options.userDomainName,
    userDomainId: options.userDomainId,
    projectId: options.projectId,
    projectName: options.projectName,
    projectDomainName: options.projectDomainName,
    projectDomainId: options.projectDomainId,
    userAgent: options.userAgent,
  });
  return keystoneLoginAuth(request, { ...options, subject: 'password login', secrets: [options.password] });
}

/** How a login is sent and cached: the options of {@link passwordAuth} that are not its parameters. */
export type KeystoneLoginOptions = Pick<PasswordAuthOptions, 'refreshBeforeExpiryMs' | 'timeoutMs' | 'fetch' | 'now' | 'onResponse'> & {
  /** What the login is, in errors: `password login`, `application credential login`. */
  readonly subject: string;
  /** What the request holds that no error may show (the password, the secret). */
  readonly secrets: readonly string[];
};

/**
 * The token of a Keystone v3 login (`request`, built and validated by the caller), cached and
 * renewed as {@link passwordAuth} describes; shared by every credential that logs in.
 *
 * @throws {ConfigError} naming `refreshBeforeExpiryMs`, `timeoutMs`, `fetch` or `now`.
 */
export function keystoneLoginAuth(request: EcsRequest, options: KeystoneLoginOptions): CredentialProvider {
  const { fetch: customFetch, now = Date.now, onResponse, subject, secrets } = options;
  const refreshBeforeExpiryMs = nonNegativeInteger('refreshBeforeExpiryMs', options.refreshBeforeExpiryMs ?? DEFAULT_REFRESH_BEFORE_EXPIRY_MS);
  const timeoutMs = nonNegativeInteger('timeoutMs', options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS);
  if (timeoutMs === 0) {
    throw new ConfigError('timeoutMs', 'timeoutMs must be a positive number of milliseconds');
  }
  if (customFetch !== undefined && typeof customFetch !== 'function') {
    throw new ConfigError('fetch', 'fetch must be a function');
  }
  if (typeof now !== 'function') {
    throw new ConfigError('now', 'now must be a function returning epoch milliseconds');
  }

  let cached: CachedLogin | undefined;
  let inFlight: Promise<CachedLogin> | undefined;
  let lastFailure: unknown;
  let attempts = 0;
  // The login in flight can be abandoned, but only once every caller waiting for it has given up.
  let loginController: AbortController | undefined;
  let waiters = 0;
  // The token each recent request (method and URL) was signed with.
  const tokenOfRequest = new Map<string, string>();
  const remember = (request: SignableRequest, token: string): void => {
    const key = `${request.method} ${request.url}`;
    tokenOfRequest.delete(key);
    tokenOfRequest.set(key, token);
    if (tokenOfRequest.size > REMEMBERED_REQUESTS) {
      tokenOfRequest.delete(tokenOfRequest.keys().next().value as string);
    }
  };

  const logIn = async (abandon: AbortSignal): Promise<CachedLogin> => {
    attempts += 1;
    const login = await sendLogin(request, { subject, timeoutMs, customFetch, onResponse, attempt: attempts, secrets, abandon });
    const obtainedAt = now();
    const lifetime = login.expiresAt - (login.issuedAt ?? obtainedAt);
    const margin = Math.min(refreshBeforeExpiryMs, Math.max(0, lifetime) / 2);
    return { login, obtainedAt, refreshAt: obtainedAt + lifetime - margin };
  };

  const renew = (): Promise<CachedLogin> => {
    if (inFlight === undefined) {
      const controller = new AbortController();
      loginController = controller;
      // Each handler touches the shared state only while this login is still the one in flight: an
      // abandoned login is dropped at once (below), and a fresh one may have started since.
      const login: Promise<CachedLogin> = logIn(controller.signal).then(
        (fresh) => {
          cached = fresh;
          if (inFlight === login) {
            lastFailure = undefined;
            inFlight = undefined;
          }
          return fresh;
        },
        (error: unknown) => {
          if (inFlight === login) {
            cached = undefined;
            // An abandoned login was not refused: the next call simply logs in again.
            lastFailure = error instanceof AbortError ? lastFailure : error;
            inFlight = undefined;
          }
          throw error;
        },
      );
      inFlight = login;
    }
    return inFlight;
  };

  /** Cancels the login in flight, once nobody waits for it, and forgets it: the next call starts afresh. */
  const abandon = (controller: AbortController | undefined, reason: unknown): void => {
    controller?.abort(reason);
    if (controller !== undefined && loginController === controller) {
      inFlight = undefined;
      loginController = undefined;
    }
  };

  /**
   * Waits for `login` unless `signal` aborts first (then rejects with an `AbortError` at once). When
   * the last waiter gives up, the login's request is cancelled too; while others wait, it goes on.
   */
  const waitFor = (login: Promise<CachedLogin>, signal: AbortSignal | undefined): Promise<CachedLogin> => {
    const controller = loginController;
    waiters += 1;
    return new Promise<CachedLogin>((resolve, reject) => {
      let done = false;
      const settle = (): boolean => {
        if (done) {
          return false;
        }
        done = true;
        waiters -= 1;
        signal?.removeEventListener('abort', onAbort);
        return true;
      };
      const onAbort = (): void => {
        if (settle()) {
          reject(new AbortError('The password login was abandoned: the caller aborted', { cause: signal?.reason }));
          if (waiters === 0) {
            abandon(controller, signal?.reason);
          }
        }
      };
      login.then(
        (value) => settle() && resolve(value),
        (error: unknown) => settle() && reject(error),
      );
      if (signal?.aborted === true) {
        onAbort();
      } else {
        signal?.addEventListener('abort', onAbort, { once: true });
      }
    });
  };

  const current = (signal?: AbortSignal): Promise<CachedLogin> =>
    cached !== undefined && now() < cached.refreshAt ? Promise.resolve(cached) : waitFor(renew(), signal);

  const signer: RequestSigner = {
    sign: async (request, options) => {
      const { token } = (await current(options?.signal)).login;
      remember(request, token);
      return { 'X-Auth-Token': token };
    },
    refresh: async (rejected, options) => {
      if (inFlight !== undefined) {
        await waitFor(inFlight, options?.signal); // another request is renewing the token already
        return true;
      }
      if (cached === undefined && lastFailure !== undefined) {
        return false; // the login itself was refused: a second one would be refused too
      }
      const used = rejected === undefined ? undefined : tokenOfRequest.get(`${rejected.method} ${rejected.url}`);
      if (cached !== undefined && used !== undefined && used !== cached.login.token) {
        return true; // rejected with an older token: another request has renewed it since
      }
      await waitFor(renew(), options?.signal);
      return true;
    },
    loginDetails: async (options): Promise<LoginDetails> => {
      const { login } = await current(options?.signal);
      return { catalog: login.catalog, projectId: login.project?.id };
    },
  };
  return () => Promise.resolve(signer);
}

/** How {@link sendLogin} sends one login. */
export interface LoginTransport {
  /** What the login is, in errors: `password login`, `token lookup`. */
  subject: string;
  timeoutMs: number;
  customFetch: FetchLike | undefined;
  onResponse: ((event: LoginEvent) => void) | undefined;
  attempt: number;
  secrets: readonly string[];
  /** Aborted when every caller waiting for this login has given up. */
  abandon: AbortSignal;
}

/** One login (or token lookup) over HTTP; every error is a toolkit error whose text holds neither secret nor token. */
export async function sendLogin(request: EcsRequest, transport: LoginTransport): Promise<PasswordLogin> {
  const what = `${transport.subject} (${request.method} ${request.url})`;
  const What = `${what.charAt(0).toUpperCase()}${what.slice(1)}`;
  const own =
    transport.customFetch === undefined ? createNodeHttpFetch({ maxResponseBytes: MAX_LOGIN_RESPONSE_BYTES, maxSockets: 1 }) : undefined;
  const send = own ?? withBufferedBody(transport.customFetch as FetchLike, MAX_LOGIN_RESPONSE_BYTES);
  const timeout = AbortSignal.timeout(transport.timeoutMs);
  const signal = AbortSignal.any([timeout, transport.abandon]);
  let response: Response;
  let bodyText: string;
  try {
    response = await send(request.url, { method: request.method, headers: request.headers, body: request.body ?? null, redirect: 'manual', signal });
    bodyText = await response.text();
  } catch (error) {
    if (error instanceof EcsMetadataError) {
      throw error; // ResponseTooLargeError
    }
    if (transport.abandon.aborted) {
      throw new AbortError(`${What} abandoned: every caller aborted`, { cause: transport.abandon.reason });
    }
    throw toTransportError(error, { attempts: 1, timedOut: timeout.aborted, timeoutMs: transport.timeoutMs, subject: `${What} failed`, secrets: transport.secrets });
  } finally {
    own?.close();
  }
  const requestId = response.headers.get('X-Request-Id') ?? response.headers.get('X-Openstack-Request-Id') ?? undefined;
  transport.onResponse?.({ method: request.method === 'GET' ? 'GET' : 'POST', url: request.url, status: response.status, attempt: transport.attempt, requestId, requestIds: readRequestIdHeaders(response.headers) });
  try {
    return interpretPasswordLoginResponse(response.status, response.headers, bodyText);
  } catch (error) {
    throw withLoginContext(error, what, transport.secrets);
  }
}

/**
 * Names the login in an API error's message and removes any echo of the password from it. Other
 * errors (a malformed success) pass unchanged: they carry no request data.
 */
function withLoginContext(error: unknown, what: string, secrets: readonly string[]): unknown {
  if (error instanceof EcsApiError) {
    const message = `${what} refused: ${redactSecrets(error.serverMessage, secrets)}`;
    const bodyExcerpt = redactSecrets(error.bodyExcerpt, secrets);
    // The original is the cause unless it held an echo of the password.
    const redacted = bodyExcerpt !== error.bodyExcerpt || !message.endsWith(error.serverMessage);
    // createApiError picks the class of the status, as for the original: the same class, its details redacted.
    return createApiError(
      {
        status: error.status,
        code: error.code,
        message,
        requestId: error.requestId,
        bodyExcerpt,
        attempts: error.attempts,
        retryAfterMs: error instanceof RateLimitError ? error.retryAfterMs : undefined,
      },
      redacted ? {} : { cause: error },
    );
  }
  return error;
}

function nonNegativeInteger(setting: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new ConfigError(setting, `${setting} must be a non-negative integer number of milliseconds, got ${String(value)}`);
  }
  return value;
}
