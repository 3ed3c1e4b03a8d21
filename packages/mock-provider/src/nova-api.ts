import { apiVersionSchema } from '@ecs-metadata/core';
import { FAULT_MESSAGES } from './fault-bodies.js';
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
 * The Nova-compatible metadata API (spec §2, "Operation summary"). Only the seed call for now;
 * show item, merge, replace, set item and delete item join as one entry each.
 */
export const NOVA_ROUTES: readonly Route[] = [novaRoute('GET', '/servers/{serverId}/metadata', listServerMetadata)];
