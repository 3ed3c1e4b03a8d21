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

/** Nova's message for an action name it does not know (`servers.py` `_action`). */
const noSuchAction = (action: string): string => `There is no such action: ${action}`;

/**
 * `POST /servers/{id}/action`, the lock and unlock actions only (DECISIONS 2026-12-06 "Mock servers
 * API"): `{"lock": null}` (or, since microversion 2.73, `{"lock": {"locked_reason": "..."}}`) and
 * `{"unlock": null}` answer 202 with an empty body, as Nova does; locking a locked server or
 * unlocking an unlocked one is accepted too. A locked server then refuses metadata writes with 409
 * "Instance <id> is locked". The project's token may lock its own servers (Nova's default policy
 * `os_compute_api:os-lock-server:lock` is admin-or-owner). Any other action is 400, an unknown
 * server 404.
 */
async function serverAction(context: RouteContext): Promise<Reply> {
  const server = requireServer(context);
  const body = await context.readJsonBody();
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length !== 1) {
    throw new HttpFault(novaFaultReply(400, 'Malformed request body'));
  }
  const [[action, argument]] = Object.entries(body) as [[string, unknown]];
  const reason = argument as { locked_reason?: unknown } | null;
  const validLock = action === 'lock' && (reason === null || (typeof reason === 'object' && !Array.isArray(reason) && Object.keys(reason).every((key) => key === 'locked_reason') && (reason.locked_reason === undefined || typeof reason.locked_reason === 'string')));
  if (action !== 'lock' && action !== 'unlock') {
    throw new HttpFault(novaFaultReply(400, noSuchAction(action)));
  }
  if ((action === 'lock' && !validLock) || (action === 'unlock' && argument !== null)) {
    throw new HttpFault(novaFaultReply(400, `Invalid input for field/attribute ${action}.`));
  }
  context.store.putServer(server.projectId, server.serverId, { metadata: server.metadata, vmState: server.vmState, locked: action === 'lock' });
  return { status: 202, text: '' };
}

/**
 * The Nova-compatible metadata API (spec §2, "Operation summary"): one entry per call, and the
 * lock/unlock server actions. The write
 * handlers follow Nova's order of checks and messages (see `nova-metadata-api.ts`).
 */
export const NOVA_ROUTES: readonly Route[] = [
  novaRoute('GET', '/servers/{serverId}/metadata', listServerMetadata),
  novaRoute('POST', '/servers/{serverId}/metadata', updateServerMetadata),
  novaRoute('PUT', '/servers/{serverId}/metadata', replaceServerMetadata),
  novaRoute('GET', '/servers/{serverId}/metadata/{key}', showServerMetadataItem),
  novaRoute('PUT', '/servers/{serverId}/metadata/{key}', setServerMetadataItem),
  novaRoute('DELETE', '/servers/{serverId}/metadata/{key}', deleteServerMetadataItem),
  novaRoute('POST', '/servers/{serverId}/action', serverAction),
];
