import type { IncomingMessage } from 'node:http';
import { FAULT_MESSAGES } from './fault-bodies.js';
import { HttpFault, novaFaultReply } from './reply.js';

/** The largest request body the mock reads: 1 MiB. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

// Past the limit the rest is read and dropped, so the client finishes sending and then reads the
// 413 (answering mid-upload makes clients see a reset instead); past this much more, we hang up.
const DISCARD_CEILING_BYTES = 64 * 1024 * 1024;

/**
 * Reads a request body as UTF-8 text, at most `limit` bytes.
 *
 * @throws {HttpFault} 413 `overLimit` when the body is larger, 400 `badRequest` when it is not UTF-8.
 */
export async function readRequestBody(req: IncomingMessage, limit: number = MAX_REQUEST_BODY_BYTES): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit + DISCARD_CEILING_BYTES) {
      req.socket.destroy();
      break;
    }
    if (size <= limit) {
      chunks.push(chunk);
    }
  }
  if (size > limit) {
    throw new HttpFault(novaFaultReply(413, FAULT_MESSAGES.requestTooLarge));
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HttpFault(novaFaultReply(400, FAULT_MESSAGES.malformedBody));
  }
}

/**
 * Reads and parses a JSON request body.
 *
 * @throws {HttpFault} 413 as {@link readRequestBody}; 400 `badRequest` "Malformed request body"
 *   (Nova's wording) for anything that is not JSON, the empty body included.
 */
export async function readJsonBody(req: IncomingMessage, limit: number = MAX_REQUEST_BODY_BYTES): Promise<unknown> {
  const text = await readRequestBody(req, limit);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpFault(novaFaultReply(400, FAULT_MESSAGES.malformedBody));
  }
}
