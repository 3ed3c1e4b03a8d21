import { RE2JS } from 're2js';
import { FAULT_MESSAGES } from './fault-bodies.js';
import { pythonRepr, type SchemaViolation, schemaViolationMessage } from './metadata-rules.js';
import { microversionAtLeast } from './microversion.js';
import { authorize, isAdmin, type NovaPolicyRule } from './nova-policy.js';
import { serverDetail, serverSummary, type ServerViewRequest } from './nova-server-view.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import type { RouteContext } from './router.js';
import type { MockServer, ServerTimes } from './store.js';

/**
 * The server named by the path, checked against the policy `rule` as Nova's handlers do
 * (`common.get_instance`, then `context.can`). It is looked up in the project the call acts in (the
 * path's, or the token's on a project-less path): a server of another project is "not found", as
 * Nova's database query is scoped to the caller's project; an admin's is not.
 *
 * @throws {HttpFault} 404 `itemNotFound` "Instance <id> could not be found." (spec §6.1); 403
 *   `forbidden` when the caller's roles do not satisfy `rule`.
 */
export function requireServer({ store, params, projectId, roles }: RouteContext, rule: NovaPolicyRule): MockServer {
  const serverId = params['serverId'] as string;
  const server = isAdmin(roles) ? store.findServer(serverId) : projectId === undefined ? undefined : store.getServer(projectId, serverId);
  if (server === undefined) {
    throw new HttpFault(novaFaultReply(404, FAULT_MESSAGES.serverNotFound(serverId)));
  }
  authorize(roles, rule);
  return server;
}

/** What Nova's view builder reads from the request, for this call. */
function viewRequest(context: RouteContext, showServerGroups = false): ServerViewRequest {
  return {
    origin: `http://${context.req.headers.host ?? 'localhost'}`,
    apiVersion: context.params['version'] as string,
    pathProjectId: context.params['projectId'],
    microversion: context.microversion,
    admin: isAdmin(context.roles),
    showServerGroups,
  };
}

// A server just read from the store has its times; the fallback only satisfies the type.
const timesOf = ({ store }: RouteContext, server: MockServer): ServerTimes =>
  store.serverTimes(server.projectId, server.serverId) ?? { created: Date.now(), updated: Date.now() };

/** `GET /servers/{id}`: 200 `{"server": {...}}` as Nova shows it at the request's microversion. */
export function showServer(context: RouteContext): Reply {
  const server = requireServer(context, 'os_compute_api:servers:show');
  return { status: 200, json: { server: serverDetail(viewRequest(context, true), server, timesOf(context, server)) } };
}

/**
 * The `name` query parameter as Nova applies it: a regular expression searched anywhere in the
 * server's name (Nova's database `REGEXP` filter, Python's `re.search`), so `web` finds `web-1` and
 * `my-web`; clients that look a server up by name (openstackclient, openstacksdk) keep only exact
 * matches themselves. Matched with RE2 (linear time: a pattern cannot stall the mock). A pattern
 * that does not compile is refused as Nova refuses it (400).
 *
 * @throws {HttpFault} 400 "Invalid input for query parameters name. ..." for an invalid pattern.
 */
function nameFilter(context: RouteContext): ((server: MockServer) => boolean) | undefined {
  const names = queryOf(context).getAll('name');
  if (names.length === 0) {
    return undefined;
  }
  // Nova takes the last of repeated query parameters.
  const pattern = names.at(-1) as string;
  let regex: RE2JS;
  try {
    regex = RE2JS.compile(pattern);
  } catch {
    throw new HttpFault(novaFaultReply(400, `Invalid input for query parameters name. Value: ${pattern}. '${pattern}' is not a 'regex'`));
  }
  return (server) => regex.matcher(server.name).find();
}

/**
 * The servers a listing shows, newest first (Nova's default sort: `created_at` descending): the
 * project's, or with `all_tenants` (an admin only: 403 otherwise) every project's.
 */
function listedServers(context: RouteContext, listing: 'index' | 'detail'): MockServer[] {
  authorize(context.roles, `os_compute_api:servers:${listing}`);
  const allTenants = isAllTenants(context);
  if (allTenants) {
    authorize(context.roles, `os_compute_api:servers:${listing}:get_all_tenants`);
  }
  const keep = nameFilter(context) ?? (() => true);
  const { store, projectId } = context;
  const servers = allTenants ? store.listAllServers() : projectId === undefined ? [] : store.listServers(projectId);
  // Newest first, then the later stored first: Nova sorts by created_at and its row id, descending.
  const created = (server: MockServer): number => timesOf(context, server).created;
  return servers
    .filter(keep)
    .reverse()
    .sort((a, b) => created(b) - created(a));
}

/** Nova's `common.is_all_tenants`: present and not a false-like value (`all_tenants=0`, `=false`). */
function isAllTenants(context: RouteContext): boolean {
  const value = queryOf(context).get('all_tenants');
  return value !== null && !['0', 'false', 'f', 'off', 'no', 'n'].includes(value.trim().toLowerCase());
}

