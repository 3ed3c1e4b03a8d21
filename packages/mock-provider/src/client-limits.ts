import { ConfigError } from '@ecs-metadata/core';
import type { Duplex } from 'node:stream';

/**
 * How long the mock waits for a slow client, in ms. node:http's own defaults (60 s for headers,
 * 5 min for a request, checked only every 30 s) let a handful of slowloris connections sit for
 * minutes; a loopback test server can be stricter. A client too slow gets node:http's `408` and
 * is disconnected; other connections are served meanwhile.
 */
export interface ClientTimeouts {
  /** To receive a request's headers, from the connection or the previous request; default 10 000. */
  readonly headersMs?: number;
  /** To receive a whole request, headers and body; default 30 000, at least `headersMs`. */
  readonly requestMs?: number;
  /** How long an idle keep-alive connection stays open; default 5 000 (node:http's). */
  readonly keepAliveMs?: number;
}

/** The defaults of {@link ClientTimeouts}. */
export const DEFAULT_CLIENT_TIMEOUTS: Readonly<Required<ClientTimeouts>> = Object.freeze({
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
});

/** node:http server options enforcing {@link ClientTimeouts}. */
export interface ServerTimeoutOptions {
  readonly headersTimeout: number;
  readonly requestTimeout: number;
  readonly keepAliveTimeout: number;
  /** How often node:http looks for expired requests: often enough that a timeout lands near its time. */
  readonly connectionsCheckingInterval: number;
}

/**
 * Checks {@link ClientTimeouts} and turns them into node:http server options.
 *
 * @throws {ConfigError} (setting `clientTimeouts.<name>`) for a value that is not a positive
 *   integer, or a `requestMs` below `headersMs` (node:http refuses that combination).
 */
export function serverTimeoutOptions(timeouts: ClientTimeouts = {}): ServerTimeoutOptions {
  const resolved = { ...DEFAULT_CLIENT_TIMEOUTS, ...definedOnly(timeouts) };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new ConfigError(`clientTimeouts.${name}`, `clientTimeouts.${name} must be a positive integer of milliseconds, got ${String(value)}`);
    }
  }
  if (resolved.requestMs < resolved.headersMs) {
    throw new ConfigError('clientTimeouts.requestMs', `clientTimeouts.requestMs (${resolved.requestMs}) must be at least clientTimeouts.headersMs (${resolved.headersMs})`);
  }
  return {
    headersTimeout: resolved.headersMs,
    requestTimeout: resolved.requestMs,
    keepAliveTimeout: resolved.keepAliveMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(resolved.headersMs / 4))),
  };
}

function definedOnly(timeouts: ClientTimeouts): Partial<Record<keyof ClientTimeouts, number>> {
  return Object.fromEntries(Object.entries(timeouts).filter(([, value]) => value !== undefined));
}

/**
 * Answers a `CONNECT` request (a proxy tunnel, which the mock is not): node:http hands those to a
 * `connect` listener and, without one, drops the connection unanswered. A 400 and a close, as
 * node:http answers any other method it cannot route.
 */
export function refuseTunnel(socket: Duplex): void {
  socket.on('error', () => socket.destroy());
  socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
}
