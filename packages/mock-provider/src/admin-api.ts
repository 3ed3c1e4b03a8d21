import { FAULT_MESSAGES } from './fault-bodies.js';
import { faultRuleSchema } from './faults.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import type { Route, RouteContext, RouteHandler } from './router.js';
import { userGrantSchema } from './identity.js';
import { tokenGrantSchema, type ServerInput } from './store.js';
import { parseInput } from './validate.js';
import { rateLimitSchema } from './rate-limit.js';

/** The first path segment of the admin API; requests under it are never faulted. */
export const ADMIN_PREFIX = '_admin';

function adminRoute(method: string, path: string, handler: RouteHandler): Route {
  return { method, pattern: `/${ADMIN_PREFIX}${path}`, family: 'admin', handler };
}

function serverParams({ params }: RouteContext): [projectId: string, serverId: string] {
  return [params['projectId'] as string, params['serverId'] as string];
}

async function putServer(context: RouteContext): Promise<Reply> {
  const body = await context.readJsonBody();
  // The store validates the body field by field (strict: unknown fields are refused).
  return { status: 200, json: context.admin.putServer(...serverParams(context), body as ServerInput) };
}

function getServer(context: RouteContext): Reply {
  const [projectId, serverId] = serverParams(context);
  const server = context.admin.getServer(projectId, serverId);
  if (server === undefined) {
    throw new HttpFault(novaFaultReply(404, FAULT_MESSAGES.serverNotFound(serverId)));
  }
  return { status: 200, json: server };
}

function deleteServer(context: RouteContext): Reply {
  context.admin.deleteServer(...serverParams(context));
  return { status: 204 };
}

async function addToken(context: RouteContext): Promise<Reply> {
  const grant = parseInput(tokenGrantSchema, '', await context.readJsonBody());
  context.admin.addToken(grant.token, grant.projectId);
  return { status: 201, json: grant };
}

async function addUser(context: RouteContext): Promise<Reply> {
  const user = parseInput(userGrantSchema, '', await context.readJsonBody());
  context.admin.addUser(user);
  // The password stays out of the answer (and so out of any log of it).
  return { status: 201, json: { ...user, password: '****' } };
}

/** One rule, or an array of rules queued in order, all or none (a status sequence). */
async function queueFault(context: RouteContext): Promise<Reply> {
  const body = await context.readJsonBody();
  if (Array.isArray(body)) {
    const rules = body.map((rule, index) => parseInput(faultRuleSchema, `[${index}]`, rule));
    context.admin.queueFaults(rules);
    return { status: 201, json: rules };
  }
  const rule = parseInput(faultRuleSchema, '', body);
  context.admin.queueFault(rule);
  return { status: 201, json: rule };
}

/**
 * The admin HTTP API: the mock's own loopback test API, used e.g. by the provider verifier to
 * arrange Pact provider states. No authentication; JSON in and out; never affected by fault rules
 * (but logged). Request bodies are capped at 1 MiB (413 `overLimit`), so a fault rule with a larger
 * `body` can be queued only from code (`MockAdmin.queueFault`).
 *
 * | Method and path | Body in | Answer |
 * |---|---|---|
 * | `PUT /_admin/projects/{projectId}/servers/{serverId}` | `{metadata, name?, vmState?, locked?}` | 200 the stored server `{projectId, serverId, metadata, name, vmState, locked}` |
 * | `GET /_admin/projects/{projectId}/servers/{serverId}` | – | 200 the server, or 404 `itemNotFound` |
 * | `DELETE /_admin/projects/{projectId}/servers/{serverId}` | – | 204, whether or not it existed |
 * | `POST /_admin/tokens` | `{token, projectId}` | 201 the grant |
 * | `POST /_admin/users` | `{username, password, domainName?, domainId?, projectId, projectName?}` | 201 the user, password masked |
 * | `POST /_admin/faults` | a `FaultRule`, or an array of them (queued in order, all or none: a status sequence) | 201 the rule(s) as queued |
 * | `DELETE /_admin/faults` | – | 204 |
 * | `PUT /_admin/rate-limit` | `{ratePerSecond, burst?}` | 200 the limit in force (per project; 429 `APIG.0308` past it) |
 * | `GET /_admin/rate-limit` | – | 200 `{"rateLimit": {...} or null}` |
 * | `DELETE /_admin/rate-limit` | – | 204 (no flow control) |
 * | `POST /_admin/reset` | – | 204 (back to the fixture and the starting rate limit; faults and request log cleared) |
 * | `GET /_admin/requests` | – | 200 `{"requests": [{method, path, headers}, ...]}`, oldest first |
 *
 * Errors are Nova faults: 400 `badRequest` naming the failing field (`Invalid metadata.wj: ...`),
 * or "Malformed request body" for a body that is not JSON; 404 `itemNotFound` for an unknown
 * path or method; 413 `overLimit`.
 */
export const ADMIN_ROUTES: readonly Route[] = [
  adminRoute('PUT', '/projects/{projectId}/servers/{serverId}', putServer),
  adminRoute('GET', '/projects/{projectId}/servers/{serverId}', getServer),
  adminRoute('DELETE', '/projects/{projectId}/servers/{serverId}', deleteServer),
  adminRoute('POST', '/tokens', addToken),
  adminRoute('POST', '/users', addUser),
  adminRoute('POST', '/faults', queueFault),
  adminRoute('DELETE', '/faults', ({ admin }) => {
    admin.clearFaults();
    return { status: 204 };
  }),
  adminRoute('PUT', '/rate-limit', async (context) => {
    context.admin.setRateLimit(parseInput(rateLimitSchema, '', await context.readJsonBody()));
    return { status: 200, json: context.admin.getRateLimit() };
  }),
  adminRoute('GET', '/rate-limit', ({ admin }) => ({ status: 200, json: { rateLimit: admin.getRateLimit() ?? null } })),
  adminRoute('DELETE', '/rate-limit', ({ admin }) => {
    admin.setRateLimit(undefined);
    return { status: 204 };
  }),
  adminRoute('POST', '/reset', ({ admin }) => {
    admin.reset();
    return { status: 204 };
  }),
  adminRoute('GET', '/requests', ({ log }) => ({ status: 200, json: { requests: log.snapshot() } })),
];
