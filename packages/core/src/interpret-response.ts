import type { z } from 'zod';
import { decodeErrorResponse, excerpt, type ResponseContext } from './internal/decode-error.js';
import { EcsApiError, ResponseValidationError } from './errors.js';
import { type HeaderSource, readHeader, readRequestIdHeader } from './headers.js';
import { type Metadata, metadataResponseSchema } from './schemas.js';

/**
 * What an operation expects of a success: its status codes and, for calls that answer with a
 * body, the schema of that body and the part of it the caller wants.
 */
export interface ResponseExpectation<T> {
  /** The statuses that mean success; any other is decoded as an error. */
  readonly successStatuses: readonly number[];
  /** Picks the caller's result out of the body once `schema` accepted it; `undefined` for calls without a body. */
  readonly parse: ((body: unknown, status: number) => T) | undefined;
  /** The zod schema a success body must satisfy; `undefined` for calls without a body. */
  readonly schema: z.ZodType | undefined;
}

/** Expectation of "list all metadata" (spec §3.1): 200 `{"metadata": {...}}` → the map. */
export const getServerMetadataExpectation: ResponseExpectation<Metadata> = {
  successStatuses: [200],
  schema: metadataResponseSchema,
  parse: (body) => (body as z.infer<typeof metadataResponseSchema>).metadata,
};

/**
 * Interprets the answer to "list all metadata" (spec §3.1): the map on success, or throws a typed
 * error. The same as passing {@link getServerMetadataExpectation}.
 *
 * @throws {EcsApiError} (a subclass per status) for error statuses and refused redirects.
 * @throws {ResponseValidationError} for a success whose body breaks the schema; `path` names the
 *   failing JSON path (`$.metadata.wj`), or `$` for invalid JSON or a non-JSON content type.
 */
export function interpretResponse(status: number, headers: HeaderSource, bodyText: string): Metadata;
/**
 * Interprets a response: the typed result on success, or throws a typed error.
 *
 * @param expectation - what the operation expects: its success statuses, schema and result.
 * @param context - which attempt this response answered (errors report it), and the clock.
 * @throws {EcsApiError} (a subclass per status) for error statuses and refused redirects.
 * @throws {ResponseValidationError} for a success whose body breaks the schema; `path` names the
 *   failing JSON path (`$.metadata.wj`), or `$` for invalid JSON or a non-JSON content type.
 */
export function interpretResponse<T>(
  status: number,
  headers: HeaderSource,
  bodyText: string,
  expectation: ResponseExpectation<T>,
  context?: ResponseContext,
): T;
export function interpretResponse(
  status: number,
  headers: HeaderSource,
  bodyText: string,
  expectation: ResponseExpectation<unknown> = getServerMetadataExpectation,
  context: ResponseContext = {},
): unknown {
  if (status >= 300 && status <= 399) {
    const location = readHeader(headers, 'Location');
    throw new EcsApiError({
      status,
      code: 'redirect',
      message: `redirect${location === undefined ? '' : ` to ${location}`} refused: the client never follows redirects, which would forward credentials to another origin`,
      requestId: readRequestIdHeader(headers),
      bodyExcerpt: excerpt(bodyText),
      attempts: context.attempts ?? 1,
    });
  }
  if (status < 200 || status > 299) {
    throw decodeErrorResponse(status, headers, bodyText, context);
  }
  const details = { status, requestId: readRequestIdHeader(headers), bodyExcerpt: excerpt(bodyText) };
  if (!expectation.successStatuses.includes(status)) {
    throw new ResponseValidationError('$', `unexpected status ${status} (expected ${expectation.successStatuses.join(' or ')})`, details);
  }
  if (expectation.schema === undefined || expectation.parse === undefined) {
    return undefined;
  }
  const contentType = readHeader(headers, 'Content-Type');
  if (contentType === undefined || !/^application\/([\w.+-]+\+)?json\s*(;|$)/iu.test(contentType)) {
    throw new ResponseValidationError('$', `expected a JSON content type, got ${contentType === undefined ? 'none' : `"${contentType}"`}`, details);
  }
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw new ResponseValidationError('$', 'body is not valid JSON', details, { cause: error });
  }
  const result = expectation.schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = formatJsonPath(issue?.path ?? []);
    throw new ResponseValidationError(path, issue?.message ?? 'does not match the schema', details, { cause: result.error });
  }
  return expectation.parse(result.data, status);
}

/** `['metadata', 'wj']` → `$.metadata.wj`; keys that are not identifiers are bracketed. */
export function formatJsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') {
      return `${acc}[${part}]`;
    }
    const name = String(part);
    return /^[A-Za-z_$][\w$]*$/u.test(name) ? `${acc}.${name}` : `${acc}[${JSON.stringify(name)}]`;
  }, '$');
}
