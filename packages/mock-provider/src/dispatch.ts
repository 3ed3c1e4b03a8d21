import { DEFAULT_SIGNATURE_MAX_SKEW_MS, projectIdSchema, readHeader, ValidationError } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import type { MockAdmin } from './admin.js';
import { ADMIN_PREFIX } from './admin-api.js';
import { guardAdminRequest } from './admin-guard.js';
import { authenticateAkSk, authenticateToken, isAkSkSigned } from './auth.js';
import { FAULT_MESSAGES, NOVA_MAX_REQUEST_BODY_BYTES, WEBOB_ERRORS } from './fault-bodies.js';
import { type Microversion, negotiateMicroversion } from './microversion.js';
import { NATIVE_ERRORS } from './native-api.js';
import { HttpFault, novaFaultReply, type Reply } from './reply.js';
import { type BodyReader, createBodyReader } from './request-body.js';
import { novaVersionHeaders } from './response-headers.js';
import type { RequestLog } from './request-log.js';
import type { RouteMatch, Router } from './router.js';
import type { Credentials, MetadataStore } from './store.js';
import { type WebobError, webobErrorReply } from './webob-errors.js';

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

// What `/v2` serves, and `/v2.1` when no microversion is asked for.
const DEFAULT_MICROVERSION = '2.1';

const unknownResource = (): HttpFault => new HttpFault(novaFaultReply(404, FAULT_MESSAGES.unknownResource));

/** webob's page for an error Nova raises before its API layer, in the type the request accepts. */
const webobReply = (req: IncomingMessage, error: WebobError): Reply => webobErrorReply(error, readHeader(req.headers, 'Accept'));

// The prefixes Nova's pipeline (size limit, keystonemiddleware, then the router) serves.
const NOVA_PREFIXES: ReadonlySet<string> = new Set(['v2', 'v2.1']);

/**
 * Whether a path lies under `/v2/` or `/v2.1/`, where Nova authenticates before it routes; the
 * version roots themselves (`/v2.1/`) are public (version discovery).
 */
function isUnderNovaPrefix(segments: readonly string[] | undefined): boolean {
  return segments !== undefined && segments.length >= 2 && NOVA_PREFIXES.has(segments[0] as string) && !(segments.length === 2 && segments[1] === '');
}

function declaredLength(req: IncomingMessage): number {
  const value = Number(req.headers['content-length']);
  return Number.isFinite(value) ? value : 0;
}

/**
 * Routes one request and runs its handler, checking in the order of the API gateway, then Nova
 * (its size limit, keystonemiddleware, then the router, then the API's own project check); an
 * admin API request is first checked for what a web page could have sent (`admin-guard.ts`):
 *
 * 0. an AK/SK-signed request (`Authorization: SDK-HMAC-SHA256 ...`, no token) to any non-admin
 *    path: a bad signature → 401 `APIG.0301`, a signed `X-Project-Id` that is not the path's
 *    project → 400 (spec §6.3, §9.2), as the gateway checks before the request reaches ECS;
 * 1. under `/v2/` and `/v2.1/`: a body over Nova's `max_request_body_size` (114688 bytes) → 413 with
 *    webob's body; then a missing or unknown token → 401, known path or not (keystonemiddleware
 *    runs before Nova's router);
 * 2. a path no route fits → 404: webob's body under the Nova prefixes (Nova's router), the
 *    `itemNotFound` fault "The resource could not be found." elsewhere;
 * 3. Nova and native routes: missing or unknown token → 401; a project id Nova would not route
 *    (`[0-9a-f-]{1,64}`) → 404 as an unknown path;
 * 4. a method the path does not support (PATCH, HEAD, ...) → 404, as Nova (DECISIONS, not 405);
 * 5. Nova routes: token or AK of another project → 400 `badRequest` "Malformed request URL ..." (spec §6.1);
 *    ECS native (`/v1`) routes, authenticated as Nova's: 400 `Ecs.0023` (spec §3.7, §6.2);
 * 6. the handler (which looks the server up, so a foreign server is only ever "not found").
 *
 * Only the answers of steps 5 and 6 on Nova routes come from Nova's API layer and carry its
 * microversion headers (on `/v2.1`); the others carry none, as from Nova (docs/conformance.md).
 * On `/v2.1` the requested microversion is checked before step 5 (400 malformed, without the
 * headers; 406 out of range, echoing it; see `microversion.ts`).
 *
 * @throws {HttpFault} for the answers of steps 0-4.
 */
