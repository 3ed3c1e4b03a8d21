import type { ServerResponse } from 'node:http';
import { novaFault } from './fault-bodies.js';

/** What a handler answers; written by {@link sendReply}. */
export interface Reply {
  readonly status: number;
  /** Serialised as the JSON body. */
  readonly json?: unknown;
  /** Sent verbatim instead of `json` (fault rules). */
  readonly text?: string;
  /** Added to, and overriding, the headers every response carries. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Headers every response carries that this one must not (case-insensitive names). */
  readonly omitHeaders?: readonly string[];
}

/**
 * Thrown by handlers and helpers to answer with an error: the dispatcher writes its `reply`.
 * Keeps handlers linear (validate, look up, answer) instead of threading early returns.
 */
export class HttpFault extends Error {
  override name = 'HttpFault';
  readonly reply: Reply;
  constructor(reply: Reply) {
    super(`HTTP ${reply.status}`);
    this.reply = reply;
  }
}

/** Nova's content type on faults (its successes send plain `application/json`; docs/conformance.md). */
export const NOVA_FAULT_CONTENT_TYPE = 'application/json; charset=UTF-8';

/** A Nova fault reply (spec §6.1), with the content type Nova sends on faults. */
export function novaFaultReply(status: number, message: string): Reply {
  return { status, json: novaFault(status, message), headers: { 'Content-Type': NOVA_FAULT_CONTENT_TYPE } };
}

// Statuses that must not carry a body or a Content-Length (RFC 9110 §8.6).
const NO_BODY_STATUSES = new Set([204, 304]);

/**
 * Writes `reply` in one `writeHead`, after `baseHeaders` (the per-request ids and version headers),
 * with the reply's own headers overriding case-insensitively. Does nothing once the client is gone.
 */
export function sendReply(res: ServerResponse, reply: Reply, baseHeaders: Readonly<Record<string, string>>): void {
  if (res.headersSent || res.destroyed) {
    return;
  }
  const { headers, text } = prepareReply(reply, baseHeaders);
  res.writeHead(reply.status, headers);
  res.end(NO_BODY_STATUSES.has(reply.status) ? undefined : text);
}

/**
 * The headers and body text `reply` is sent with: `baseHeaders`, `Content-Length` (none for 204 and
 * 304), then the reply's own headers, each overriding case-insensitively, less its `omitHeaders`.
 */
export function prepareReply(
  reply: Reply,
  baseHeaders: Readonly<Record<string, string>>,
): { headers: Record<string, string>; text: string } {
  const text = reply.text ?? (reply.json === undefined ? '' : JSON.stringify(reply.json));
  const headers = new Map<string, [string, string]>();
  const set = (name: string, value: string): void => {
    headers.set(name.toLowerCase(), [name, value]);
  };
  for (const [name, value] of Object.entries(baseHeaders)) {
    set(name, value);
  }
  if (!NO_BODY_STATUSES.has(reply.status)) {
    set('Content-Length', String(Buffer.byteLength(text)));
  }
  for (const [name, value] of Object.entries(reply.headers ?? {})) {
    set(name, value);
  }
  for (const name of reply.omitHeaders ?? []) {
    headers.delete(name.toLowerCase());
  }
  return { headers: Object.fromEntries(headers.values()), text };
}
