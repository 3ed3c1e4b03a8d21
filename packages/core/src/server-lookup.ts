import * as z from 'zod';
import { ValidationError } from './errors.js';
import type { ResponseExpectation } from './interpret-response.js';
import { encodePathSegment } from './path-segment.js';
import { buildHeaders, type EcsRequest, type RequestTarget, serversUrl, serverUrl } from './request.js';
import { serverIdSchema } from './schemas.js';

/** What a lookup needs of a server: its id and display name. */
export interface ServerSummary {
  readonly id: string;
  readonly name: string;
}

const serverSummarySchema = z.object({ id: z.string().min(1), name: z.string() });

/** `GET /servers/{id}` (Nova "show server details"): 200 `{"server": {id, name, ...}}`; other fields ignored. */
export const showServerResponseSchema = z.object({ server: serverSummarySchema });

/** `GET /servers?name=` (Nova "list servers"): 200 `{"servers": [{id, name, links}]}`. */
export const listServersResponseSchema = z.object({ servers: z.array(serverSummarySchema) });

/** The expectation of "show server": 200 → the server's id and name. */
export const showServerExpectation: ResponseExpectation<ServerSummary> = Object.freeze({
  successStatuses: [200],
  schema: showServerResponseSchema,
  parse: (body: unknown): ServerSummary => {
    const { server } = showServerResponseSchema.parse(body);
    return { id: server.id, name: server.name };
  },
});

/** The expectation of "list servers": 200 → the servers' ids and names. */
export const listServersExpectation: ResponseExpectation<readonly ServerSummary[]> = Object.freeze({
  successStatuses: [200],
  schema: listServersResponseSchema,
  parse: (body: unknown): readonly ServerSummary[] => listServersResponseSchema.parse(body).servers.map(({ id, name }) => ({ id, name })),
});

// A server id as Nova issues them: a UUID. Such an argument is taken as an id without a lookup.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;
// Characters special in the regular expressions Nova matches `name` with (Python re, MySQL, RE2).
const REGEX_SPECIAL = /[\\^$.|?*+()[\]{}]/gu;
// eslint-disable-next-line no-control-regex -- a name is one line of printable characters
const CONTROL = /[\u0000-\u001f\u007f]/u;

/**
 * Whether a server argument is taken as an id outright: a UUID, the form of every id Nova issues.
 * Anything else is looked up as `openstack` does (exact id first, then exact name): see
 * {@link buildShowServerRequest} and {@link buildFindServersByNameRequest}.
 */
export function isServerUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether a server argument could be an id at all (path-safe): if not, it can only be a name. */
export function couldBeServerId(value: string): boolean {
  try {
    encodePathSegment('serverId', value);
  } catch {
    return false;
  }
  return serverIdSchema.safeParse(value).success;
}

/** Parameters of {@link buildShowServerRequest}. */
export interface ShowServerParams extends RequestTarget {
  serverId: string;
}

/**
 * Builds "show server" (`GET /{v}/{project_id}/servers/{server_id}`): the first step of finding a
 * server by id or name, as openstacksdk's `find_server` does. Pure.
 *
 * @throws {ValidationError} naming `serverId` (not path-safe) or a target field.
 */
export function buildShowServerRequest(params: ShowServerParams): EcsRequest {
  return { method: 'GET', url: serverUrl(params, params.serverId), headers: buildHeaders(params), body: undefined };
}

/** Parameters of {@link buildFindServersByNameRequest}. */
export interface FindServersByNameParams extends RequestTarget {
  name: string;
}

/**
 * Builds "list servers" filtered by name (`GET /{v}/{project_id}/servers?name=^NAME$`). Nova takes
 * `name` as a regular expression, so the name is escaped and anchored; the answer may still hold
 * near matches (a database's collation), so keep only exact ones with {@link exactServerMatches},
 * as openstacksdk does. Pure.
 *
 * @throws {ValidationError} (`server`) for an empty name or one with control characters.
 */
export function buildFindServersByNameRequest(params: FindServersByNameParams): EcsRequest {
  if (typeof params.name !== 'string' || params.name === '' || CONTROL.test(params.name)) {
    throw new ValidationError('server', 'a server name must be a non-empty single line without control characters');
  }
  const pattern = `^${params.name.replace(REGEX_SPECIAL, '\\$&')}$`;
  return { method: 'GET', url: `${serversUrl(params)}?name=${encodeURIComponent(pattern)}`, headers: buildHeaders(params), body: undefined };
}

/** The servers whose name is exactly `name` (Nova's filter is a regular expression and may match more). */
export function exactServerMatches(name: string, servers: readonly ServerSummary[]): readonly ServerSummary[] {
  return servers.filter((server) => server.name === name);
}
