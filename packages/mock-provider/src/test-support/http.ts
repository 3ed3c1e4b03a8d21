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
