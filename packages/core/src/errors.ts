/**
 * The error hierarchy of the toolkit. Every error thrown by core, client, CLI helpers and verifier
 * is an {@link EcsMetadataError}; callers branch with `instanceof`.
 *
 * ```
 * EcsMetadataError
 * ├─ ValidationError, ConfigError   before any I/O; names the input
 * ├─ NetworkError ← TimeoutError    no (complete) response
 * ├─ AbortError                     the caller's signal
 * ├─ ResponseValidationError        2xx breaking the schema (← ResponseTooLargeError)
 * └─ EcsApiError                    status, code, message, requestId, attempts, bodyExcerpt
 *    └─ PermissionDeniedError ← MetadataLimitExceededError (403 over the 128-item limit), ...
 * ```
 */

/** Base class of every error raised by the toolkit. */
export class EcsMetadataError extends Error {
  override name = 'EcsMetadataError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** An input (argument, flag, id, key, value) was refused before any request was sent. */
export class ValidationError extends EcsMetadataError {
  override name = 'ValidationError';
  /** The name of the refused input, as the caller knows it (e.g. `serverId`). */
  readonly parameter: string;
  constructor(parameter: string, message: string, options?: { cause?: unknown }) {
    super(`Invalid ${parameter}: ${message}`, options);
    this.parameter = parameter;
  }
}

/** The configuration (endpoint, credentials, profile, environment) is incomplete or invalid. */
export class ConfigError extends EcsMetadataError {
  override name = 'ConfigError';
  /** The setting at fault (e.g. `endpoint`). */
  readonly setting: string;
  constructor(setting: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.setting = setting;
  }
}

/** No complete response arrived: connection refused or reset, DNS failure, body cut short. */
export class NetworkError extends EcsMetadataError {
  override name = 'NetworkError';
  /** How many attempts were made in total. */
  readonly attempts: number;
  constructor(message: string, options: { cause?: unknown; attempts: number }) {
    super(message, options);
    this.attempts = options.attempts;
  }
}

/** An attempt (headers and body) took longer than the configured timeout. */
export class TimeoutError extends NetworkError {
  override name = 'TimeoutError';
}

/** The caller's `AbortSignal` fired; nothing more is sent. */
export class AbortError extends EcsMetadataError {
  override name = 'AbortError';
}

/** Details common to errors raised while interpreting a response. */
export interface ResponseDetails {
  status: number;
  requestId: string | undefined;
  bodyExcerpt: string;
  attempts?: number;
}

/**
 * A success response (2xx) whose body breaks the API's schema: invalid JSON, a non-JSON content
 * type, a missing `metadata`, a non-string value. `path` names the failing JSON path (`$.metadata.wj`).
 */
export class ResponseValidationError extends EcsMetadataError {
  override name = 'ResponseValidationError';
  readonly path: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly bodyExcerpt: string;
  constructor(path: string, reason: string, details: ResponseDetails, options?: { cause?: unknown }) {
    super(`Invalid response body at ${path}: ${reason}${formatRequestId(details.requestId)}`, options);
    this.path = path;
    this.status = details.status;
    this.requestId = details.requestId;
    this.bodyExcerpt = details.bodyExcerpt;
  }
}

/** The response body exceeded the configured cap; it was not read further. */
export class ResponseTooLargeError extends EcsMetadataError {
  override name = 'ResponseTooLargeError';
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    super(`Response body exceeds the limit of ${limitBytes} bytes`);
    this.limitBytes = limitBytes;
  }
}

/** Fields of an API error, decoded from whichever of the three fault bodies arrived. */
export interface EcsApiErrorDetails extends ResponseDetails {
  /** Fault name (`itemNotFound`), Huawei code (`Ecs.0114`) or gateway code (`APIG.0301`). */
  code: string | undefined;
  /** The server's message, or the status text when the body carried none. */
  message: string;
  /** The URL that was requested, without credentials. */
  url?: string;
}

/** The API answered with an error status. Subclasses per status class; `code` and `requestId` as sent. */
export class EcsApiError extends EcsMetadataError {
  override name = 'EcsApiError';
  readonly status: number;
  readonly code: string | undefined;
  readonly requestId: string | undefined;
  readonly bodyExcerpt: string;
  /** How many attempts were made (1 when it was not retried), as the client counted when it created the error. */
  readonly attempts: number;
  /** The server's own message, without the decorations of `message`. */
  readonly serverMessage: string;
  constructor(details: EcsApiErrorDetails, options?: { cause?: unknown }) {
    // Keystone's `{"error": {"code": 401}}` repeats the status: "HTTP 401: …", not "HTTP 401 401: …".
    const code = details.code === undefined || details.code === String(details.status) ? '' : ` ${details.code}`;
    super(`HTTP ${details.status}${code}: ${details.message}${formatRequestId(details.requestId)}`, options);
    this.status = details.status;
    this.code = details.code;
    this.requestId = details.requestId;
    this.bodyExcerpt = details.bodyExcerpt;
    this.attempts = details.attempts ?? 1;
    this.serverMessage = details.message;
  }
}

