import type { FaultQueue, FaultRule } from './faults.js';
import type { Fixture } from './fixture.js';
import { DEFAULT_MOCK_REGION, DEFAULT_TOKEN_LIFETIME_MS, type Role, tokenLifetimeSchema, type UserGrant } from './identity.js';
import { parseInput } from './validate.js';
import type { ProjectRateLimiter, RateLimit } from './rate-limit.js';
import type { RequestLog } from './request-log.js';
import type { MetadataStore, MockServer, ServerInput } from './store.js';

/**
 * Arranges the mock from code: the programmatic twin of the admin HTTP API (`/_admin/...`, see
 * `ADMIN_ROUTES`). Changes apply to the next request. Inputs are validated as the HTTP API
 * validates them.
 */
export interface MockAdmin {
  /**
   * Creates or replaces a server. `name` defaults to `server-` and the id's first 8 characters,
   * `vmState` to `active`, `locked` to `false`.
   *
   * @returns the server as stored.
   * @throws {ValidationError} naming `projectId`, `serverId` or the failing field (`metadata.wj`).
   */
  putServer(projectId: string, serverId: string, server: ServerInput): MockServer;
  /** Removes a server. @returns whether it existed. */
  deleteServer(projectId: string, serverId: string): boolean;
  /** A copy of a server, or `undefined`. */
  getServer(projectId: string, serverId: string): MockServer | undefined;
  /**
   * Makes `token` valid for `projectId` with `roles` (default `["member"]`; `admin` implies
   * `member`, which implies `reader`); an existing token moves to the new project and roles.
   *
   * @throws {ValidationError} naming `token`, `projectId` or `roles`.
   */
  addToken(token: string, projectId: string, roles?: readonly Role[]): void;
  /**
   * Makes an AK/SK pair valid for `projectId` (spec §9.2): requests signed with it are accepted for
   * that project (an existing AK gets the new SK and project).
   *
   * @throws {ValidationError} naming `accessKey`, `secretKey` (never its value) or `projectId`.
   */
  addAccessKey(accessKey: string, secretKey: string, projectId: string): void;
  /**
   * Adds (or replaces, by name) a user of the identity service (`POST /v3/auth/tokens`, spec §9.1).
   *
   * @throws {ValidationError} naming the failing field (never the password's value).
   */
  addUser(user: UserGrant): void;
  /**
   * Sets how long tokens issued from now on live, in ms (the fixture's `tokenLifetimeMs`, default 24 h).
   *
   * @throws {ValidationError} (`tokenLifetimeMs`) unless an integer from 1 ms to 30 days.
   */
  setTokenLifetime(tokenLifetimeMs: number): void;
  /**
   * Appends a fault rule to the FIFO list (see `FaultRule`).
   *
   * @throws {ValidationError} naming the failing field as `rule.<path>`.
   */
  queueFault(rule: FaultRule): void;
  /**
   * Appends several fault rules in order, all or none: a status sequence such as
   * `[{ status: 429, headers: { 'Retry-After': '1' } }, { status: 503 }]` (then normal answers).
   *
   * @throws {ValidationError} naming the failing field as `rules[i].<path>`; nothing is queued then.
   */
  queueFaults(rules: readonly FaultRule[]): void;
  /** Drops every queued fault rule. */
  clearFaults(): void;
  /**
   * Sets the gateway's flow control per project (see `MockProviderOptions.rateLimit`), or removes
   * it with `undefined`; every project's bucket starts full.
   *
   * @throws {ValidationError} naming `rateLimit.ratePerSecond` or `rateLimit.burst`.
   */
  setRateLimit(limit: RateLimit | undefined): void;
  /** The flow control in force, if any. */
  getRateLimit(): RateLimit | undefined;
  /**
   * Back to the fixture the mock started with: its servers, tokens, access keys, users, token lifetime
   * and faults; the request log emptied; the rate limit the mock started with, buckets full.
   */
  reset(): void;
}

/** The parts of a running mock that the admin operates on. */
export interface AdminDependencies {
  readonly store: MetadataStore;
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  readonly fixture: Fixture;
  readonly rateLimiter: ProjectRateLimiter;
}

/** Builds the {@link MockAdmin} of one mock. */
export function createMockAdmin({ store, faults, log, fixture, rateLimiter }: AdminDependencies): MockAdmin {
  const initialRateLimit = rateLimiter.limit;
  return {
    putServer: (projectId, serverId, server) => store.putServer(projectId, serverId, server),
    deleteServer: (projectId, serverId) => store.deleteServer(projectId, serverId),
    getServer: (projectId, serverId) => store.getServer(projectId, serverId),
    addToken: (token, projectId, roles) => {
      store.addToken(token, projectId, roles);
    },
    addAccessKey: (accessKey, secretKey, projectId) => {
      store.addAccessKey(accessKey, secretKey, projectId);
    },
    addUser: (user) => {
      store.addUser(user);
    },
    setTokenLifetime: (tokenLifetimeMs) => {
      store.identitySettings = { ...store.identitySettings, tokenLifetimeMs: parseInput(tokenLifetimeSchema, 'tokenLifetimeMs', tokenLifetimeMs) };
    },
    queueFault: (rule) => {
      faults.add(rule);
    },
    queueFaults: (rules) => {
      faults.addAll(rules);
    },
    clearFaults: () => faults.clear(),
    setRateLimit: (limit) => rateLimiter.set(limit),
    getRateLimit: () => rateLimiter.limit,
    reset: () => {
      store.load(fixture.servers, fixture.tokens, fixture.accessKeys ?? [], fixture.users ?? []);
      store.identitySettings = {
        tokenLifetimeMs: fixture.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS,
        region: fixture.region ?? DEFAULT_MOCK_REGION,
      };
      faults.clear();
      faults.addAll(fixture.faults ?? []);
      log.clear();
      rateLimiter.set(initialRateLimit);
    },
  };
}
