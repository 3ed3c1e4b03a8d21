import { apiVersionSchema } from '@ecs-metadata/core';
import { FAULT_MESSAGES } from './fault-bodies.js';
import {
  deleteServerMetadataItem,
  replaceServerMetadata,
  setServerMetadataItem,
  showServerMetadataItem,
  updateServerMetadata,
} from './nova-metadata-api.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import type { Route, RouteContext, RouteHandler } from './router.js';
import type { MockServer } from './store.js';

/** A Nova-compatible route, served under both `/v2` and `/v2.1` (spec §11). */
function novaRoute(method: string, path: string, handler: RouteHandler): Route {
  return {
    method,
    pattern: `/{version}/{projectId}${path}`,
    family: 'nova',
    where: { version: (version) => apiVersionSchema.safeParse(version).success },
    handler,
  };
}

/**
 * The server named by the path, in the token's project (the dispatcher has checked the project).
 *
 * @throws {HttpFault} 404 `itemNotFound` "Instance <id> could not be found." (spec §6.1).
 */
function requireServer({ store, params }: RouteContext): MockServer {
  const projectId = params['projectId'] as string;
  const serverId = params['serverId'] as string;
  const server = store.getServer(projectId, serverId);
  if (server === undefined) {
    throw new HttpFault(novaFaultReply(404, FAULT_MESSAGES.serverNotFound(serverId)));
  }
  return server;
}

/** Spec §3.1, list all metadata: 200 `{"metadata": {...}}`. */
function listServerMetadata(context: RouteContext): Reply {
  return { status: 200, json: { metadata: requireServer(context).metadata } };
}

/**
 * The Nova-compatible metadata API (spec §2, "Operation summary"): one entry per call. The write
 * handlers follow Nova's order of checks and messages (see `nova-metadata-api.ts`).
 */
export const NOVA_ROUTES: readonly Route[] = [
  novaRoute('GET', '/servers/{serverId}/metadata', listServerMetadata),
  novaRoute('POST', '/servers/{serverId}/metadata', updateServerMetadata),
  novaRoute('PUT', '/servers/{serverId}/metadata', replaceServerMetadata),
  novaRoute('GET', '/servers/{serverId}/metadata/{key}', showServerMetadataItem),
  novaRoute('PUT', '/servers/{serverId}/metadata/{key}', setServerMetadataItem),
  novaRoute('DELETE', '/servers/{serverId}/metadata/{key}', deleteServerMetadataItem),
];
