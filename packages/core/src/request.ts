import * as z from 'zod';
import { normalizeComputeEndpoint } from './endpoint.js';
import { ValidationError } from './errors.js';
import { encodePathSegment } from './path-segment.js';
import { projectIdSchema, serverIdSchema } from './schemas.js';
import { DEFAULT_USER_AGENT } from './version.js';

/** The two prefixes of the Nova-compatible API; they behave identically for metadata (spec §11). */
export const apiVersionSchema = z.enum(['v2', 'v2.1']);
/** `v2` or `v2.1`. */
export type ApiVersion = z.infer<typeof apiVersionSchema>;
/** The toolkit's default prefix (spec §11, project decision). */
export const DEFAULT_API_VERSION: ApiVersion = 'v2.1';

/** HTTP methods used by the metadata API. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * A request ready to be signed and sent: core's output, the transport's input. Header names are
 * in their canonical casing; values are validated (no CR/LF).
 */
export interface EcsRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The exact body bytes as a string (JSON), or `undefined` for none. */
  readonly body: string | undefined;
}

/** Where and as whom a request goes; shared by every request builder. */
export interface RequestTarget {
  /** API endpoint, e.g. `https://ecs.cn-north-4.myhuaweicloud.com`. */
  endpoint: string;
  /** Path prefix; default `v2.1`. */
  apiVersion?: ApiVersion;
  /** The project the credential is scoped to. */
  projectId: string;
  /** `User-Agent` header; default `ecs-metadata/<version>`. */
  userAgent?: string;
}

/** A {@link RequestTarget} validated once by {@link resolveTarget}: every field present and checked. */
export type ResolvedTarget = Readonly<Required<RequestTarget>>;

/**
 * Marks a resolved target with what was validated. A symbol-keyed own property survives the
 * spread of the builders' parameters (`{ ...target, serverId }`); the builders trust a field only
 * while it still equals the validated value, so an overridden field is checked again.
 */
const VALIDATED = Symbol('ecs-metadata.validatedTarget');

/**
 * Validates a target once (the endpoint normalized, the project id, the prefix and the
 * `User-Agent` checked), so that a client does not re-validate it on every call: the request
 * builders skip the checks for a target this function returned.
 *
 * @throws {ValidationError} naming `endpoint`, `apiVersion`, `projectId` or `userAgent`.
 */
export function resolveTarget(target: RequestTarget): ResolvedTarget {
  const resolved: ResolvedTarget = Object.freeze({
    endpoint: normalizeComputeEndpoint(target.endpoint, target.projectId),
    apiVersion: parseWith(apiVersionSchema, 'apiVersion', target.apiVersion ?? DEFAULT_API_VERSION),
    projectId: parseWith(projectIdSchema, 'projectId', target.projectId),
    userAgent: checkUserAgent(target.userAgent ?? DEFAULT_USER_AGENT),
  });
  return Object.freeze({ ...resolved, [VALIDATED]: resolved });
}

/** What of `target` was validated by {@link resolveTarget} and is unchanged since. */
function validatedPart(target: Partial<RequestTarget>): Partial<ResolvedTarget> {
  const validated = (target as { [VALIDATED]?: ResolvedTarget })[VALIDATED];
  if (validated === undefined) {
    return {};
  }
  return {
    ...(target.endpoint === validated.endpoint ? { endpoint: validated.endpoint } : {}),
    ...((target.apiVersion ?? DEFAULT_API_VERSION) === validated.apiVersion ? { apiVersion: validated.apiVersion } : {}),
    ...(target.projectId === validated.projectId ? { projectId: validated.projectId } : {}),
    ...((target.userAgent ?? DEFAULT_USER_AGENT) === validated.userAgent ? { userAgent: validated.userAgent } : {}),
  };
}

/** `{endpoint}` and `{project}` of a URL, validated (or taken from a resolved target). */
export function endpointAndProject(target: Pick<RequestTarget, 'endpoint' | 'projectId'>): { endpoint: string; projectId: string } {
  const validated = validatedPart(target);
  return {
    endpoint: validated.endpoint ?? normalizeComputeEndpoint(target.endpoint, target.projectId),
    projectId: validated.projectId ?? parseWith(projectIdSchema, 'projectId', target.projectId),
  };
}

/** Parameters of {@link buildGetServerMetadataRequest}. */
export interface GetServerMetadataParams extends RequestTarget {
  serverId: string;
}

/**
 * Builds "list all metadata" (spec §3.1): `GET /{v}/{project_id}/servers/{server_id}/metadata`.
 * Pure: validates and percent-encodes every input, sends nothing.
 *
 * @throws {ValidationError} naming `endpoint`, `apiVersion`, `projectId`, `serverId` or `userAgent`.
 */
export function buildGetServerMetadataRequest(params: GetServerMetadataParams): EcsRequest {
  return {
    method: 'GET',
    url: `${serverUrl(params, params.serverId)}/metadata`,
    headers: buildHeaders(params),
    body: undefined,
  };
}

/** `{endpoint}/{v}/{project}/servers/{server}`, every part validated and encoded. */
export function serverUrl(target: RequestTarget, serverId: string): string {
  const servers = serversUrl(target);
  parseWith(serverIdSchema, 'serverId', serverId);
  return `${servers}/${encodePathSegment('serverId', serverId)}`;
}

/** `{endpoint}/{v}/{project}/servers`, the collection, every part validated. */
export function serversUrl(target: RequestTarget): string {
  const { endpoint, projectId } = endpointAndProject(target);
  const version = validatedPart(target).apiVersion ?? parseWith(apiVersionSchema, 'apiVersion', target.apiVersion ?? DEFAULT_API_VERSION);
  return `${endpoint}/${version}/${projectId}/servers`;
}

/**
 * The headers of every metadata request. `Content-Type` and `X-Project-Id` are always sent, as the
 * official SDK does, so an AK/SK signer finds the set it signs (spec §9.2); `Accept` and
 * `User-Agent` are transport headers that signers leave unsigned.
 */
export function buildHeaders(target: RequestTarget): Record<string, string> {
  const userAgent = validatedPart(target).userAgent ?? checkUserAgent(target.userAgent ?? DEFAULT_USER_AGENT);
  return {
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'User-Agent': userAgent,
    'X-Project-Id': target.projectId,
  };
}

/** Refuses what fetch and node:http would reject at send time: CR, LF, NUL, other controls, non-Latin-1. */
function checkUserAgent(userAgent: string): string {
  if (/[^\t\x20-\x7e\x80-\xff]/u.test(userAgent) || userAgent.trim() === '') {
    throw new ValidationError('userAgent', 'must be a non-empty single line of printable Latin-1 characters');
  }
  return userAgent;
}

/** Parses `value` with `schema`, turning a failure into a {@link ValidationError} for `parameter`. */
export function parseWith<T>(schema: z.ZodType<T>, parameter: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new ValidationError(parameter, `${issue?.message ?? 'invalid value'}${where} (got ${describe(value)})`, { cause: result.error });
  }
  return result.data;
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  }
  return typeof value === 'object' ? (value === null ? 'null' : 'an object') : String(value);
}
