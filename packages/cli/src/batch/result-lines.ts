import { EcsApiError, type EcsMetadataError, type ServerMetadataResult } from '@ecs-metadata/client';

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

/** `{"serverId":...,"metadata":{...}}` or `{"serverId":...,"error":{...}}`, one line. */
export function ndjsonLine(result: ServerMetadataResult): string {
  return result.error === undefined
    ? `${JSON.stringify({ serverId: result.serverId, metadata: result.metadata })}\n`
    : `${JSON.stringify({ serverId: result.serverId, error: summarizeError(result.error) })}\n`;
}

/** For a person at a terminal: `<server-id>  {"k":"v"}` or `<server-id>  NotFoundError: ...`. */
export function textLine(result: ServerMetadataResult): string {
  return result.error === undefined ? `${result.serverId}  ${JSON.stringify(result.metadata)}\n` : `${result.serverId}  ${result.error.name}: ${result.error.message}\n`;
}
