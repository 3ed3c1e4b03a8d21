import { projectIdSchema, ValidationError } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import type { MockAdmin } from './admin.js';
import { authenticateToken } from './auth.js';
import { FAULT_MESSAGES } from './fault-bodies.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import { readJsonBody } from './request-body.js';
import type { RequestLog } from './request-log.js';
import type { Router } from './router.js';
import type { MetadataStore } from './store.js';

/** What the dispatcher needs of a running mock. */
export interface DispatchEnvironment {
  readonly router: Router;
  readonly store: MetadataStore;
  readonly admin: MockAdmin;
  readonly log: RequestLog;
  /** The mock's own URL, for Keystone's `WWW-Authenticate`. */
  readonly url: string;
}

const unknownResource = (): HttpFault => new HttpFault(novaFaultReply(404, FAULT_MESSAGES.unknownResource));

/**
 * Routes one request and runs its handler, checking in Nova's order (keystonemiddleware, then the
 * router, then the API's own project check):
 *
 * 1. a path no route fits → 404 `itemNotFound` "The resource could not be found.";
 * 2. Nova routes: missing or unknown token → 401 (before anything about the path is judged);
 *    a project id Nova would not route (`[0-9a-f-]{1,64}`) → 404 as an unknown path;
 * 3. a method the path does not support (PATCH, HEAD, ...) → 404, as Nova (DECISIONS, not 405);
 * 4. Nova routes: token of another project → 400 `badRequest` "Malformed request URL ..." (spec §6.1);
 * 5. the handler (which looks the server up, so a foreign server is only ever "not found").
 *
 * @throws {HttpFault} for the answers above, and whatever the handler throws.
 */
export async function dispatch(req: IncomingMessage, segments: readonly string[] | undefined, env: DispatchEnvironment): Promise<Reply> {
  const matches = segments === undefined ? [] : env.router.match(segments);
  const first = matches[0];
  if (first === undefined) {
    throw unknownResource();
  }
  let tokenProjectId: string | undefined;
  if (first.route.family === 'nova') {
    tokenProjectId = authenticateToken(req, env.store, env.url);
    if (!projectIdSchema.safeParse(first.params['projectId']).success) {
      throw unknownResource();
    }
  }
  const chosen = matches.find(({ route }) => route.method === req.method);
  if (chosen === undefined) {
    throw unknownResource();
  }
  const urlProjectId = chosen.params['projectId'];
  if (tokenProjectId !== undefined && urlProjectId !== tokenProjectId) {
    throw new HttpFault(novaFaultReply(400, FAULT_MESSAGES.projectMismatch(urlProjectId ?? '', tokenProjectId)));
  }
  return chosen.route.handler({
    req,
    params: chosen.params,
    store: env.store,
    admin: env.admin,
    log: env.log,
    readJsonBody: () => readJsonBody(req),
  });
}

/**
 * The reply for anything a handler threw: its own reply, 400 `badRequest` for a refused input,
 * and 500 `computeFault` for a bug, so that no request can take the mock down.
 */
export function errorReply(error: unknown): Reply {
  if (error instanceof HttpFault) {
    return error.reply;
  }
  if (error instanceof ValidationError) {
    return novaFaultReply(400, error.message);
  }
  return novaFaultReply(500, FAULT_MESSAGES.unexpected(error));
}
