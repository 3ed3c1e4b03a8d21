import { RE2JS } from 're2js';
import { FAULT_MESSAGES } from './fault-bodies.js';
import { serverDetail, serverSummary, type ServerViewRequest } from './nova-server-view.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import type { RouteContext } from './router.js';
import type { MockServer, ServerTimes } from './store.js';

/**
 * The server named by the path, in the project the call acts in (the path's, or the token's on a
 * project-less path); a server of another project is "not found", as Nova's database query is
 * scoped to the caller's project.
 *
 * @throws {HttpFault} 404 `itemNotFound` "Instance <id> could not be found." (spec §6.1).
 */
export function requireServer({ store, params, projectId }: RouteContext): MockServer {
  const serverId = params['serverId'] as string;
  const server = projectId === undefined ? undefined : store.getServer(projectId, serverId);
  if (server === undefined) {
    throw new HttpFault(novaFaultReply(404, FAULT_MESSAGES.serverNotFound(serverId)));
  }
  return server;
}

/** What Nova's view builder reads from the request, for this call. */
function viewRequest(context: RouteContext, showServerGroups = false): ServerViewRequest {
  return {
    origin: `http://${context.req.headers.host ?? 'localhost'}`,
    apiVersion: context.params['version'] as string,
    pathProjectId: context.params['projectId'],
    microversion: context.microversion,
    admin: false,
    showServerGroups,
  };
}

// A server just read from the store has its times; the fallback only satisfies the type.
const timesOf = ({ store }: RouteContext, server: MockServer): ServerTimes =>
  store.serverTimes(server.projectId, server.serverId) ?? { created: Date.now(), updated: Date.now() };

/** `GET /servers/{id}`: 200 `{"server": {...}}` as Nova shows it at the request's microversion. */
export function showServer(context: RouteContext): Reply {
  const server = requireServer(context);
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
  const query = new URL(context.req.url ?? '/', 'http://mock.invalid').searchParams;
  const names = query.getAll('name');
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

/** The project's servers a listing shows, newest first (Nova's default sort: `created_at` descending). */
function listedServers(context: RouteContext): MockServer[] {
  const keep = nameFilter(context) ?? (() => true);
  return context.store
    .listServers(context.projectId)
    .filter(keep)
    .reverse();
}

/** `GET /servers`: 200 `{"servers": [{id, links, name}, ...]}`; `?name=` as {@link nameFilter}. */
export function listServers(context: RouteContext): Reply {
  const request = viewRequest(context);
  return { status: 200, json: { servers: listedServers(context).map((server) => serverSummary(request, server)) } };
}

/** `GET /servers/detail`: 200 `{"servers": [...]}`, each as `GET /servers/{id}` shows it. */
export function listServersDetail(context: RouteContext): Reply {
  const request = viewRequest(context);
  const servers = listedServers(context).map((server) => serverDetail(request, server, timesOf(context, server)));
  return { status: 200, json: { servers } };
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
export async function serverAction(context: RouteContext): Promise<Reply> {
  const server = requireServer(context);
  const body = await context.readJsonBody();
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Object.keys(body).length !== 1) {
    throw new HttpFault(novaFaultReply(400, FAULT_MESSAGES.malformedBody));
  }
  const [[action, argument]] = Object.entries(body) as [[string, unknown]];
  if (action !== 'lock' && action !== 'unlock') {
    throw new HttpFault(novaFaultReply(400, noSuchAction(action)));
  }
  const valid = action === 'lock' ? isLockArgument(argument) : argument === null;
  if (!valid) {
    throw new HttpFault(novaFaultReply(400, `Invalid input for field/attribute ${action}.`));
  }
  context.store.updateServer(server, { locked: action === 'lock' });
  return { status: 202, text: '' };
}

/** `null`, or `{"locked_reason": "..."}` (microversion 2.73) with nothing else in it. */
function isLockArgument(argument: unknown): boolean {
  if (argument === null) {
    return true;
  }
  if (typeof argument !== 'object' || Array.isArray(argument)) {
    return false;
  }
  const fields = argument as Record<string, unknown>;
  return Object.keys(fields).every((key) => key === 'locked_reason') && (fields['locked_reason'] === undefined || typeof fields['locked_reason'] === 'string');
}
