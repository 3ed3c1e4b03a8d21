import type { Metadata } from '@ecs-metadata/core';
import {
  bodyMediaType,
  checkItemBody,
  checkMetadataBody,
  hasEmptyBody,
  metadataAfter,
  PROTECTED_KEY,
  refusalOf,
  schemaViolationMessage,
  type WriteRefusal,
} from './metadata-rules.js';
import { requireServer } from './nova-servers-api.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import type { RouteContext } from './router.js';
import type { MockServer } from './store.js';

/** Nova's own messages for the metadata family (spec §6.1 "Canonical messages"). */
export const METADATA_FAULT_MESSAGES = {
  itemNotFound: 'Metadata item was not found',
  uriMismatch: 'Request body and URI mismatch',
  unsupportedContentType: 'Unsupported Content-Type',
  itemLimit: 'Maximum number of metadata items exceeds 128',
  locked: (serverId: string): string => `Instance ${serverId} is locked`,
  vmState: (action: string, serverId: string, vmState: string): string => `Cannot '${action}' instance ${serverId} while it is in vm_state ${vmState}`,
  protectedKey: `The metadata key ${PROTECTED_KEY} cannot be added, changed or deleted.`,
} as const;

/**
 * The request body as Nova reads it: 415 `badMediaType` for a content type that is not JSON,
 * `null` for an empty body (validated as `None`), 400 "Malformed request body" for invalid JSON.
 */
async function readNovaBody(context: RouteContext): Promise<unknown> {
  if (bodyMediaType(context.req) === 'unsupported') {
    throw new HttpFault(novaFaultReply(415, METADATA_FAULT_MESSAGES.unsupportedContentType));
  }
  return hasEmptyBody(context.req) ? null : context.readJsonBody();
}

function refuseProtectedKey(keys: readonly string[]): void {
  if (keys.includes(PROTECTED_KEY)) {
    throw new HttpFault(novaFaultReply(400, METADATA_FAULT_MESSAGES.protectedKey));
  }
}

function refusalReply(refusal: WriteRefusal, action: 'update metadata' | 'delete metadata', serverId: string): Reply {
  switch (refusal.kind) {
    case 'locked':
      return novaFaultReply(409, METADATA_FAULT_MESSAGES.locked(serverId));
    case 'vm-state':
      return novaFaultReply(409, METADATA_FAULT_MESSAGES.vmState(action, serverId, refusal.vmState));
    case 'item-limit':
      return novaFaultReply(403, METADATA_FAULT_MESSAGES.itemLimit);
  }
}

/** Checks the write, stores the new map, and returns it. */
function write(context: RouteContext, server: MockServer, after: Metadata, action: 'update metadata' | 'delete metadata'): Metadata {
  const refusal = refusalOf(server, action === 'delete metadata' ? undefined : after);
  if (refusal !== undefined) {
    throw new HttpFault(refusalReply(refusal, action, server.serverId));
  }
  context.store.updateServer(server, { metadata: after });
  return after;
}

async function writeWholeMap(context: RouteContext, mode: 'merge' | 'replace'): Promise<Reply> {
  const checked = checkMetadataBody(await readNovaBody(context));
  if ('violation' in checked) {
    throw new HttpFault(novaFaultReply(400, schemaViolationMessage(checked.violation)));
  }
  refuseProtectedKey(Object.keys(checked.metadata));
  const server = requireServer(context);
  return { status: 200, json: { metadata: write(context, server, metadataAfter(server, checked.metadata, mode), 'update metadata') } };
}

/** Spec §3.2, show one item: 200 `{"meta": {key: value}}`; 404 for an unknown server or key. */
export function showServerMetadataItem(context: RouteContext): Reply {
  const server = requireServer(context);
  const key = context.params['key'] as string;
  if (!Object.hasOwn(server.metadata, key)) {
    throw new HttpFault(novaFaultReply(404, METADATA_FAULT_MESSAGES.itemNotFound));
  }
  return { status: 200, json: { meta: { [key]: server.metadata[key] } } };
}

/**
 * Spec §3.3, merge: 200 with the complete map after the merge. In Nova's order: 415/400 for the
 * body (schema messages as Nova's), 404 server, 409 locked or wrong `vm_state`, 403 over 128 items.
 */
export function updateServerMetadata(context: RouteContext): Promise<Reply> {
  return writeWholeMap(context, 'merge');
}

/** Spec §3.4, replace: 200 with the new map (`virtual_env_type`, if set, survives); errors as merge. */
export function replaceServerMetadata(context: RouteContext): Promise<Reply> {
  return writeWholeMap(context, 'replace');
}

/**
 * Spec §3.5, set one item: 200 echoing `{"meta": ...}`. The body's one key must be the path's, else
 * 400 "Request body and URI mismatch" (checked before the server is looked up, as in Nova).
 */
export async function setServerMetadataItem(context: RouteContext): Promise<Reply> {
  const checked = checkItemBody(await readNovaBody(context));
  if ('violation' in checked) {
    throw new HttpFault(novaFaultReply(400, schemaViolationMessage(checked.violation)));
  }
  const key = context.params['key'] as string;
  if (!Object.hasOwn(checked.meta, key)) {
    throw new HttpFault(novaFaultReply(400, METADATA_FAULT_MESSAGES.uriMismatch));
  }
  refuseProtectedKey([key]);
  const server = requireServer(context);
  write(context, server, metadataAfter(server, checked.meta, 'merge'), 'update metadata');
  return { status: 200, json: { meta: checked.meta } };
}

/** Spec §3.6, delete one item: 204; 404 for an unknown server or key, then 400/409 as for writes. */
export function deleteServerMetadataItem(context: RouteContext): Reply {
  const server = requireServer(context);
  const key = context.params['key'] as string;
  if (!Object.hasOwn(server.metadata, key)) {
    throw new HttpFault(novaFaultReply(404, METADATA_FAULT_MESSAGES.itemNotFound));
  }
  refuseProtectedKey([key]);
  const after = Object.fromEntries(Object.entries(server.metadata).filter(([name]) => name !== key));
  write(context, server, after, 'delete metadata');
  return { status: 204 };
}
