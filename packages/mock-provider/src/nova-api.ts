import { apiVersionSchema, projectIdSchema } from '@ecs-metadata/core';
import type { FaultRouteName } from './faults.js';
import {
  deleteServerMetadataItem,
  replaceServerMetadata,
  setServerMetadataItem,
  showServerMetadataItem,
  updateServerMetadata,
} from './nova-metadata-api.js';
import { listServers, listServersDetail, requireServer, serverAction, showServer } from './nova-servers-api.js';
import type { Reply } from './reply.js';
import type { Route, RouteContext, RouteHandler } from './router.js';

const isApiVersion = (version: string): boolean => apiVersionSchema.safeParse(version).success;
// Nova's router takes a project id segment only where it looks like one (`[0-9a-f-]+`), so
// `/v2.1/servers/...` is a project-less path, never the project "servers".
const isProjectId = (projectId: string): boolean => projectIdSchema.safeParse(projectId).success;

/**
 * A Nova-compatible route, served under both `/v2` and `/v2.1` (spec §11), with and without a
 * project id, as Nova's `ProjectMapper` connects every route twice
 * (`nova/api/openstack/compute/routes.py`; project-less paths take the token's project).
 */
function novaRoutes(method: string, path: string, handler: RouteHandler, name?: FaultRouteName): Route[] {
  const common = { method, family: 'nova', handler, ...(name === undefined ? {} : { name }) } as const;
  return [
    { ...common, pattern: `/{version}/{projectId}${path}`, where: { version: isApiVersion, projectId: isProjectId } },
    { ...common, pattern: `/{version}${path}`, where: { version: isApiVersion } },
  ];
}

/** Spec §3.1, list all metadata: 200 `{"metadata": {...}}`. */
function listServerMetadata(context: RouteContext): Reply {
  return { status: 200, json: { metadata: requireServer(context).metadata } };
}

/**
 * The Nova-compatible API (spec §2, "Operation summary"): the metadata family (one entry per call,
 * named for fault rules' `match.route`), and of the servers API what real clients need for
 * metadata workflows (DECISIONS 2026-12-06 "Mock servers API"): show, list (`?name=`), detail and
 * the lock/unlock actions. `servers/detail` comes before `servers/{serverId}`, as in Nova's router.
 * The write handlers follow Nova's order of checks and messages (see `nova-metadata-api.ts`).
 */
export const NOVA_ROUTES: readonly Route[] = [
  ...novaRoutes('GET', '/servers/{serverId}/metadata', listServerMetadata, 'get'),
  ...novaRoutes('POST', '/servers/{serverId}/metadata', updateServerMetadata, 'update'),
  ...novaRoutes('PUT', '/servers/{serverId}/metadata', replaceServerMetadata, 'replace'),
  ...novaRoutes('GET', '/servers/{serverId}/metadata/{key}', showServerMetadataItem, 'getItem'),
  ...novaRoutes('PUT', '/servers/{serverId}/metadata/{key}', setServerMetadataItem, 'setItem'),
  ...novaRoutes('DELETE', '/servers/{serverId}/metadata/{key}', deleteServerMetadataItem, 'deleteItem'),
  ...novaRoutes('GET', '/servers', listServers),
  ...novaRoutes('GET', '/servers/detail', listServersDetail),
  ...novaRoutes('GET', '/servers/{serverId}', showServer),
  ...novaRoutes('POST', '/servers/{serverId}/action', serverAction),
];
