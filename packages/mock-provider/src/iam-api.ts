import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import * as z from 'zod';
import { readHeader } from '@ecs-metadata/core';
import { DEFAULT_ROLES, effectiveRoles, newToken, type UserGrant } from './identity.js';
import { HttpFault, type Reply } from './reply.js';
import type { Route, RouteContext } from './router.js';

const ERROR_TITLES = { 400: 'Bad Request', 401: 'Unauthorized', 404: 'Not Found' } as const;

/** Keystone's error body: `{"error": {"code": 401, "title": "Unauthorized", "message": "..."}}`. */
function keystoneError(status: 400 | 401 | 404, message: string): HttpFault {
  return new HttpFault({ status, json: { error: { code: status, title: ERROR_TITLES[status], message } } });
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

// The application_credential method (keystoneauth's ApplicationCredentialMethod): by id, or by name
// and its user (by name and domain, or by id `user-{name}`, the mock's user ids).
const applicationCredentialBodySchema = z.object({
  auth: z.object({
    identity: z.object({
      methods: z.array(z.string()),
      application_credential: z.union([
        z.object({ id: z.string().min(1), secret: z.string() }),
        z.object({
          name: z.string().min(1),
          secret: z.string(),
          user: z.union([z.object({ id: z.string().min(1) }), z.object({ name: z.string().min(1), domain: reference.optional() })]),
        }),
      ]),
    }),
    scope: z.unknown().optional(),
  }),
});

type ApplicationCredentialBody = z.infer<typeof applicationCredentialBodySchema>['auth']['identity']['application_credential'];

/** Only the methods of a login body, to pick its schema. */
const loginMethodsSchema = z.object({ auth: z.object({ identity: z.object({ methods: z.array(z.string()) }) }) });

/** The user owning the application credential a login names, and its id, when it and its secret fit. */
function authenticateApplicationCredential(
  context: RouteContext,
  credential: ApplicationCredentialBody,
): { grant: UserGrant; id: string; name: string } | undefined {
  for (const grant of context.store.users()) {
    const found = (grant.applicationCredentials ?? []).find((candidate) => {
      if ('id' in credential) {
        return candidate.id === credential.id;
      }
      const user = credential.user;
      const userMatches = 'id' in user
        ? user.id === `user-${grant.username}`
        : user.name === grant.username && (user.domain === undefined || ('id' in user.domain ? user.domain.id === (grant.domainId ?? 'default') : user.domain.name === (grant.domainName ?? 'Default')));
      return candidate.name === credential.name && userMatches;
    });
    if (found !== undefined) {
      return found.secret === credential.secret ? { grant, id: found.id, name: found.name } : undefined;
    }
  }
  return undefined;
}

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
 * have), `identity` at `{url}/v3` and `image` at `{url}/image` (version discovery only:
 * openstackclient needs it); `?nocatalog` drops the catalog. The token is valid for the
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
  if (loginMethodsSchema.safeParse(json).data?.auth.identity.methods.includes('application_credential') === true) {
    return createApplicationCredentialToken(context, json);
  }
  const parsed = loginBodySchema.safeParse(json);
  if (!parsed.success) {
    throw invalidInput(parsed.error);
  }
  const { identity, scope } = parsed.data.auth;
  const grant = authenticateUser(context, identity.password.user);
  if (grant === undefined || !scopedProject(context, grant, scope.project)) {
    throw keystoneError(401, KEYSTONE_MESSAGES.unauthorized);
  }
  return issueToken(context, grant, { methods: ['password'] });
}

/** 400 naming only the path of the first issue: a value (a password, a secret) must never be echoed. */
function invalidInput(error: z.ZodError): HttpFault {
  const path = error.issues[0]?.path.join('.') ?? 'auth';
  return keystoneError(400, `Invalid input for field '${path}'. ${KEYSTONE_MESSAGES.malformed}`);
}

/**
 * An application credential login: the credential by id, or by name and user; no scope (Keystone
 * answers 401 "Application credentials cannot request a scope."); a token for the user's project.
 */
function createApplicationCredentialToken(context: RouteContext, json: unknown): Reply {
  const parsed = applicationCredentialBodySchema.safeParse(json);
  if (!parsed.success) {
    throw invalidInput(parsed.error);
  }
  const { identity, scope } = parsed.data.auth;
  if (scope !== undefined) {
    throw keystoneError(401, 'Application credentials cannot request a scope.');
  }
  const found = authenticateApplicationCredential(context, identity.application_credential);
  if (found === undefined) {
    throw keystoneError(401, KEYSTONE_MESSAGES.unauthorized);
  }
  return issueToken(context, found.grant, { methods: ['application_credential'], applicationCredential: { id: found.id, name: found.name } });
}

/** How a token was obtained, for its body. */
interface TokenOrigin {
  readonly methods: readonly string[];
  readonly applicationCredential?: { readonly id: string; readonly name: string };
}

