import {
  AKSK_ACCESS_KEY_PATTERN,
  encodePathSegment,
  MAX_METADATA_ITEMS,
  metadataValueSchema,
  novaMetadataKeySchema,
  ownKeysRecordSchema,
  projectIdSchema,
  serverIdSchema,
} from '@ecs-metadata/core';
import * as z from 'zod';
import {
  DEFAULT_MOCK_REGION,
  DEFAULT_ROLES,
  DEFAULT_TOKEN_LIFETIME_MS,
  effectiveRoles,
  type IdentitySettings,
  type Role,
  rolesSchema,
  type UserGrant,
  userGrantSchema,
} from './identity.js';
import { parseInput } from './validate.js';

/** Nova's `vm_state` values (`nova/compute/vm_states.py`); reads work in all of them (spec §4.2). */
export const VM_STATES: readonly string[] = Object.freeze([
  'active',
  'building',
  'paused',
  'suspended',
  'stopped',
  'rescued',
  'resized',
  'soft-delete',
  'deleted',
  'error',
  'shelved',
  'shelved_offloaded',
]);

/**
 * How many tokens issued by the identity service (password login) the mock remembers: past it,
 * the oldest are forgotten (401 from then on, as a revoked token), so a login loop cannot grow
 * the mock without bound.
 */
export const MAX_ISSUED_TOKENS = 10_000;

/** The `vm_state` of a server that does not say otherwise. */
export const DEFAULT_VM_STATE = 'active';

/**
 * The name of a server that does not say otherwise: `server-` and the first 8 characters of its id
 * (Nova requires a name at creation; this one is unique enough to look a server up by).
 */
export const defaultServerName = (serverId: string): string => `server-${serverId.slice(0, 8)}`;

// A string rather than an enum type, so callers can pass states they read from elsewhere; the
// runtime check still catches typos such as `ACTIVE`.
const vmStateSchema = z.string().refine((state) => VM_STATES.includes(state), `must be one of ${VM_STATES.join(', ')}`);

// The store holds only ids a client could address: one path segment, not a dot segment.
const mockServerIdSchema = serverIdSchema.refine((id) => {
  try {
    encodePathSegment('serverId', id);
    return true;
  } catch {
    return false;
  }
}, 'must be usable as one path segment: not "." or "..", no "/", "\\" or control characters');

// What Nova itself could hold: its key rules (space allowed, spec §4.1 project decision) and its item
// limit. Every key kept, `__proto__` too (a valid Nova key that zod's record would drop unchecked).
const storedMetadataSchema = ownKeysRecordSchema(novaMetadataKeySchema, metadataValueSchema)
  .refine((metadata) => Object.keys(metadata).length <= MAX_METADATA_ITEMS, `must hold at most ${MAX_METADATA_ITEMS} items`);

// A display name as Nova takes one (`nova/api/validation/parameter_types.py` `name`): 1-255
// characters, no leading or trailing space, no control characters.
const serverNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^(?!\s)[^\p{Cc}]*(?<!\s)$/u, 'must have no leading or trailing space and no control characters');

/**
 * A server's contents as the admin API takes them: `{metadata, name?, vmState?, locked?, lockedReason?}`. Strict,
 * so a misspelt field (`vm_state`) is refused rather than ignored.
 */
export const serverInputSchema = z.strictObject({
  metadata: storedMetadataSchema,
  name: serverNameSchema.optional(),
  vmState: vmStateSchema.optional(),
  locked: z.boolean().optional(),
  /** Why the server is locked (Nova's `locked_reason`, microversion 2.73); kept only while it is. */
  lockedReason: z.string().min(1).max(255).nullable().optional(),
});

/** One server of a fixture: where it lives plus {@link serverInputSchema}. */
export const fixtureServerSchema = serverInputSchema.extend({ projectId: projectIdSchema, serverId: mockServerIdSchema });

/**
 * A token the mock accepts, the project it is scoped to and its roles (default `["member"]`;
 * Nova's policy: `reader` reads, `member` writes, `admin` reaches every project's servers).
 */
export const tokenGrantSchema = z.strictObject({
  // Visible ASCII only: a token travels in a header.
  token: z.string().regex(/^[\x21-\x7e]+$/u, 'must be non-empty visible ASCII (it is sent as a header value)'),
  projectId: projectIdSchema,
  roles: rolesSchema.optional(),
});

/** Who a token speaks for: its project and its roles, implied ones included. */
export interface Credentials {
  readonly projectId: string;
  readonly roles: readonly Role[];
}

/**
 * An AK/SK pair the mock accepts (spec §9.2), and the project it is scoped to. The AK is visible
 * ASCII without `,` (it sits in `Authorization: SDK-HMAC-SHA256 Access=<AK>, ...`).
 */
