import { readFile } from 'node:fs/promises';
import { ConfigError, EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import * as z from 'zod';
import { faultRuleSchema } from './faults.js';
import { regionSchema, tokenLifetimeSchema, userGrantSchema } from './identity.js';
import { accessKeyGrantSchema, fixtureServerSchema, tokenGrantSchema } from './store.js';
import { describeIssue } from './validate.js';

/**
 * The starting world of a mock: the tokens and AK/SK pairs it accepts, the servers it holds and
 * the faults queued from the start. `reset()` returns to it.
 *
 * ```json
 * {
 *   "tokens": [{ "token": "demo-token", "projectId": "9c53a566cb3443ab910cf0daebca90c4" }],
 *   "accessKeys": [{ "accessKey": "AKEXAMPLE0000000TEST", "secretKey": "SKEXAMPLE0000000000000000000000000000TEST",
 *                    "projectId": "9c53a566cb3443ab910cf0daebca90c4" }],
 *   "servers": [{ "projectId": "9c53a566cb3443ab910cf0daebca90c4",
 *                 "serverId": "998af54b-5762-4041-abc1-f98a2c27b3a2",
 *                 "metadata": { "wj": "True" }, "vmState": "active", "locked": false }],
 *   "faults": []
 * }
 * ```
 *
 * Servers: `name` defaults to `server-` and the id's first 8 characters (Nova's display name: what
 * `GET /servers?name=` filters on), `vmState` to `active` (one of Nova's `vm_state` values), `locked` to `false`;
 * metadata follows upstream Nova's rules (keys `A-Z a-z 0-9 - _ : .` and space, 1-255 characters;
 * values 0-255; at most 128 items). Later entries replace earlier ones with the same ids.
 * `accessKeys` (optional, none by default) are checked as the API gateway checks AK/SK signatures
 * (spec §9.2); an AK is scoped to its project as a token is.
 *
 * The identity service (`POST /v3/auth/tokens`, password login, spec §9.1) accepts the `users`
 * (optional: `[{ "username", "password", "domainName"?, "domainId"?, "projectId", "projectName"? }]`);
 * the tokens it issues are valid for the user's project for `tokenLifetimeMs` (default 24 hours),
 * and its catalog lists the mock itself as the `compute` service of `region` (default `RegionOne`).
 */
export const fixtureSchema = z.strictObject({
  tokens: z.array(tokenGrantSchema),
  accessKeys: z.array(accessKeyGrantSchema).optional(),
  servers: z.array(fixtureServerSchema),
  faults: z.array(faultRuleSchema).optional(),
  users: z.array(userGrantSchema).optional(),
  tokenLifetimeMs: tokenLifetimeSchema.optional(),
  region: regionSchema.optional(),
});

/** See {@link fixtureSchema}. */
export type Fixture = z.infer<typeof fixtureSchema>;

/** The token of {@link DEFAULT_FIXTURE}, scoped to the documentation's example project. */
export const DEMO_TOKEN = 'demo-token';

/** The user of {@link DEFAULT_FIXTURE} for password login (domain `Default`), scoped to the example project. */
export const DEMO_USER = Object.freeze({ username: 'demo', password: 'demo-password', projectId: EXAMPLE_PROJECT_ID });

/** The AK/SK pair of {@link DEFAULT_FIXTURE}, scoped to the example project (spec §9.2). */
export const DEMO_ACCESS_KEY = Object.freeze({ accessKey: 'DEMOACCESSKEY0000000', secretKey: 'demo-secret-key-0000000000000000000000000', projectId: EXAMPLE_PROJECT_ID });

/**
 * The documentation's example (spec, "Reference identifiers"): token {@link DEMO_TOKEN}, AK/SK
 * {@link DEMO_ACCESS_KEY} and password user {@link DEMO_USER}, all for project `EXAMPLE_PROJECT_ID`,
 * which holds server `EXAMPLE_SERVER_ID` with metadata `{"wj": "True"}`.
 */
export const DEFAULT_FIXTURE: Fixture = deepFreeze({
  tokens: [{ token: DEMO_TOKEN, projectId: EXAMPLE_PROJECT_ID }],
  accessKeys: [{ ...DEMO_ACCESS_KEY }],
  users: [{ ...DEMO_USER }],
  servers: [{ projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { ...EXAMPLE_METADATA } }],
});

/**
 * Validates a fixture given in code.
 *
 * @throws {ConfigError} (setting `fixture`) naming the failing JSON path, e.g. `$.servers[0].projectId`.
 */
export function parseFixture(value: unknown, source = 'fixture'): Fixture {
  const result = fixtureSchema.safeParse(value);
  if (!result.success) {
    const { field, reason } = describeIssue(result.error, '$');
    throw new ConfigError('fixture', `Invalid ${source} at ${field}: ${reason}`, { cause: result.error });
  }
  return result.data;
}

/**
 * Reads a fixture (see {@link fixtureSchema}) from a JSON file, e.g. for `ecs-metadata mock serve --fixture`.
 *
 * @throws {ConfigError} (setting `fixture`) when the file cannot be read, is not JSON, or breaks the
 *   schema; the message names the file and, for a schema failure, the JSON path
 *   (`Invalid fixture file ./f.json at $.servers[0].metadata.wj: ...`).
 */
export async function loadFixture(path: string): Promise<Fixture> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError('fixture', `Cannot read fixture file ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError('fixture', `Fixture file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return parseFixture(json, `fixture file ${path}`);
}

// Frozen all the way down: every mock of the process starts from this one object.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}
