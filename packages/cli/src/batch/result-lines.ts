import { type BatchResult, EcsApiError, type EcsMetadataError, type Metadata, type ServerMetadataResult } from '@ecs-metadata/client';
import { errorMessage } from '../error-message.js';
import { escapeLine, type SecretRegistry } from '../terminal.js';

/** The `error` member of an NDJSON line: what a script needs to act on, never a secret. */
export interface ErrorSummary {
  name: string;
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
}

/** Name, message (in the CLI's words, credentials masked) and, for an API error, status, code and request id. */
export function summarizeError(error: EcsMetadataError, secrets: SecretRegistry | undefined): ErrorSummary {
  const summary: ErrorSummary = { name: error.name, message: secrets?.redact(errorMessage(error)) ?? errorMessage(error) };
  if (error instanceof EcsApiError) {
    summary.status = error.status;
    if (error.code !== undefined) {
      summary.code = error.code;
    }
    if (error.requestId !== undefined) {
      summary.requestId = error.requestId;
    }
  }
  return summary;
}

/**
 * One NDJSON line of a batch: `{"serverId":..., ...success}` (the members `success` gives) or
 * `{"serverId":...,"error":{...}}`. JSON escapes control characters itself.
 */
export function ndjsonResult(
  serverId: string,
  error: EcsMetadataError | undefined,
  success: () => Record<string, unknown>,
  secrets?: SecretRegistry,
): string {
  return error === undefined
    ? `${JSON.stringify({ serverId, ...success() })}\n`
    : `${JSON.stringify({ serverId, error: summarizeError(error, secrets) })}\n`;
}

/**
 * One line for a person at a terminal: `<server-id>  <success>` or `<server-id>  NotFoundError: ...`,
 * each part one line with its control characters escaped (an id from a file, a server's message).
 */
export function textResult(serverId: string, error: EcsMetadataError | undefined, success: () => string, secrets?: SecretRegistry): string {
  const detail = error === undefined ? success() : `${error.name}: ${summarizeError(error, secrets).message}`;
  return `${escapeLine(serverId)}  ${escapeLine(detail)}\n`;
}

/** `{"serverId":...,"metadata":{...}}` or `{"serverId":...,"error":{...}}`, one line. */
export function ndjsonLine(result: ServerMetadataResult, secrets?: SecretRegistry): string {
  return ndjsonResult(result.serverId, result.error, () => ({ metadata: result.metadata }), secrets);
}

/** For a person at a terminal: `<server-id>  {"k":"v"}` or `<server-id>  NotFoundError: ...`. */
export function textLine(result: ServerMetadataResult, secrets?: SecretRegistry): string {
  return textResult(result.serverId, result.error, () => JSON.stringify(result.metadata), secrets);
}

/** A batch result as `{serverId, metadata}` or `{serverId, error}`: the lines of `get` and `set`. */
export function toMetadataResult(result: BatchResult<Metadata>): ServerMetadataResult {
  return result.error === undefined
    ? { serverId: result.serverId, metadata: result.value }
    : { serverId: result.serverId, error: result.error };
}
