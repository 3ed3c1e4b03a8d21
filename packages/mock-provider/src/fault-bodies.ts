import { STATUS_CODES } from 'node:http';
import type { WebobError } from './webob-errors.js';

/**
 * Error bodies exactly as the real services word them, so that clients, pacts and the verifier
 * see the same text from the mock as from Nova (spec §6.1 "Canonical messages") and Keystone.
 */

/** Nova fault names by HTTP status (spec §6.1); any other status is a `computeFault`. */
const NOVA_FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

// Used when a fault rule names only a status: webob's explanations, which Nova puts in its faults.
const DEFAULT_FAULT_MESSAGES: Readonly<Record<number, string>> = {
  400: 'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  401: 'This server could not verify that you are authorized to access the document you requested.',
  403: 'Access was denied to this resource.',
  404: 'The resource could not be found.',
  405: 'The method is not allowed for this resource.',
  409: 'There was a conflict when trying to complete your request.',
  413: 'Request is too large.',
  415: 'Unsupported Content-Type',
  429: 'This request was rate-limited.',
  501: 'The requested functionality is not supported.',
  503: 'The server is currently unavailable. Please try again at a later time.',
};

const SERVER_ERROR_MESSAGE = 'The server has either erred or is incapable of performing the requested operation.';

/** Canonical messages of the faults the mock raises itself (spec §6.1). */
export const FAULT_MESSAGES = {
  unknownResource: 'The resource could not be found.',
  serverNotFound: (serverId: string): string => `Instance ${serverId} could not be found.`,
  projectMismatch: (urlProjectId: string, contextProjectId: string): string =>
    `Malformed request URL: URL's project_id '${urlProjectId}' doesn't match Context's project_id '${contextProjectId}'`,
  requestTooLarge: 'Request is too large.',
  malformedBody: 'Malformed request body',
  unexpected: (error: unknown): string =>
    `Unexpected API Error. ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
} as const;

/** Nova's `[wsgi] max_request_body_size` default: larger bodies are refused before authentication. */
export const NOVA_MAX_REQUEST_BODY_BYTES = 114688;

/** The errors Nova raises outside its API layer, rendered by webob (see `webob-errors.ts`). */
export const WEBOB_ERRORS = {
  notFound: { status: 404, title: 'Not Found', explanation: 'The resource could not be found.' },
  requestTooLarge: {
    status: 413,
    title: 'Request Entity Too Large',
    explanation: `Request is too large. Larger than max_request_body_size (${NOVA_MAX_REQUEST_BODY_BYTES}).`,
  },
} as const satisfies Record<string, WebobError>;

/** The fault name Nova uses for `status` (spec §6.1). */
export function novaFaultName(status: number): string {
  return NOVA_FAULT_NAMES[status] ?? 'computeFault';
}

/** A Nova fault body, `{"itemNotFound": {"code": 404, "message": "..."}}`; `retryAfter` as Nova adds it to 413/429. */
export function novaFault(
  status: number,
  message: string,
  retryAfter?: string,
): Record<string, { code: number; message: string; retryAfter?: string }> {
  return { [novaFaultName(status)]: retryAfter === undefined ? { code: status, message } : { code: status, message, retryAfter } };
}

/**
 * Keystone middleware's answer to a missing or unknown token (DECISIONS "Mock provider"): it runs in
 * front of Nova, so a 401 never has a Nova fault body.
 */
export const KEYSTONE_UNAUTHORIZED_BODY = Object.freeze({
  error: Object.freeze({ code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' }),
});

/** `WWW-Authenticate` as keystonemiddleware sends it, pointing at the identity service. */
export function keystoneChallenge(providerUrl: string): string {
  return `Keystone uri="${providerUrl}/identity"`;
}

/**
 * The body a fault rule answers when it names a status but no body: the fault of spec §6.1 for an
 * error status (Keystone's for 401, as the mock's own 401), nothing for any other status.
 * `retryAfter` is copied into 413/429 faults from the rule's `Retry-After`, as Nova does.
 */
export function defaultFaultBody(status: number, retryAfter: string | undefined): string {
  if (status < 400) {
    return '';
  }
  if (status === 401) {
    return JSON.stringify(KEYSTONE_UNAUTHORIZED_BODY);
  }
  const message = DEFAULT_FAULT_MESSAGES[status] ?? SERVER_ERROR_MESSAGE;
  return JSON.stringify(novaFault(status, message, status === 413 || status === 429 ? retryAfter : undefined));
}

/** The content type of {@link gatewayErrorPage}, as nginx sends it. */
export const GATEWAY_PAGE_CONTENT_TYPE = 'text/html';

/**
 * The error page a reverse proxy in front of the API (nginx, as many gateways are) answers when
 * the service behind it fails: HTML, not JSON, so a client must fall back to the status text.
 *
 * @example `gatewayErrorPage(502)` → `<html><head><title>502 Bad Gateway</title></head>…<center>nginx</center>…`
 */
export function gatewayErrorPage(status: number): string {
  const line = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${line}</title></head>\r\n<body>\r\n<center><h1>${line}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const PADDED_BODY_PREFIX = '{"metadata":{"pad":"';
const PADDED_BODY_SUFFIX = '"}}';

/** The smallest body {@link paddedMetadataBody} can make: `{"metadata":{"pad":""}}`. */
export const MIN_PADDED_BODY_BYTES = PADDED_BODY_PREFIX.length + PADDED_BODY_SUFFIX.length;

/**
 * A valid metadata answer of exactly `bytes` bytes, `{"metadata":{"pad":"xxx…"}}`: an oversized
 * body that would be a success if the client accepted its size (its one value is longer than
 * spec §4's 255 characters, too). `bytes` must be at least {@link MIN_PADDED_BODY_BYTES}.
 */
export function paddedMetadataBody(bytes: number): string {
  return `${PADDED_BODY_PREFIX}${'x'.repeat(Math.max(0, bytes - MIN_PADDED_BODY_BYTES))}${PADDED_BODY_SUFFIX}`;
}