/** 400: the request was malformed or invalid (schema, URI/body mismatch, project mismatch). */
export class BadRequestError extends EcsApiError {
  override name = 'BadRequestError';
}
/** 401: the credential is missing, expired or invalid, or the signature does not verify. */
export class AuthenticationError extends EcsApiError {
  override name = 'AuthenticationError';
}
/** 403: the credential lacks permission, or a quota (128 metadata items) was exceeded. */
export class PermissionDeniedError extends EcsApiError {
  override name = 'PermissionDeniedError';
}
/**
 * 403 for the item limit (spec §4.1): the metadata would hold more than 128 items after the write
 * (Nova's `forbidden` "Maximum number of metadata items exceeds 128"). The limit is the server's
 * quota, so only the server can tell (DECISIONS "Item count").
 */
export class MetadataLimitExceededError extends PermissionDeniedError {
  override name = 'MetadataLimitExceededError';
}
/** 404: unknown server, unknown metadata key, or unknown path. */
export class NotFoundError extends EcsApiError {
  override name = 'NotFoundError';
}
/** 409: the server is locked or in a state that forbids the change. */
export class ConflictError extends EcsApiError {
  override name = 'ConflictError';
}
/** 413: request entity too large (legacy Nova size errors, gateway body limit). */
export class OverLimitError extends EcsApiError {
  override name = 'OverLimitError';
}
/** 429: flow control. `retryAfterMs` is the server's `Retry-After`, when it sent one. */
export class RateLimitError extends EcsApiError {
  override name = 'RateLimitError';
  readonly retryAfterMs: number | undefined;
  constructor(details: EcsApiErrorDetails & { retryAfterMs: number | undefined }, options?: { cause?: unknown }) {
    super(details, options);
    this.retryAfterMs = details.retryAfterMs;
  }
}
/** 5xx: the service or a gateway in front of it failed. */
export class ServerError extends EcsApiError {
  override name = 'ServerError';
}

/** The details {@link createApiError} builds an error from: a 429's `retryAfterMs` too. */
export interface ApiErrorInit extends EcsApiErrorDetails {
  /** The server's `Retry-After` in milliseconds; kept by {@link RateLimitError} only. */
  retryAfterMs?: number | undefined;
}

// Nova's wording of the item quota (spec §6.1): "Maximum number of metadata items exceeds 128".
const METADATA_LIMIT_MESSAGE = /maximum number of metadata items exceeds/iu;

/**
 * The {@link EcsApiError} subclass of a status, the one place that maps a status to a class: 400,
 * 401, 403 (`MetadataLimitExceededError` for Nova's item-limit message), 404, 409, 413, 429 (with
 * `retryAfterMs`), 5xx; any other status gives the base class. Used for decoded responses and for
 * an error rebuilt with a redacted message (the password login), so both get the same class.
 */
export function createApiError(details: ApiErrorInit, options?: { cause?: unknown }): EcsApiError {
  switch (details.status) {
    case 400:
      return new BadRequestError(details, options);
    case 401:
      return new AuthenticationError(details, options);
    case 403:
      return METADATA_LIMIT_MESSAGE.test(details.message)
        ? new MetadataLimitExceededError(details, options)
        : new PermissionDeniedError(details, options);
    case 404:
      return new NotFoundError(details, options);
    case 409:
      return new ConflictError(details, options);
    case 413:
      return new OverLimitError(details, options);
    case 429:
      return new RateLimitError({ ...details, retryAfterMs: details.retryAfterMs }, options);
    default:
      return details.status >= 500 && details.status <= 599 ? new ServerError(details, options) : new EcsApiError(details, options);
  }
}

function formatRequestId(requestId: string | undefined): string {
  return requestId === undefined ? '' : ` (request id ${requestId})`;
}

/**
 * A merge (POST) whose answer was lost — a reset or a timeout after it was sent, or a gateway's 502
 * or 504 — and which a read-back of the server did not confirm. A POST is never resent blindly
 * (spec §8): the server was read back instead, and either lacked the items sent (`readBack:
 * 'not-applied'`) or could not be read (`'failed'`: whether it was applied is unknown). `cause` is
 * the lost attempt's error; the exit code and the retry advice follow it.
 */
export class UnconfirmedWriteError extends EcsMetadataError {
  override name = 'UnconfirmedWriteError';
  /** What reading the server back showed: the items were not there, or the read itself failed. */
  readonly readBack: 'not-applied' | 'failed';
  /** The error of the attempt whose answer was lost (a `NetworkError`, `TimeoutError` or 502/504). */
  readonly lostAnswer: EcsMetadataError;
  constructor(message: string, options: { lostAnswer: EcsMetadataError; readBack: 'not-applied' | 'failed'; cause?: unknown }) {
    super(message, { cause: options.cause ?? options.lostAnswer });
    this.lostAnswer = options.lostAnswer;
    this.readBack = options.readBack;
  }
}
