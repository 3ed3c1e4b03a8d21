import type { Metadata } from '@ecs-metadata/core';
import {
  bodyMediaType,
  checkMetadataBody,
  hasEmptyBody,
  metadataAfter,
  PROTECTED_KEY,
  refusalOf,
  schemaViolationMessage,
  type WriteRefusal,
} from './metadata-rules.js';
import { HttpFault, type Reply } from './reply.js';
import type { FaultRouteName } from './faults.js';
import type { Route, RouteContext, RouteHandler } from './router.js';
import type { MockServer } from './store.js';

/**
 * A Huawei ECS error reply (spec §6.2): `{"error": {"code": "Ecs.0005", "message": "..."}}`. Huawei
 * warns that the HTTP status may not match the code; clients decode by code.
 */
export function huaweiErrorReply(status: number, code: string, message: string): Reply {
  return { status, json: { error: { code, message } } };
}

/**
 * The codes and messages the mock's native API answers with (spec §3.7, §6.2). Huawei documents
 * the codes, not these exact messages, nor what a missing key or the item limit give on `/v1`:
 * those are project decisions, recorded in docs/decisions.md.
 */
export const NATIVE_ERRORS = {
  invalidParameter: (detail: string): Reply => huaweiErrorReply(400, 'Ecs.0005', `Invalid parameter values: ${detail}`),
  serverNotFound: (): Reply => huaweiErrorReply(404, 'Ecs.0114', 'The ECS does not exist.'),
  itemNotFound: (key: string): Reply => huaweiErrorReply(404, 'Ecs.0005', `The metadata item ${key} does not exist.`),
  serverState: (detail: string): Reply => huaweiErrorReply(400, 'Ecs.0100', `The ECS status does not allow the operation: ${detail}`),
  projectMismatch: (urlProjectId: string, contextProjectId: string): Reply =>
    huaweiErrorReply(400, 'Ecs.0023', `The project ID in the URL (${urlProjectId}) does not match the project of the token (${contextProjectId}).`),
} as const;

function requireServer({ store, params }: RouteContext): MockServer {
  const server = store.getServer(params['projectId'] as string, params['serverId'] as string);
  if (server === undefined) {
    throw new HttpFault(NATIVE_ERRORS.serverNotFound());
  }
  return server;
}

function refusalReply(refusal: WriteRefusal): Reply {
  switch (refusal.kind) {
    case 'locked':
      return NATIVE_ERRORS.serverState('the ECS is locked');
    case 'vm-state':
      return NATIVE_ERRORS.serverState(`the ECS is in vm_state ${refusal.vmState}`);
    case 'item-limit':
      return NATIVE_ERRORS.invalidParameter('Maximum number of metadata items exceeds 128');
  }
}

function write(context: RouteContext, server: MockServer, after: Metadata, checkLimit: boolean): void {
  const refusal = refusalOf(server, checkLimit ? after : undefined);
  if (refusal !== undefined) {
    throw new HttpFault(refusalReply(refusal));
  }
  context.store.updateServer(server, { metadata: after });
}

/**
 * Spec §3.7, `POST /v1/{project_id}/cloudservers/{server_id}/metadata`: merges like Nova's merge and
 * answers 200 with the complete map (project decision). Invalid bodies (not JSON, another content
 * type, Nova's schema broken, `virtual_env_type`, more than 128 items after the merge) are 400
 * `Ecs.0005`; an unknown server is 404 `Ecs.0114`; a locked server or a `vm_state` that forbids
 * writes is 400 `Ecs.0100`.
 */
export async function updateServerMetadataV1(context: RouteContext): Promise<Reply> {
  if (bodyMediaType(context.req) === 'unsupported') {
    throw new HttpFault(NATIVE_ERRORS.invalidParameter('the request body must be JSON (Content-Type: application/json)'));
  }
  let body: unknown = null;
  if (!hasEmptyBody(context.req)) {
    try {
      body = await context.readJsonBody();
    } catch (error) {
      // Keep the 413 of an oversized body; anything else was not JSON.
      if (error instanceof HttpFault && error.reply.status === 413) {
        throw error;
      }
      throw new HttpFault(NATIVE_ERRORS.invalidParameter('the request body is not valid JSON'));
    }
  }
  const checked = checkMetadataBody(body);
  if ('violation' in checked) {
    throw new HttpFault(NATIVE_ERRORS.invalidParameter(schemaViolationMessage(checked.violation)));
  }
  if (Object.hasOwn(checked.metadata, PROTECTED_KEY)) {
    throw new HttpFault(NATIVE_ERRORS.invalidParameter(`the metadata key ${PROTECTED_KEY} cannot be added, changed or deleted`));
  }
  const server = requireServer(context);
  const after = metadataAfter(server, checked.metadata, 'merge');
  write(context, server, after, true);
  return { status: 200, json: { metadata: after } };
}

/**
 * Spec §3.8, `DELETE /v1/{project_id}/cloudservers/{server_id}/metadata/{key}`: 204 (project
 * decision); 404 `Ecs.0114` for an unknown server, 404 `Ecs.0005` for an unknown key, 400 `Ecs.0005`
 * for `virtual_env_type`, 400 `Ecs.0100` for a locked server or a `vm_state` that forbids writes.
 */
export function deleteServerMetadataItemV1(context: RouteContext): Reply {
  const server = requireServer(context);
  const key = context.params['key'] as string;
  if (!Object.hasOwn(server.metadata, key)) {
    throw new HttpFault(NATIVE_ERRORS.itemNotFound(key));
  }
  if (key === PROTECTED_KEY) {
    throw new HttpFault(NATIVE_ERRORS.invalidParameter(`the metadata key ${PROTECTED_KEY} cannot be added, changed or deleted`));
  }
  write(context, server, Object.fromEntries(Object.entries(server.metadata).filter(([name]) => name !== key)), false);
  return { status: 204 };
}

function nativeRoute(method: string, path: string, handler: RouteHandler, name: FaultRouteName): Route {
  return { method, pattern: `/v1/{projectId}${path}`, family: 'native', handler, name };
}

/**
 * The two metadata calls of the ECS native API (spec §3.7, §3.8), authenticated as the Nova routes
 * (token or AK/SK), with Huawei error bodies (§6.2); a token of another project is 400 `Ecs.0023`.
 */
export const NATIVE_ROUTES: readonly Route[] = [
  nativeRoute('POST', '/cloudservers/{serverId}/metadata', updateServerMetadataV1, 'updateV1'),
  nativeRoute('DELETE', '/cloudservers/{serverId}/metadata/{key}', deleteServerMetadataItemV1, 'deleteItemV1'),
];