const queryOf = (context: RouteContext): URLSearchParams => new URL(context.req.url ?? '/', 'http://mock.invalid').searchParams;

/** `GET /servers`: 200 `{"servers": [{id, links, name}, ...]}`; `?name=` as {@link nameFilter}. */
export function listServers(context: RouteContext): Reply {
  const request = viewRequest(context);
  return { status: 200, json: { servers: listedServers(context, 'index').map((server) => serverSummary(request, server)) } };
}

/** `GET /servers/detail`: 200 `{"servers": [...]}`, each as `GET /servers/{id}` shows it. */
export function listServersDetail(context: RouteContext): Reply {
  const request = viewRequest(context);
  const servers = listedServers(context, 'detail').map((server) => serverDetail(request, server, timesOf(context, server)));
  return { status: 200, json: { servers } };
}

/** Nova's message for an action name it does not know (`servers.py` `_action`). */
const noSuchAction = (action: string): string => `There is no such action: ${action}`;

/**
 * `POST /servers/{id}/action`, the lock and unlock actions only (DECISIONS 2026-12-06 "Mock servers
 * API"): `{"lock": null}` (or, since microversion 2.73, `{"lock": {"locked_reason": "..."}}`, shown
 * as `locked_reason` at 2.73 until unlocked) and `{"unlock": ...}` answer 202 with an empty body,
 * as Nova does; locking a locked server or
 * unlocking an unlocked one is accepted too. A locked server then refuses metadata writes with 409
 * "Instance <id> is locked". A member of the project may lock its servers, a reader may not (403;
 * `os_compute_api:os-lock-server:lock`, see `nova-policy.ts`). Any other action is 400, an unknown
 * server 404.
 */
export async function serverAction(context: RouteContext): Promise<Reply> {
  const body = await context.readJsonBody();
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length !== 1) {
    throw new HttpFault(novaFaultReply(400, FAULT_MESSAGES.malformedBody));
  }
  const [[action, argument]] = Object.entries(body) as [[string, unknown]];
  if (action !== 'lock' && action !== 'unlock') {
    throw new HttpFault(novaFaultReply(400, noSuchAction(action)));
  }
  // Nova dispatches on the action's name, validates the lock's argument from 2.73 on (before the
  // lookup), then its handler looks the server up; before 2.73 the argument is ignored.
  const withReason = action === 'lock' && microversionAtLeast(context.microversion, '2.73');
  const reason = withReason ? lockReason(argument) : null;
  const server = requireServer(context, `os_compute_api:os-lock-server:${action}`);
  if (action === 'lock' && server.locked) {
    // Nova leaves a server its owner locked as it is (its reason too).
    return { status: 202, text: '' };
  }
  context.store.updateServer(server, action === 'lock' ? { locked: true, lockedReason: reason } : { locked: false, lockedReason: null });
  return { status: 202, text: '' };
}

/**
 * The reason of a 2.73 lock: `null` for `{"lock": null}`, else `{"locked_reason": "..."}` (1-255
 * characters, nothing else in the object), checked as Nova's `lock_v2_73` schema and worded as
 * jsonschema words it (verified on the stage).
 *
 * @throws {HttpFault} 400 "Invalid input for field/attribute lock. Value: ... ." for anything else.
 */
function lockReason(argument: unknown): string | null {
  const violation = lockViolation(argument);
  if (violation !== undefined) {
    throw new HttpFault(novaFaultReply(400, schemaViolationMessage(violation)));
  }
  return ((argument as { locked_reason?: string } | null)?.locked_reason ?? null);
}

function lockViolation(argument: unknown): SchemaViolation | undefined {
  if (argument === null) {
    return undefined;
  }
  if (typeof argument !== 'object' || Array.isArray(argument)) {
    return { field: 'lock', value: argument, reason: `${pythonRepr(argument)} is not of type 'object', 'null'` };
  }
  const fields = argument as Record<string, unknown>;
  const extra = Object.keys(fields).filter((key) => key !== 'locked_reason');
  if (extra.length > 0) {
    const listed = extra.map(pythonRepr).join(', ');
    return { field: 'lock', value: argument, reason: `Additional properties are not allowed (${listed} ${extra.length === 1 ? 'was' : 'were'} unexpected)` };
  }
  const reason = fields['locked_reason'];
  if (reason === undefined) {
    return undefined;
  }
  if (typeof reason !== 'string') {
    return { field: 'locked_reason', value: reason, reason: `${pythonRepr(reason)} is not of type 'string'` };
  }
  if (reason.length < 1 || reason.length > 255) {
    return { field: 'locked_reason', value: reason, reason: `${pythonRepr(reason)} is too ${reason.length < 1 ? 'short' : 'long'}` };
  }
  return undefined;
}
