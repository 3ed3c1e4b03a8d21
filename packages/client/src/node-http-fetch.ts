import { ResponseTooLargeError } from '@ecs-metadata/core';
import type { FetchLike } from './fetch-types.js';

// Taken as CommonJS modules, not imported: the ES module facade of `node:http` reads every export,
// and its lazy web exports load node's undici and web streams, ~15-25 ms of a one-shot CLI call
// (docs/performance.md "Issue 15").
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/** Statuses whose responses must be built without a body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** Options of {@link createNodeHttpFetch}. */
export interface NodeHttpFetchOptions {
  /** Largest response body accepted, in bytes; a larger one rejects with ResponseTooLargeError. */
  maxResponseBytes: number;
  /** Sockets kept per origin; default 64. */
  maxSockets?: number;
}

/** A `fetch` over node:http/https with its own keep-alive pool; `close()` ends that pool. */
export interface NodeHttpFetch extends FetchLike {
  /** Ends the keep-alive pool: destroys its sockets, idle or in use; later requests open new connections. */
  close(): void;
}

/**
 * A `fetch` over node:http and node:https, with one keep-alive pool per client.
 *
 * Why not the global fetch: on Node 20 it compiles a WASM HTTP parser on first use (~230 ms at
 * start) and costs several times the CPU per request of node's native parser. This adapter also
 * never follows redirects (a 3xx comes back as a response, so `X-Auth-Token` cannot be forwarded
 * to another origin), and it reads the whole body, up to `maxResponseBytes`, before resolving:
 * the client's per-attempt deadline then covers a slow body as well as slow headers.
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions): NodeHttpFetch {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };

  /** Sends one request with node:http(s) and reads its whole answer under the cap. */
  const send = (outgoing: OutgoingRequest): Promise<RawAnswer> => {
    const { url, method, headers, body, signal } = outgoing;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.reject(new TypeError(`unsupported protocol ${url.protocol}`));
    }
    if (body !== undefined) {
      headers['content-length'] = String(body.byteLength);
    }
    const [transport, agent] = url.protocol === 'https:' ? [https, agents['https:']] : [http, agents['http:']];
    return new Promise<RawAnswer>((resolve, reject) => {
      const request = transport.request(
        url,
        { method, headers, agent, ...(signal === undefined ? {} : { signal }) },
        (response) => {
          const declared = Number(response.headers['content-length']);
          if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
            response.destroy();
            reject(new ResponseTooLargeError(options.maxResponseBytes));
            return;
          }
          const chunks: Buffer[] = [];
          let received = 0;
          response.on('data', (chunk: Buffer) => {
            received += chunk.byteLength;
            if (received > options.maxResponseBytes) {
              response.destroy();
              reject(new ResponseTooLargeError(options.maxResponseBytes));
              return;
            }
            chunks.push(chunk);
          });
          response.on('error', reject);
          // A body cut short (wrong Content-Length, reset mid-body) closes without 'end'.
          response.on('close', () => {
            if (!response.complete) {
              reject(Object.assign(new Error('connection closed before the response body was complete'), { code: 'ECONNRESET' }));
            }
          });
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            if (status < 200 || status > 599) {
              // No API answer may have it, and the Response constructor refuses it.
              reject(new TypeError(`invalid HTTP response: status ${status}`));
              return;
            }
            resolve({ status, statusMessage: response.statusMessage ?? '', rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) });
          });
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  };

  const nodeHttpFetch = async (resource: Request | string | URL, init?: RequestInit): Promise<Response> => {
    const answer = await send(resource instanceof Request ? await fromRequest(resource, init) : fromInit(resource, init));
    return new Response(NULL_BODY_STATUSES.has(answer.status) ? null : answer.body, {
      status: answer.status,
      statusText: answer.statusMessage,
      headers: toHeaders(answer.rawHeaders),
    });
  };

  return Object.assign(nodeHttpFetch, {
    close(): void {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** An answer as node:http gave it, its body read whole. */
interface RawAnswer {
  readonly status: number;
  readonly statusMessage: string;
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

/** What node:http needs of a request. */
interface OutgoingRequest {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  readonly signal: AbortSignal | undefined;
}

async function fromRequest(request: Request, init: RequestInit | undefined): Promise<OutgoingRequest> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
  return { url: new URL(request.url), method: request.method, headers, body, signal: init?.signal ?? request.signal };
}

/** A URL and init read as they are: building a `Request` for them would cost one per call. */
function fromInit(resource: string | URL, init: RequestInit | undefined): OutgoingRequest {
  const headers: Record<string, string> = {};
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init?.body;
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new TypeError('createNodeHttpFetch sends string bodies only');
  }
  return {
    url: new URL(resource),
    method: init?.method ?? 'GET',
    headers,
    body: typeof body === 'string' ? Buffer.from(body) : undefined,
    signal: init?.signal ?? undefined,
  };
}

function toHeaders(rawHeaders: readonly string[]): Headers {
  const headers = new Headers();
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    headers.append(rawHeaders[index] as string, rawHeaders[index + 1] as string);
  }
  return headers;
}

/**
 * Wraps a caller-supplied `fetch` so that it, too, reads the whole body under the size cap before
 * resolving (the same guarantees as {@link createNodeHttpFetch}).
 */
export function withBufferedBody(fetchImplementation: FetchLike, maxResponseBytes: number): FetchLike {
  return async (input, init) => {
    const response = await fetchImplementation(input, init);
    const body = response.body === null ? null : await readCapped(response.body, maxResponseBytes);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

async function readCapped(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      return Buffer.concat(chunks);
    }
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
}