export const accessKeyGrantSchema = z.strictObject({
  accessKey: z.string().regex(AKSK_ACCESS_KEY_PATTERN, 'must be non-empty visible ASCII without ","'),
  secretKey: z.string().min(1, 'must not be empty'),
  projectId: projectIdSchema,
});

/** `{metadata, name?, vmState?, locked?, lockedReason?}`: a server's contents as given to the admin API. */
export type ServerInput = z.infer<typeof serverInputSchema>;
/** A server as a fixture lists it. */
export type FixtureServer = z.infer<typeof fixtureServerSchema>;
/** A server as the mock stores and returns it: every field present. */
export type MockServer = Required<FixtureServer>;

/** When a stored server was created and last changed (epoch ms), for Nova's `created`/`updated`. */
export interface ServerTimes {
  readonly created: number;
  readonly updated: number;
}
/** A token and its project. */
export type TokenGrant = z.infer<typeof tokenGrantSchema>;
/** An AK, its SK and its project. */
export type AccessKeyGrant = z.infer<typeof accessKeyGrantSchema>;

/**
 * The mock's in-memory world: servers by project and id, and the tokens it accepts. Servers are
 * keyed by project as well, so a server of another project is "not found" as on Nova (spec §3.1).
 * Everything going in is validated and everything coming out is a copy.
 */
export class MetadataStore {
  readonly #servers = new Map<string, Map<string, MockServer & ServerTimes>>();
  readonly #tokens = new Map<string, Credentials>();
  readonly #accessKeys = new Map<string, AccessKeyGrant>();
  // Identity service (password login, spec §9.1): users by name, and when issued tokens expire.
  readonly #users = new Map<string, UserGrant>();
  readonly #tokenExpiry = new Map<string, number>();
  #identity: IdentitySettings = { tokenLifetimeMs: DEFAULT_TOKEN_LIFETIME_MS, region: DEFAULT_MOCK_REGION };

  /** Replaces the whole contents. Later entries win over earlier ones with the same key. */
  load(
    servers: readonly FixtureServer[],
    tokens: readonly TokenGrant[],
    accessKeys: readonly AccessKeyGrant[] = [],
    users: readonly UserGrant[] = [],
  ): void {
    this.#servers.clear();
    this.#tokens.clear();
    this.#accessKeys.clear();
    this.#users.clear();
    this.#tokenExpiry.clear();
    for (const { projectId, serverId, ...input } of servers) {
      this.putServer(projectId, serverId, input);
    }
    for (const grant of tokens) {
      this.addToken(grant.token, grant.projectId, grant.roles);
    }
    for (const grant of accessKeys) {
      this.addAccessKey(grant.accessKey, grant.secretKey, grant.projectId);
    }
    for (const user of users) {
      this.addUser(user);
    }
  }

  /** @throws {ValidationError} naming `projectId`, `serverId` or the failing field of `input`. */
  putServer(projectId: string, serverId: string, input: ServerInput): MockServer {
    const where = {
      projectId: parseInput(projectIdSchema, 'projectId', projectId),
      serverId: parseInput(mockServerIdSchema, 'serverId', serverId),
    };
    const valid = parseInput(serverInputSchema, '', input);
    let project = this.#servers.get(projectId);
    if (project === undefined) {
      project = new Map();
      this.#servers.set(projectId, project);
    }
    const now = Date.now();
    const server: MockServer & ServerTimes = {
      ...where,
      metadata: { ...valid.metadata },
      name: valid.name ?? defaultServerName(where.serverId),
      vmState: valid.vmState ?? DEFAULT_VM_STATE,
      locked: valid.locked ?? false,
      lockedReason: valid.locked === true ? (valid.lockedReason ?? null) : null,
      created: project.get(serverId)?.created ?? now,
      updated: now,
    };
    project.set(serverId, server);
    return copyServer(server);
  }

  /**
   * Changes some fields of a stored server (the API's writes: metadata, the lock flag), keeping
   * the others.
   *
   * @throws {ValidationError} naming the failing field.
   */
  updateServer(server: MockServer, changes: Partial<ServerInput>): MockServer {
    const { projectId, serverId, metadata, name, vmState, locked, lockedReason } = server;
    return this.putServer(projectId, serverId, { metadata, name, vmState, locked, lockedReason, ...changes });
  }

  getServer(projectId: string, serverId: string): MockServer | undefined {
    const server = this.#servers.get(projectId)?.get(serverId);
    return server === undefined ? undefined : copyServer(server);
  }

  /** The server of that id in whichever project holds it (an admin's lookup), or `undefined`. */
  findServer(serverId: string): MockServer | undefined {
    for (const project of this.#servers.values()) {
      const server = project.get(serverId);
      if (server !== undefined) {
        return copyServer(server);
      }
    }
    return undefined;
  }

  /** When a stored server was created and last changed, or `undefined` for an unknown one. */
  serverTimes(projectId: string, serverId: string): ServerTimes | undefined {
    const server = this.#servers.get(projectId)?.get(serverId);
    return server === undefined ? undefined : { created: server.created, updated: server.updated };
  }

