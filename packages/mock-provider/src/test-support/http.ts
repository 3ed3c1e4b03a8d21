import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { type IncomingHttpHeaders, request } from 'node:http';
import { DEMO_TOKEN } from '../fixture.js';

/** A response as read by {@link rawRequest}. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Options of {@link rawRequest}. */
export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  signal?: AbortSignal;
}

/**
 * One request over node:http with the path sent exactly as given: fetch and `URL` would resolve
 * `..` and `%2e%2e` before sending, which is what the traversal tests must avoid. A fresh
 * connection each time (no agent), so one test's connection cannot leak into another.
 */
export function rawRequest(baseUrl: string, path: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: false, signal: options.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The seed call's path: `/{version}/{project}/servers/{server}/metadata`, ids inserted as given. */
export function metadataPath(options: { version?: string; projectId?: string; serverId?: string } = {}): string {
  return `/${options.version ?? 'v2.1'}/${options.projectId ?? EXAMPLE_PROJECT_ID}/servers/${options.serverId ?? EXAMPLE_SERVER_ID}/metadata`;
}

/** Headers carrying the default fixture's token. */
export const AUTH_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'X-Auth-Token': DEMO_TOKEN });

/** {@link AUTH_HEADERS} with a JSON content type: what a metadata write sends. */
export const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({ ...AUTH_HEADERS, 'Content-Type': 'application/json' });

/** One request to the mock (or any server with a `url`); `body` is sent as is when a string, else as JSON. */
export function sendJson(
  server: { readonly url: string },
  method: string,
  path: string,
  body?: unknown,
  headers: Readonly<Record<string, string>> = JSON_HEADERS,
): Promise<RawResponse> {
  return rawRequest(server.url, path, {
    method,
    headers: { ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
}

/** `[status, parsed body]` of a response (`''` for an empty body): one value to compare. */
export const answerOf = (res: RawResponse): [number, unknown] => [res.status, res.text === '' ? '' : JSON.parse(res.text)];
