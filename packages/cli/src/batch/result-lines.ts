import { type BatchResult, EcsApiError, type EcsMetadataError, type Metadata, type ServerMetadataResult } from '@ecs-metadata/client';

/** The `error` member of an NDJSON line: what a script needs to act on, never a secret. */
export interface ErrorSummary {
  name: string;
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
}

/** Name, message and, for an API error, status, code and request id. */
export function summarizeError(error: EcsMetadataError): ErrorSummary {
  const summary: ErrorSummary = { name: error.name, message: error.message };
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
 * `{"serverId":...,"error":{...}}`.
 */
export function ndjsonResult(serverId: string, error: EcsMetadataError | undefined, success: () => Record<string, unknown>): string {
  return error === undefined ? `${JSON.stringify({ serverId, ...success() })}\n` : `${JSON.stringify({ serverId, error: summarizeError(error) })}\n`;
}

/** One line for a person at a terminal: `<server-id>  <success>` or `<server-id>  NotFoundError: ...`. */
export function textResult(serverId: string, error: EcsMetadataError | undefined, success: () => string): string {
  return error === undefined ? `${serverId}  ${success()}\n` : `${serverId}  ${error.name}: ${error.message}\n`;
}

/** `{"serverId":...,"metadata":{...}}` or `{"serverId":...,"error":{...}}`, one line. */
export function ndjsonLine(result: ServerMetadataResult): string {
  return ndjsonResult(result.serverId, result.error, () => ({ metadata: result.metadata }));
}

/** For a person at a terminal: `<server-id>  {"k":"v"}` or `<server-id>  NotFoundError: ...`. */
export function textLine(result: ServerMetadataResult): string {
  return textResult(result.serverId, result.error, () => JSON.stringify(result.metadata));
}

/** A batch result as `{serverId, metadata}` or `{serverId, error}`: the lines of `get` and `set`. */
export function toMetadataResult(result: BatchResult<Metadata>): ServerMetadataResult {
  return result.error === undefined ? { serverId: result.serverId, metadata: result.value } : { serverId: result.serverId, error: result.error };
}
