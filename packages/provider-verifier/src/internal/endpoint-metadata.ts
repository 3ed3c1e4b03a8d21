import {
  buildGetServerMetadataRequest,
  buildReplaceServerMetadataRequest,
  type EcsRequest,
  EcsMetadataError,
  getServerMetadataExpectation,
  interpretResponse,
  type Metadata,
  replaceServerMetadataExpectation,
  type ResponseExpectation,
  ResponseTooLargeError,
  toTransportError,
} from '@ecs-metadata/core';
import { AUTH_TOKEN_HEADER } from './contract.js';

/** A server on a real endpoint, and the credential to reach it. */
export interface EndpointServer {
  readonly baseUrl: string;
  readonly token: string;
  readonly projectId: string;
  readonly serverId: string;
  /** Per-request deadline in milliseconds. */
  readonly timeoutMs: number;
}

/** Bodies of the metadata calls are small; anything bigger is not the API. */
const BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Lists a server's metadata: `GET /v2.1/{project_id}/servers/{server_id}/metadata` (spec §3.1).
 *
 * @throws {EcsApiError} (a subclass per status), {ResponseValidationError}, {NetworkError}.
 */
export async function readServerMetadata(server: EndpointServer): Promise<Metadata> {
  return send(server, buildGetServerMetadataRequest(targetOf(server)), getServerMetadataExpectation);
}

/**
 * Replaces a server's metadata: `PUT /v2.1/{project_id}/servers/{server_id}/metadata` with
 * `{"metadata": {...}}`; Nova answers 200 with the new map (spec §3.4). Built by core's replace
 * builder with Nova's key rules and `force`: the map is one the server held (the original being
 * put back, platform keys included) or one of the contract's states.
 *
 * @throws {EcsApiError} (a subclass per status), {ResponseValidationError}, {NetworkError}.
 */
export async function replaceServerMetadata(server: EndpointServer, metadata: Metadata): Promise<Metadata> {
  return send(server, buildReplaceServerMetadataRequest({ ...targetOf(server), metadata, keyRules: 'nova', force: true }), replaceServerMetadataExpectation);
}

function targetOf(server: EndpointServer): { endpoint: string; projectId: string; serverId: string; apiVersion: 'v2.1' } {
  return { endpoint: server.baseUrl, projectId: server.projectId, serverId: server.serverId, apiVersion: 'v2.1' };
}

async function send(server: EndpointServer, request: EcsRequest, expectation: ResponseExpectation<Metadata>): Promise<Metadata> {
  // core builds and validates the URL, headers and body; the verifier only sends them.
  const { method, url, body } = request;
  const headers = { ...request.headers, [AUTH_TOKEN_HEADER]: server.token };
  let response: Response;
  let text: string;
  try {
    // Never follow a redirect: it would carry the token to another origin (STYLE "Errors").
    response = await fetch(url, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(server.timeoutMs) });
    text = await readCapped(response);
  } catch (error) {
    if (error instanceof EcsMetadataError) {
      throw error;
    }
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw toTransportError(error, { attempts: 1, timedOut, timeoutMs: server.timeoutMs, subject: `${method} ${url} failed`, secrets: [server.token] });
  }
  return interpretResponse(response.status, response.headers, text, expectation);
}

async function readCapped(response: Response): Promise<string> {
  if (response.body === null) {
    return '';
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }
    size += value.byteLength;
    if (size > BODY_LIMIT_BYTES) {
      await reader.cancel();
      throw new ResponseTooLargeError(BODY_LIMIT_BYTES);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
