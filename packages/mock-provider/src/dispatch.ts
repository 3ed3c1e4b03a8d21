import { DEFAULT_SIGNATURE_MAX_SKEW_MS, projectIdSchema, ValidationError } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import type { MockAdmin } from './admin.js';
import { ADMIN_PREFIX } from './admin-api.js';
import { authenticateAkSk, authenticateToken, isAkSkSigned } from './auth.js';
import { FAULT_MESSAGES } from './fault-bodies.js';
import { NATIVE_ERRORS } from './native-api.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import { createBodyReader } from './request-body.js';
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
  /** `X-Sdk-Date` tolerance of AK/SK signatures in ms, `false` for none; default 15 min (spec §9.2). */
  readonly signatureMaxSkewMs?: number | false;
}

const unknownResource = (): HttpFault => new HttpFault(novaFaultReply(404, FAULT_MESSAGES.unknownResource));

/**
 * Routes one request and runs its handler, checking in the order of the API gateway, then Nova
 * (keystonemiddleware, then the router, then the API's own project check):
 *
 * 0. an AK/SK-signed request (`Authorization: SDK-HMAC-SHA256 ...`, no token) to any non-admin
 *    path: a bad signature → 401 `APIG.0301`, a signed `X-Project-Id` that is not the path's
 *    project → 400 (spec §6.3, §9.2), as the gateway checks before the request reaches ECS;
 * 1. a path no route fits → 404 `itemNotFound` "The resource could not be found.";
 * 2. Nova routes: missing or unknown token → 401 (before anything about the path is judged);
 *    a project id Nova would not route (`[0-9a-f-]{1,64}`) → 404 as an unknown path;
 * 3. a method the path does not support (PATCH, HEAD, ...) → 404, as Nova (DECISIONS, not 405);
 * 4. Nova routes: token or AK of another project → 400 `badRequest` "Malformed request URL ..." (spec §6.1);
 *    ECS native (`/v1`) routes, authenticated as Nova's: 400 `Ecs.0023` (spec §3.7, §6.2);
 * 5. the handler (which looks the server up, so a foreign server is only ever "not found").
 *
 * @throws {HttpFault} for the answers above, and whatever the handler throws.
 */
export async function dispatch(req: IncomingMessage, segments: readonly string[] | undefined, env: DispatchEnvironment): Promise<Reply> {
  const matches = segments === undefined ? [] : env.router.match(segments);
  const first = matches[0];
  const body = createBodyReader(req);
  let contextProjectId: string | undefined;
  if (segments?.[0] !== ADMIN_PREFIX && isAkSkSigned(req)) {
    // The API gateway checks AK/SK in front of ECS, on any path (spec §6.3), before routing.
    contextProjectId = await authenticateAkSk(req, {
      store: env.store,
      body,
      pathProjectId: segments?.[1],
      signatureMaxSkewMs: env.signatureMaxSkewMs ?? DEFAULT_SIGNATURE_MAX_SKEW_MS,
    });
  }
  if (first === undefined) {
    throw unknownResource();
  }
  if (first.route.family === 'nova' || first.route.family === 'native') {
    contextProjectId ??= authenticateToken(req, env.store, env.url);
    if (!projectIdSchema.safeParse(first.params['projectId']).success) {
      throw unknownResource();
    }
  }
  const chosen = matches.find(({ route }) => route.method === req.method);
  if (chosen === undefined) {
    throw unknownResource();
  }
  const urlProjectId = chosen.params['projectId'];
  if (contextProjectId !== undefined && urlProjectId !== contextProjectId) {
    throw new HttpFault(
      chosen.route.family === 'native'
        ? NATIVE_ERRORS.projectMismatch(urlProjectId ?? '', contextProjectId)
        : novaFaultReply(400, FAULT_MESSAGES.projectMismatch(urlProjectId ?? '', contextProjectId)),
    );
  }
  return chosen.route.handler({
    req,
    params: chosen.params,
    store: env.store,
    admin: env.admin,
    log: env.log,
    readJsonBody: () => body.json(),
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