export async function dispatch(req: IncomingMessage, segments: readonly string[] | undefined, env: DispatchEnvironment): Promise<Reply> {
  if (segments?.[0] === ADMIN_PREFIX) {
    guardAdminRequest(req, env.url);
  }
  const underNova = isUnderNovaPrefix(segments);
  // The 413 of Nova's size limit (`max_request_body_size`), before authentication.
  const tooLarge = webobReply(req, WEBOB_ERRORS.requestTooLarge);
  if (underNova && declaredLength(req) > NOVA_MAX_REQUEST_BODY_BYTES) {
    throw new HttpFault(tooLarge);
  }
  const matches = segments === undefined ? [] : env.router.match(segments);
  const first = matches[0];
  const body = underNova ? createBodyReader(req, NOVA_MAX_REQUEST_BODY_BYTES, tooLarge) : createBodyReader(req);
  let credentials: Credentials | undefined;
  if (segments?.[0] !== ADMIN_PREFIX && isAkSkSigned(req)) {
    // The API gateway checks AK/SK in front of ECS, on any path (spec §6.3), before routing.
    credentials = await authenticateAkSk(req, {
      store: env.store,
      body,
      pathProjectId: segments?.[1],
      signatureMaxSkewMs: env.signatureMaxSkewMs ?? DEFAULT_SIGNATURE_MAX_SKEW_MS,
    });
  }
  if (underNova) {
    credentials ??= authenticateToken(req, env.store, env.url);
  }
  // The 404 of Nova's router for a path it does not route: webob's page, not a Nova fault.
  const notFound = underNova ? (): HttpFault => new HttpFault(webobReply(req, WEBOB_ERRORS.notFound)) : unknownResource;
  if (first === undefined) {
    throw notFound();
  }
  if (first.route.family === 'nova' || first.route.family === 'native') {
    credentials ??= authenticateToken(req, env.store, env.url);
    const pathProjectId = first.params['projectId'];
    if (pathProjectId !== undefined && !projectIdSchema.safeParse(pathProjectId).success) {
      throw notFound();
    }
  }
  const chosen = matches.find(({ route }) => route.method === req.method);
  if (chosen === undefined) {
    throw notFound();
  }
  if (chosen.route.family !== 'nova' && chosen.route.family !== 'discovery') {
    return runRoute(chosen, { credentials, microversion: DEFAULT_MICROVERSION }, req, body, env);
  }
  // Nova's API layer from here: the microversion first (on /v2.1 only; /v2 ignores the headers),
  // then the route; its answers, faults included, carry the microversion headers.
  const apiVersion = segments?.[0];
  const microversion: Microversion = apiVersion === 'v2.1' ? negotiateMicroversion(req) : { version: undefined };
  let reply: Reply;
  if (microversion.refusal !== undefined) {
    reply = microversion.refusal;
  } else {
    try {
      reply = await runRoute(chosen, { credentials, microversion: microversion.version ?? DEFAULT_MICROVERSION }, req, body, env);
    } catch (error) {
      reply = errorReply(error);
    }
  }
  if (reply === tooLarge || (apiVersion === 'v2.1' && microversion.version === undefined)) {
    return reply;
  }
  return { ...reply, headers: { ...novaVersionHeaders(apiVersion, microversion.version), ...reply.headers } };
}

/** Who is calling and how, as established before the route runs. */
interface CallContext {
  /** The token's or AK's project and roles (`undefined` for the unauthenticated admin and iam routes). */
  readonly credentials: Credentials | undefined;
  readonly microversion: string;
}

async function runRoute(
  chosen: RouteMatch,
  call: CallContext,
  req: IncomingMessage,
  body: BodyReader,
  env: DispatchEnvironment,
): Promise<Reply> {
  const urlProjectId = chosen.params['projectId'];
  const contextProjectId = call.credentials?.projectId;
  // A project-less Nova path acts in the token's project; a path naming another is refused.
  const actingProjectId = urlProjectId ?? (chosen.route.family === 'nova' ? contextProjectId : undefined);
  if (contextProjectId !== undefined && actingProjectId !== contextProjectId) {
    throw new HttpFault(
      chosen.route.family === 'native'
        ? NATIVE_ERRORS.projectMismatch(urlProjectId ?? '', contextProjectId)
        : novaFaultReply(400, FAULT_MESSAGES.projectMismatch(urlProjectId ?? '', contextProjectId)),
    );
  }
  return chosen.route.handler({
    req,
    params: chosen.params,
    projectId: actingProjectId,
    roles: call.credentials?.roles ?? [],
    microversion: call.microversion,
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
