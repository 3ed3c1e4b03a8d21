import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod';
import { newToken, type UserGrant } from './identity.js';
import { HttpFault, type Reply } from './reply.js';
import type { Route, RouteContext } from './router.js';

/** Keystone's error body: `{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`. */
function keystoneError(status: 400 | 401, message: string): HttpFault {
  return new HttpFault({ status, json: { error: { code: status, title: status === 400 ? 'Bad Request' : 'Unauthorized', message } } });
}

/** Keystone's messages, verbatim. */
export const KEYSTONE_MESSAGES = {
  unauthorized: 'The request you have made requires authentication.',
  malformed: 'The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.',
} as const;

const reference = z.union([
  z.object({ id: z.string().min(1) }).loose(),
  z.object({ name: z.string().min(1) }).loose(),
]);

// The password method of Keystone v3 (spec §9.1): the user by name and domain; the scope a project by id or by name.
const loginBodySchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()).refine((methods) => methods.includes('password'), 'only the password method is supported'),
      password: z.object({
        user: z.object({
          name: z.string().min(1),
          password: z.string(),
          domain: z.object({ id: z.string().min(1).optional(), name: z.string().min(1).optional() }).optional(),
        }),
      }),
    }),
    scope: z.object({
      project: z.union([
        z.object({ id: z.string().min(1) }),
        z.object({ name: z.string().min(1), domain: reference.optional() }),
      ]),
    }),
  }),
});

type LoginBody = z.infer<typeof loginBodySchema>;

/** The user a login names, when its name, domain and password all fit; `undefined` otherwise. */
function authenticateUser(context: RouteContext, user: LoginBody['auth']['identity']['password']['user']): UserGrant | undefined {
  const grant = context.store.user(user.name);
  if (grant === undefined || grant.password !== user.password) {
    return undefined;
  }
  const domainName = grant.domainName ?? 'Default';
  const domainId = grant.domainId ?? 'default';
  // A domain named by id and name must match both; Keystone wants at least one (the client defaults to id `default`).
  if (user.domain === undefined || (user.domain.id === undefined && user.domain.name === undefined)) {
    throw keystoneError(400, `Expecting to find domain in user. ${KEYSTONE_MESSAGES.malformed}`);
  }
  if (
    (user.domain.id !== undefined && user.domain.id !== domainId) ||
    (user.domain.name !== undefined && user.domain.name !== domainName)
  ) {
    return undefined;
  }
  return grant;
}

/** The project of `grant` when the login's scope names it (by id, or by name and optionally domain). */
function scopedProject(context: RouteContext, grant: UserGrant, scope: LoginBody['auth']['scope']['project']): boolean {
  if ('id' in scope) {
    return scope.id === grant.projectId;
  }
  const projectName = grant.projectName ?? context.store.identitySettings.region;
  if (scope.name !== projectName) {
    return false;
  }
  const domain = scope.domain as { id?: string; name?: string } | undefined;
  return domain === undefined || domain.id === (grant.domainId ?? 'default') || domain.name === (grant.domainName ?? 'Default');
}

/** The base URL the client reached the mock at, for the catalog: `http://{Host}`. */
function ownUrl(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

/** `2024-01-02T03:04:05.000000Z`: ISO-8601 UTC with microseconds, as IAM and Keystone write it (spec §9.1). */
function isoMicros(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/u, '.$1000Z');
}

/**
 * `POST /v3/auth/tokens`: a password login (spec §9.1), as IAM and Keystone answer it. 201 with the
 * token in `X-Subject-Token` and `{"token": {expires_at, issued_at, methods, project, user, roles,
 * catalog}}`; the catalog's `compute` service points at the mock itself (`{url}/v2.1/{project_id}`,
 * interface `public`, the fixture's region, plus an unreachable `internal` one as real catalogs
 * have) and `identity` at `{url}/v3`; `?nocatalog` drops the catalog. The token is valid for the
 * user's project for the configured lifetime, then 401.
 *
 * A wrong user, password, domain or project → 401 with Keystone's body; a body that is not a
 * password login scoped to a project → 400 (Keystone's body). The password is never echoed.
 */
async function createToken(context: RouteContext): Promise<Reply> {
  let json: unknown;
  try {
    json = await context.readJsonBody();
  } catch (error) {
    if (error instanceof HttpFault && error.reply.status === 400) {
      throw keystoneError(400, KEYSTONE_MESSAGES.malformed);
    }
    throw error;
  }
  const parsed = loginBodySchema.safeParse(json);
  if (!parsed.success) {
    // Only the path of the first issue: a value (a password) must never be echoed.
    const path = parsed.error.issues[0]?.path.join('.') ?? 'auth';
    throw keystoneError(400, `Invalid input for field '${path}'. ${KEYSTONE_MESSAGES.malformed}`);
  }
  const { identity, scope } = parsed.data.auth;
  const grant = authenticateUser(context, identity.password.user);
  if (grant === undefined || !scopedProject(context, grant, scope.project)) {
    throw keystoneError(401, KEYSTONE_MESSAGES.unauthorized);
  }
  const { tokenLifetimeMs, region } = context.store.identitySettings;
  const issuedAt = Date.now();
  const expiresAt = issuedAt + tokenLifetimeMs;
  const token = newToken();
  context.store.issueToken(token, grant.projectId, expiresAt);

  const url = ownUrl(context.req);
  const domain = { id: grant.domainId ?? 'default', name: grant.domainName ?? 'Default' };
  const noCatalog = new URL(context.req.url ?? '/', url).searchParams.get('nocatalog');
  const catalog = [
    {
      type: 'compute',
      name: 'nova',
      id: 'compute',
      endpoints: [
        { id: randomUUID().replaceAll('-', ''), interface: 'internal', region, region_id: region, url: `http://nova-internal.invalid:8774/v2.1/${grant.projectId}` },
        { id: randomUUID().replaceAll('-', ''), interface: 'public', region, region_id: region, url: `${url}/v2.1/${grant.projectId}` },
      ],
    },
    {
      type: 'identity',
      name: 'keystone',
      id: 'identity',
      endpoints: [{ id: randomUUID().replaceAll('-', ''), interface: 'public', region, region_id: region, url: `${url}/v3` }],
    },
  ];
  return {
    status: 201,
    headers: { 'X-Subject-Token': token },
    json: {
      token: {
        methods: ['password'],
        expires_at: isoMicros(expiresAt),
        issued_at: isoMicros(issuedAt),
        user: { id: `user-${grant.username}`, name: grant.username, domain, password_expires_at: null },
        project: { id: grant.projectId, name: grant.projectName ?? region, domain },
        roles: [{ id: 'member', name: 'member' }],
        ...(noCatalog === null || noCatalog === '' ? { catalog } : {}),
      },
    },
  };
}

/**
 * The mock's identity service (IAM / Keystone v3, spec §9.1): password login only. Served on the
 * mock's own origin, so `OS_AUTH_URL={mock url}/v3` works, and under `/identity` (where the 401's
 * `WWW-Authenticate: Keystone uri="{mock url}/identity"` points). Behind no authentication; fault
 * rules apply to it as to the API (a rule without `match` also faults the login).
 */
export const IAM_ROUTES: readonly Route[] = [
  { method: 'POST', pattern: '/v3/auth/tokens', family: 'iam', handler: createToken },
  { method: 'POST', pattern: '/identity/v3/auth/tokens', family: 'iam', handler: createToken },
];
