import { projectIdSchema } from '@ecs-metadata/core';
import { randomBytes } from 'node:crypto';
import * as z from 'zod';

/**
 * The roles a token may carry, Keystone's defaults (`keystone-manage bootstrap` creates them with
 * these implications): `admin` implies `member`, which implies `reader`.
 */
export const ROLE_NAMES = ['admin', 'member', 'reader'] as const;

/** One of {@link ROLE_NAMES}. */
export type Role = (typeof ROLE_NAMES)[number];

/** The roles granted to a token or user: at least one; default `["member"]`, a project member's. */
export const rolesSchema = z.array(z.enum(ROLE_NAMES)).min(1, 'must name at least one role');

/** The roles of a grant that names none: a project member. */
export const DEFAULT_ROLES: readonly Role[] = Object.freeze(['member']);

/** Roles with the ones they imply, as Keystone puts them in a token: `["admin"]` → admin, member, reader. */
export function effectiveRoles(granted: readonly Role[]): Role[] {
  const implied = new Set<Role>(granted);
  if (implied.has('admin')) {
    implied.add('member');
  }
  if (implied.has('member')) {
    implied.add('reader');
  }
  return ROLE_NAMES.filter((role) => implied.has(role));
}

// A name as IAM and Keystone take it: one line, not empty.
const nameSchema = z.string().regex(/^[^\r\n\0]+$/u, 'must be a non-empty single line');

/**
 * A user the mock's identity service (`POST /v3/auth/tokens`, spec §9.1) accepts for password
 * login, and the one project it may scope a token to. `domainName` defaults to `Default` and
 * `domainId` to `default` (OpenStack's default domain); a login names the domain by either.
 * `projectName` defaults to the fixture's `region`, as a Huawei Cloud region's default project is
 * named after the region. `roles` (default `["member"]`) go into the tokens the user gets.
 */
export const userGrantSchema = z.strictObject({
  username: nameSchema,
  password: z.string().min(1, 'must not be empty'),
  domainName: nameSchema.optional(),
  domainId: nameSchema.optional(),
  projectId: projectIdSchema,
  projectName: nameSchema.optional(),
  roles: rolesSchema.optional(),
  /** Keystone application credentials of the user, bound to its project (`auth_type: v3applicationcredential`). */
  applicationCredentials: z.array(z.strictObject({ id: nameSchema, name: nameSchema, secret: z.string().min(1, 'must not be empty') })).optional(),
});

/** A user of the mock's identity service; see {@link userGrantSchema}. */
export type UserGrant = z.infer<typeof userGrantSchema>;

/** How long a token from the mock's identity service lives: 24 hours, as IAM's (spec §9.1). */
export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** The region the mock's catalog names (Keystone's default region). */
export const DEFAULT_MOCK_REGION = 'RegionOne';

/** Token lifetime in ms, 1 ms to 30 days. */
export const tokenLifetimeSchema = z
  .number()
  .int()
  .min(1)
  .max(30 * 24 * 60 * 60 * 1000);

/** A catalog region id: one line of visible ASCII. */
export const regionSchema = z.string().regex(/^[\x21-\x7e]+$/u, 'must be non-empty visible ASCII');

/** What the identity service is configured with, besides its users. */
export interface IdentitySettings {
  readonly tokenLifetimeMs: number;
  readonly region: string;
}

/**
 * A new opaque token, in the shape of a Keystone fernet token (`gAAAAA...`, URL-safe base64).
 * Random, so tokens issued by one mock are never valid on another.
 */
export function newToken(): string {
  return `gAAAAA${randomBytes(96).toString('base64url')}`;
}
