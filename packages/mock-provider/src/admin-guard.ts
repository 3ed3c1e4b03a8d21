import { readHeader } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { hasEmptyBody } from './metadata-rules.js';
import { HttpFault, novaFaultReply } from './reply.js';

/** The host and port the mock listens on, from its URL (`http://127.0.0.1:8774`). */
interface ListenAddress {
  readonly hostname: string;
  readonly port: string;
}

const WILDCARDS: ReadonlySet<string> = new Set(['0.0.0.0', '::']);
const LOOPBACK_NAMES: ReadonlySet<string> = new Set(['localhost', '::1']);

const isLoopback = (hostname: string): boolean => LOOPBACK_NAMES.has(hostname) || (isIP(hostname) === 4 && hostname.startsWith('127.'));

/** `name` and `port` of a `Host` value (`127.0.0.1:8774`, `[::1]:8774`); `undefined` when it has no port. */
function splitHost(value: string): { hostname: string; port: string } | undefined {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d+)$/u.exec(value.trim());
  if (match === null) {
    return undefined;
  }
  return { hostname: (match[1] as string).replace(/^\[|\]$/gu, '').toLowerCase(), port: match[2] as string };
}

/**
 * Whether a `Host` value names the address the mock listens on: that address (or, on a loopback
 * address, `localhost`, and the reverse), with its port; on a wildcard address (`0.0.0.0`, `::`)
 * any IP literal or `localhost`. A DNS name is never accepted otherwise: that is what a DNS
 * rebinding page on the same machine would send.
 */
export function namesListenAddress(hostHeader: string, listen: ListenAddress): boolean {
  const host = splitHost(hostHeader);
  if (host === undefined || host.port !== listen.port) {
    return false;
  }
  if (host.hostname === listen.hostname) {
    return true;
  }
  if (WILDCARDS.has(listen.hostname)) {
    return isIP(host.hostname) !== 0 || host.hostname === 'localhost';
  }
  return isLoopback(listen.hostname) && isLoopback(host.hostname);
}

const forbidden = (message: string): HttpFault => new HttpFault(novaFaultReply(403, message));

/**
 * Refuses an admin API request (issue 16 item 7) that a web page could have sent, before it is
 * routed: a `Host` that does not name the mock's own address (DNS rebinding) → 403; an `Origin` of
 * another site (a cross-site form or fetch) → 403; a `Content-Type` other than `application/json`
 * (with or without parameters), or a body without one → 415 (a page can post `text/plain` or a
 * form without a CORS preflight, never JSON). Requests from tests and tools (no `Origin`, JSON
 * bodies, the mock's URL) pass unchanged.
 *
 * @throws {HttpFault} 403 `forbidden` or 415 `badMediaType`, the message naming the refused header.
 */
export function guardAdminRequest(req: IncomingMessage, mockUrl: string): void {
  const url = new URL(mockUrl);
  const listen = { hostname: url.hostname.replace(/^\[|\]$/gu, '').toLowerCase(), port: url.port };
  const host = readHeader(req.headers, 'Host') ?? '';
  if (!namesListenAddress(host, listen)) {
    throw forbidden(`The admin API answers only requests to the mock's own address (${url.host}); Host: ${JSON.stringify(host)} refused`);
  }
  const origin = readHeader(req.headers, 'Origin');
  if (origin !== undefined && !isOwnOrigin(origin, listen)) {
    throw forbidden(`The admin API refuses cross-site requests; Origin: ${JSON.stringify(origin)} refused`);
  }
  const contentType = readHeader(req.headers, 'Content-Type');
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  if ((contentType !== undefined && mediaType !== 'application/json') || (contentType === undefined && !hasEmptyBody(req))) {
    throw new HttpFault(
      novaFaultReply(415, `The admin API takes only application/json; Content-Type: ${contentType === undefined ? '(none, with a body)' : JSON.stringify(contentType)} refused`),
    );
  }
}

/** Whether an `Origin` is the mock's own (`http://` and a host {@link namesListenAddress} accepts). */
function isOwnOrigin(origin: string, listen: ListenAddress): boolean {
  const match = /^http:\/\/([^/]+)$/u.exec(origin.trim());
  return match !== null && namesListenAddress(match[1] as string, listen);
}
