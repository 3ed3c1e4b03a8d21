import { createApiError, type EcsApiError, type EcsApiErrorDetails } from '../errors.js';
import { type HeaderSource, parseRetryAfter, readHeader, readRequestIdHeader } from '../headers.js';
import { gatewayErrorSchema, huaweiErrorSchema, novaFaultSchema } from '../schemas.js';

/** How much of a body an error keeps, for logs and bug reports. */
export const BODY_EXCERPT_LENGTH = 512;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The start of a body, for error reports. */
export function excerpt(bodyText: string): string {
  return bodyText.length > BODY_EXCERPT_LENGTH ? `${bodyText.slice(0, BODY_EXCERPT_LENGTH)}…` : bodyText;
}

/**
 * What {@link decodeFaultBody} found in an error body; each field is `undefined` when the body
 * did not carry it.
 */
export interface DecodedFault {
  /** The gateway's `error_code`, Huawei's or Keystone's `error.code` (as a string), or Nova's fault name (`itemNotFound`, ...). */
  code: string | undefined;
  /** `error_msg`, `error.message` (else `error.title`), or the Nova fault's `message`. */
  message: string | undefined;
  /** The API gateway's `request_id` from the body (the response headers' id takes precedence). */
  requestId: string | undefined;
  /** A Nova fault's `retryAfter`, as a string and unparsed. */
  retryAfter: string | undefined;
}

/**
 * Reads whichever of the three fault bodies arrived (spec §6.4, in its order): the API gateway's
 * `{error_code, error_msg}`, Huawei's (or Keystone's) `{error: {code, message}}`, Nova's
 * `{faultName: {code, message}}`. Anything else (HTML, empty, plain text) decodes to nothing.
 */
export function decodeFaultBody(bodyText: string): DecodedFault {
  const none: DecodedFault = { code: undefined, message: undefined, requestId: undefined, retryAfter: undefined };
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return none;
  }
  const gateway = gatewayErrorSchema.safeParse(body);
  if (gateway.success) {
    return { ...none, code: gateway.data.error_code, message: gateway.data.error_msg, requestId: gateway.data.request_id };
  }
  const huawei = huaweiErrorSchema.safeParse(body);
  if (huawei.success) {
    const { code, message, title } = huawei.data.error;
    return { ...none, code: String(code), message: message ?? title };
  }
  const nova = novaFaultSchema.safeParse(body);
  if (nova.success) {
    const [name, fault] = Object.entries(nova.data)[0] as [string, { message: string; retryAfter?: unknown }];
    const retryAfter = typeof fault.retryAfter === 'string' || typeof fault.retryAfter === 'number' ? String(fault.retryAfter) : undefined;
    return { ...none, code: name, message: fault.message, retryAfter };
  }
  return none;
}

/** What the caller knows of a response beyond its status, headers and body. */
export interface ResponseContext {
  /** Which attempt of its call this response answered (1 for the first); the error reports it. */
  readonly attempts?: number | undefined;
  /** The clock a `Retry-After` date is measured against; default `Date.now()`. */
  readonly now?: number | undefined;
}

/**
 * Turns an error response into the {@link EcsApiError} subclass of its status ({@link createApiError}),
 * a 429 with the `Retry-After` it carried.
 * The message falls back to the status text for empty or non-JSON (HTML) bodies.
 */
export function decodeErrorResponse(status: number, headers: HeaderSource, bodyText: string, context: ResponseContext = {}): EcsApiError {
  const fault = decodeFaultBody(bodyText);
  const details: EcsApiErrorDetails = {
    status,
    code: fault.code,
    message: fault.message ?? STATUS_TEXT[status] ?? `HTTP status ${status}`,
    requestId: readRequestIdHeader(headers) ?? fault.requestId,
    bodyExcerpt: excerpt(bodyText),
    attempts: context.attempts ?? 1,
  };
  const retryAfterMs = status === 429 ? parseRetryAfter(readHeader(headers, 'Retry-After') ?? fault.retryAfter, context.now ?? Date.now()) : undefined;
  return createApiError({ ...details, retryAfterMs });
}
