import { EcsApiError, type EcsMetadataError, type ServerMetadataResult } from '@ecs-metadata/client';
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
 * `{"serverId":...,"metadata":{...}}` or `{"serverId":...,"error":{...}}`, one line. JSON escapes
 * control characters itself.
 */
export function ndjsonLine(result: ServerMetadataResult, secrets?: SecretRegistry): string {
  return result.error === undefined
    ? `${JSON.stringify({ serverId: result.serverId, metadata: result.metadata })}\n`
    : `${JSON.stringify({ serverId: result.serverId, error: summarizeError(result.error, secrets) })}\n`;
}

/**
 * For a person at a terminal: `<server-id>  {"k":"v"}` or `<server-id>  NotFoundError: ...`, each
 * part one line with its control characters escaped (an id from a file, a server's message).
 */
export function textLine(result: ServerMetadataResult, secrets?: SecretRegistry): string {
  const detail = result.error === undefined ? JSON.stringify(result.metadata) : `${result.error.name}: ${summarizeError(result.error, secrets).message}`;
  return `${escapeLine(result.serverId)}  ${escapeLine(detail)}\n`;
}
