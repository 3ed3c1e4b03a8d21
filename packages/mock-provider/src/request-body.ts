import type { IncomingMessage } from 'node:http';
import { FAULT_MESSAGES } from './fault-bodies.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';

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
  return decodeUtf8(await readRawBody(req, limit));
}

/**
 * Reads a request body as raw bytes, at most `limit` bytes: what an AK/SK signature hashes
 * (spec §9.2); empty when the request has none.
 *
 * @throws {HttpFault} `tooLarge` (default: 413 `overLimit`) when the body is larger.
 */
export async function readRawBody(req: IncomingMessage, limit: number = MAX_REQUEST_BODY_BYTES, tooLarge?: Reply): Promise<Buffer> {
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
    throw new HttpFault(tooLarge ?? novaFaultReply(413, FAULT_MESSAGES.requestTooLarge));
  }
  return Buffer.concat(chunks);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new HttpFault(novaFaultReply(400, FAULT_MESSAGES.malformedBody));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
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
  return parseJson(await readRequestBody(req, limit));
}

/** One request's body, read from the socket at most once and shared by its readers. */
export interface BodyReader {
  /** The raw bytes (for signature checks); see {@link readRawBody}. */
  bytes(): Promise<Buffer>;
  /** The body as JSON; see {@link readJsonBody}. */
  json(): Promise<unknown>;
}

/**
 * A {@link BodyReader} for `req`: the AK/SK check hashes the raw bytes before the handler parses
 * the same bytes as JSON, and a request stream can be read only once.
 */
export function createBodyReader(req: IncomingMessage, limit: number = MAX_REQUEST_BODY_BYTES, tooLarge?: Reply): BodyReader {
  let bytes: Promise<Buffer> | undefined;
  const read = (): Promise<Buffer> => (bytes ??= readRawBody(req, limit, tooLarge));
  return {
    bytes: read,
    json: async () => parseJson(decodeUtf8(await read())),
  };
}