/** Issues a token for `grant`'s project: 201, the token in `X-Subject-Token`, its body with the catalog. */
function issueToken(context: RouteContext, grant: UserGrant, origin: TokenOrigin): Reply {
  const { tokenLifetimeMs } = context.store.identitySettings;
  const issuedAt = Date.now();
  const expiresAt = issuedAt + tokenLifetimeMs;
  const token = newToken();
  const roles = effectiveRoles(grant.roles ?? DEFAULT_ROLES);
  context.store.issueToken(token, grant.projectId, expiresAt, roles);
  const domain = { id: grant.domainId ?? 'default', name: grant.domainName ?? 'Default' };
  return {
    status: 201,
    headers: { 'X-Subject-Token': token },
    json: {
      token: {
        methods: origin.methods,
        expires_at: isoMicros(expiresAt),
        issued_at: isoMicros(issuedAt),
        user: { id: `user-${grant.username}`, name: grant.username, domain, password_expires_at: null },
        project: { id: grant.projectId, name: grant.projectName ?? context.store.identitySettings.region, domain },
        roles: roles.map((role) => ({ id: role, name: role })),
        ...(origin.applicationCredential === undefined
          ? {}
          : { application_credential: { ...origin.applicationCredential, restricted: true } }),
        ...catalogOf(context, grant.projectId),
      },
    },
  };
}

/** `{catalog}` for a token of `projectId`, unless the request says `?nocatalog`. */
function catalogOf(context: RouteContext, projectId: string): { catalog?: unknown[] } {
  const { region } = context.store.identitySettings;
  const url = ownUrl(context.req);
  const noCatalog = new URL(context.req.url ?? '/', url).searchParams.get('nocatalog');
  const catalog = [
    {
      type: 'compute',
      name: 'nova',
      id: 'compute',
      endpoints: [
        { id: randomUUID().replaceAll('-', ''), interface: 'internal', region, region_id: region, url: `http://nova-internal.invalid:8774/v2.1/${projectId}` },
        { id: randomUUID().replaceAll('-', ''), interface: 'public', region, region_id: region, url: `${url}/v2.1/${projectId}` },
      ],
    },
    {
      type: 'identity',
      name: 'keystone',
      id: 'identity',
      endpoints: [{ id: randomUUID().replaceAll('-', ''), interface: 'public', region, region_id: region, url: `${url}/v3` }],
    },
    // openstackclient builds its image client for `server show` (to name a server's image), so a
    // catalog needs one; the mock answers only its version discovery (discovery-api.ts).
    {
      type: 'image',
      name: 'glance',
      id: 'image',
      endpoints: [{ id: randomUUID().replaceAll('-', ''), interface: 'public', region, region_id: region, url: `${url}/image` }],
    },
  ];
  return noCatalog === null || noCatalog === '' ? { catalog } : {};
}

/**
 * `GET /v3/auth/tokens`: Keystone's "validate and show information for token" — the token in
 * `X-Subject-Token`, authorised by `X-Auth-Token` (its own subject may look itself up): 200 with its
 * project and catalog, as `openstack` reads them for `OS_TOKEN` with `OS_AUTH_URL`. A token the
 * mock does not accept: 401 for `X-Auth-Token`, 404 for `X-Subject-Token`. `expires_at` is the
 * configured lifetime from now (the mock keeps only whether a token is valid).
 */
function showToken(context: RouteContext): Reply {
  const authToken = readHeader(context.req.headers, 'X-Auth-Token');
  if (authToken === undefined || context.store.credentialsOfToken(authToken) === undefined) {
    throw keystoneError(401, KEYSTONE_MESSAGES.unauthorized);
  }
  const subject = readHeader(context.req.headers, 'X-Subject-Token');
  const subjectGrant = subject === undefined ? undefined : context.store.credentialsOfToken(subject);
  if (subject === undefined || subjectGrant === undefined) {
    throw keystoneError(404, 'Could not find token.');
  }
  const now = Date.now();
  return {
    status: 200,
    headers: { 'X-Subject-Token': subject },
    json: {
      token: {
        methods: ['token'],
        expires_at: isoMicros(now + context.store.identitySettings.tokenLifetimeMs),
        issued_at: isoMicros(now),
        project: { id: subjectGrant.projectId },
        roles: subjectGrant.roles.map((role) => ({ id: role, name: role })),
        ...catalogOf(context, subjectGrant.projectId),
      },
    },
  };
}

/**
 * The mock's identity service (IAM / Keystone v3, spec §9.1): password and application credential
 * login, and the lookup of a token (`GET`). Served on the
 * mock's own origin, so `OS_AUTH_URL={mock url}/v3` works, and under `/identity` (where the 401's
 * `WWW-Authenticate: Keystone uri="{mock url}/identity"` points). Behind no authentication; fault
 * rules apply to it as to the API (a rule without `match` also faults the login).
 */
export const IAM_ROUTES: readonly Route[] = [
  { method: 'POST', pattern: '/v3/auth/tokens', family: 'iam', handler: createToken, name: 'login' },
  { method: 'POST', pattern: '/identity/v3/auth/tokens', family: 'iam', handler: createToken, name: 'login' },
  { method: 'GET', pattern: '/v3/auth/tokens', family: 'iam', handler: showToken },
  { method: 'GET', pattern: '/identity/v3/auth/tokens', family: 'iam', handler: showToken },
];
