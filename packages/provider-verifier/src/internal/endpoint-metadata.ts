import {
  buildGetServerMetadataRequest,
  buildReplaceServerMetadataRequest,
  type EcsRequest,
  EcsMetadataError,
  encodePathSegment,
  getServerMetadataExpectation,
  interpretResponse,
  type Metadata,
  replaceServerMetadataExpectation,
  type ResponseExpectation,
  toTransportError,
} from '@ecs-metadata/core';
import { createNodeHttpFetch, type RequestSigner } from '@ecs-metadata/client';
import { authenticationHeaders } from './provider-auth.js';

/** A server on a real endpoint, and the credential to reach it. */
export interface EndpointServer {
  readonly baseUrl: string;
  /** The run's credential: signs each of the verifier's own requests. */
  readonly signer: RequestSigner;
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

/**
 * Locks or unlocks a server: `POST /v2.1/{project_id}/servers/{server_id}/action` with
 * `{"lock": null}` or `{"unlock": null}`; Nova answers 202 with an empty body.
 *
 * @throws {Error} naming the status and the start of the body for any other answer;
 *   {NetworkError}, {TimeoutError} as the metadata calls.
 */
export async function setServerLock(server: EndpointServer, lock: boolean): Promise<void> {
  const url = `${server.baseUrl}/v2.1/${encodePathSegment('projectId', server.projectId)}/servers/${encodePathSegment('serverId', server.serverId)}/action`;
  const action = lock ? 'lock' : 'unlock';
  const body = JSON.stringify({ [action]: null });
  const headers = { 'Content-Type': 'application/json', Accept: 'application/json', 'X-Project-Id': server.projectId };
  const { status, text } = await exchange(server, { method: 'POST', url, headers, body }, `POST ${url} (${action})`);
  if (status !== 202) {
    throw new Error(`${action} of server ${server.serverId} answered ${status}: ${text.slice(0, 200)}`);
  }
}

function targetOf(server: EndpointServer): { endpoint: string; projectId: string; serverId: string; apiVersion: 'v2.1' } {
  return { endpoint: server.baseUrl, projectId: server.projectId, serverId: server.serverId, apiVersion: 'v2.1' };
}

async function send(server: EndpointServer, request: EcsRequest, expectation: ResponseExpectation<Metadata>): Promise<Metadata> {
  // core builds and validates the URL, headers and body; the verifier only sends them.
  const { status, headers, text } = await exchange(server, request, `${request.method} ${request.url}`);
  return interpretResponse(status, headers, text, expectation);
}

/**
 * Signs and sends one request, and reads its answer under the body cap. Transport failures become
 * core's `NetworkError`/`TimeoutError` (one mapping for the whole toolkit), with the request's
 * credentials blanked from the message.
 */
async function exchange(
  server: EndpointServer,
  request: {
    readonly method: string;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body?: string | undefined;
  },
  subject: string,
): Promise<{ status: number; headers: Headers; text: string }> {
  // Signed before the deadline starts (a password login has its own).
  const credentials = await authenticationHeaders(server.signer, { ...request, body: request.body });
  // The client's transport: never follows a redirect (it would carry the credential to another
  // origin, STYLE "Errors") and reads the body under the cap before resolving.
  const transport = createNodeHttpFetch({ maxResponseBytes: BODY_LIMIT_BYTES, maxSockets: 1 });
  const deadline = AbortSignal.timeout(server.timeoutMs);
  try {
    const response = await transport(request.url, {
      method: request.method,
      headers: { ...request.headers, ...credentials },
      body: request.body,
      signal: deadline,
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    if (error instanceof EcsMetadataError) {
      throw error;
    }
    throw toTransportError(error, {
      attempts: 1,
      timedOut: deadline.aborted,
      timeoutMs: server.timeoutMs,
      subject: `${subject} failed`,
      secrets: Object.values(credentials),
    });
  } finally {
    transport.close();
  }
}