  /** The servers of one project, in the order they were first stored. */
  listServers(projectId: string): MockServer[] {
    return [...(this.#servers.get(projectId)?.values() ?? [])].map(copyServer);
  }

  /** The servers of every project (an admin's `all_tenants` listing), project by project. */
  listAllServers(): MockServer[] {
    return [...this.#servers.keys()].flatMap((projectId) => this.listServers(projectId));
  }

  /** @returns whether the server existed. */
  deleteServer(projectId: string, serverId: string): boolean {
    return this.#servers.get(projectId)?.delete(serverId) ?? false;
  }

  /** @throws {ValidationError} naming `token`, `projectId` or `roles`. */
  addToken(token: string, projectId: string, roles: readonly Role[] = DEFAULT_ROLES): TokenGrant {
    const grant = parseInput(tokenGrantSchema, '', { token, projectId, roles });
    this.#tokens.set(
      grant.token,
      Object.freeze({ projectId: grant.projectId, roles: Object.freeze(effectiveRoles(grant.roles ?? DEFAULT_ROLES)) }),
    );
    this.#tokenExpiry.delete(grant.token); // a token added this way does not expire
    return grant;
  }

  /** The project and roles of a token, or `undefined` for an unknown (or expired) token. */
  credentialsOfToken(token: string): Credentials | undefined {
    const expiresAt = this.#tokenExpiry.get(token);
    if (expiresAt !== undefined && Date.now() >= expiresAt) {
      // Expired: Keystone no longer validates it (spec §9.1, "An expired token yields 401").
      this.#tokens.delete(token);
      this.#tokenExpiry.delete(token);
      return undefined;
    }
    return this.#tokens.get(token);
  }

  /**
   * Makes an AK/SK pair valid for `projectId` (an existing AK gets the new SK and project).
   *
   * @throws {ValidationError} naming `accessKey`, `secretKey` (never its value) or `projectId`.
   */
  addAccessKey(accessKey: string, secretKey: string, projectId: string): void {
    const grant = parseInput(accessKeyGrantSchema, '', { accessKey, secretKey, projectId });
    this.#accessKeys.set(grant.accessKey, grant);
  }

  /** The SK and project of an AK, or `undefined` for an unknown AK. */
  accessKeyGrant(accessKey: string): AccessKeyGrant | undefined {
    const grant = this.#accessKeys.get(accessKey);
    return grant === undefined ? undefined : { ...grant };
  }
  /**
   * Makes `token` valid for `projectId` (with `roles`) until `expiresAt` (epoch ms): a token the identity
   * service issued. After that instant it is unknown again (401).
   */
  issueToken(token: string, projectId: string, expiresAt: number, roles: readonly Role[] = DEFAULT_ROLES): void {
    this.addToken(token, projectId, roles);
    this.#tokenExpiry.set(token, expiresAt);
    if (this.#tokenExpiry.size > MAX_ISSUED_TOKENS) {
      this.#forgetIssuedTokens();
    }
  }

  // Tokens live for a day by default, so a login loop would grow the store until then: past the
  // cap, drop the expired ones and the oldest (Map order is issue order) down to 90% of the cap,
  // so the sweep runs once per thousand logins rather than on every one.
  #forgetIssuedTokens(): void {
    const now = Date.now();
    const keep = MAX_ISSUED_TOKENS - MAX_ISSUED_TOKENS / 10;
    for (const [issued, expiry] of this.#tokenExpiry) {
      if (now >= expiry || this.#tokenExpiry.size > keep) {
        this.#tokens.delete(issued);
        this.#tokenExpiry.delete(issued);
      }
    }
  }

  /**
   * Adds (or replaces, by name) a user of the identity service.
   *
   * @throws {ValidationError} naming the failing field (`username`, `password` — never its value — ...).
   */
  addUser(user: UserGrant): UserGrant {
    const grant = parseInput(userGrantSchema, '', user);
    this.#users.set(grant.username, grant);
    return { ...grant };
  }

  /** The user of that name, or `undefined`. */
  user(username: string): UserGrant | undefined {
    const user = this.#users.get(username);
    return user === undefined ? undefined : { ...user };
  }

  /** Every user of the identity service (copies). */
  users(): UserGrant[] {
    return [...this.#users.values()].map((user) => ({ ...user }));
  }

  /** The identity service's token lifetime and catalog region. */
  get identitySettings(): IdentitySettings {
    return this.#identity;
  }

  set identitySettings(settings: IdentitySettings) {
    this.#identity = Object.freeze({ ...settings });
  }
}

function copyServer({ projectId, serverId, metadata, name, vmState, locked, lockedReason }: MockServer): MockServer {
  return { projectId, serverId, metadata: { ...metadata }, name, vmState, locked, lockedReason };
}
