import { ValidationError } from './errors.js';
import { encodePathSegment } from './path-segment.js';
import { isPlatformMetadataKey } from './internal/platform-keys.js';
import { buildHeaders, type EcsRequest, endpointAndProject, type HttpMethod, parseWith, type RequestTarget, serverUrl } from './request.js';
import type * as z from 'zod';
import {
  MAX_METADATA_ITEMS,
  type Metadata,
  metadataKeyRulesSchema,
  metadataKeySchema,
  type MetadataKeyRules,
  metadataMapSchema,
  metadataValueSchema,
  novaMetadataKeySchema,
  novaMetadataMapSchema,
  serverIdSchema,
  TOO_MANY_ITEMS_MESSAGE,
} from './schemas.js';

/** How metadata keys are checked before a request is built. */
export interface MetadataKeyOptions {
  /**
   * `huawei` (default): `A-Z a-z 0-9 - _ : .`, 1-255 characters; `nova`: the same plus the space,
   * for upstream OpenStack clouds (spec §4.1).
   */
  keyRules?: MetadataKeyRules;
}

/** Options of the calls that write or delete metadata. */
export interface MetadataWriteOptions extends MetadataKeyOptions {
  /**
   * Allow writing or deleting a platform key of spec §4.3 (`os_type`, `metering.image_id`, ...);
   * default `false`: such a key is refused with a {@link ValidationError} naming it.
   */
  force?: boolean;
}

/** Parameters of {@link buildGetServerMetadataItemRequest}. */
export interface GetServerMetadataItemParams extends RequestTarget, MetadataKeyOptions {
  serverId: string;
  /** The metadata key, sent as one path segment. */
  key: string;
}

/** Parameters of {@link buildDeleteServerMetadataItemRequest}. */
export interface DeleteServerMetadataItemParams extends RequestTarget, MetadataWriteOptions {
  serverId: string;
  key: string;
}

/** Parameters of {@link buildSetServerMetadataItemRequest}. */
export interface SetServerMetadataItemParams extends DeleteServerMetadataItemParams {
  /** The new value: 0-255 characters. */
  value: string;
}

/** Parameters of {@link buildUpdateServerMetadataRequest} and {@link buildReplaceServerMetadataRequest}. */
export interface WriteServerMetadataParams extends RequestTarget, MetadataWriteOptions {
  serverId: string;
  /** Keys and string values to send; at most 128 items (spec §4.1). */
  metadata: Readonly<Record<string, string>>;
}

/** Where a request of the ECS native API goes (`/v1/...`): as {@link RequestTarget}, without a Nova prefix. */
export type NativeRequestTarget = Omit<RequestTarget, 'apiVersion'>;

/** Parameters of {@link buildUpdateServerMetadataV1Request}. */
export interface UpdateServerMetadataV1Params extends NativeRequestTarget, MetadataWriteOptions {
  serverId: string;
  metadata: Readonly<Record<string, string>>;
}

/** Parameters of {@link buildDeleteServerMetadataItemV1Request}. */
export interface DeleteServerMetadataItemV1Params extends NativeRequestTarget, MetadataWriteOptions {
  serverId: string;
  key: string;
}

/**
 * Builds "show one item" (spec §3.2): `GET /{v}/{project_id}/servers/{server_id}/metadata/{key}`.
 * Reading a platform key needs no `force`.
 *
 * @throws {ValidationError} naming `endpoint`, `apiVersion`, `projectId`, `serverId`, `keyRules`,
 *   `key` or `userAgent`, in that order.
 */
export function buildGetServerMetadataItemRequest(params: GetServerMetadataItemParams): EcsRequest {
  const url = `${serverUrl(params, params.serverId)}/metadata/${metadataKeySegment(params.key, params.keyRules)}`;
  return { method: 'GET', url, headers: buildHeaders(params), body: undefined };
}

/**
 * Builds "merge" (spec §3.3): `POST /{v}/{project_id}/servers/{server_id}/metadata` with
 * `{"metadata": {...}}`. Keys in the request are created or overwritten, others are kept. POST is
 * not idempotent: it is retried only on 429 (spec §8).
 *
 * @throws {ValidationError} naming `endpoint`, `apiVersion`, `projectId`, `serverId`, `metadata`
 *   (a bad key or value, named in the message, more than 128 items, a platform key without
 *   `force`), `keyRules` or `userAgent`.
 */
export function buildUpdateServerMetadataRequest(params: WriteServerMetadataParams): EcsRequest {
  return buildWholeMapRequest('POST', `${serverUrl(params, params.serverId)}/metadata`, params);
}

/**
 * Builds "replace all" (spec §3.4): `PUT /{v}/{project_id}/servers/{server_id}/metadata` with
 * `{"metadata": {...}}`; the server's map becomes exactly this one (`{}` clears it). Idempotent.
 *
 * @throws {ValidationError} as {@link buildUpdateServerMetadataRequest}.
 */
export function buildReplaceServerMetadataRequest(params: WriteServerMetadataParams): EcsRequest {
  return buildWholeMapRequest('PUT', `${serverUrl(params, params.serverId)}/metadata`, params);
}

/**
 * Builds "set one item" (spec §3.5): `PUT /{v}/{project_id}/servers/{server_id}/metadata/{key}`
 * with `{"meta": {key: value}}`: the body's key is the path's, so the server's "Request body and
 * URI mismatch" cannot happen. Idempotent.
 *
 * @throws {ValidationError} naming `endpoint`, `apiVersion`, `projectId`, `serverId`, `key`
 *   (also a platform key without `force`), `value`, `keyRules` or `userAgent`.
 */
export function buildSetServerMetadataItemRequest(params: SetServerMetadataItemParams): EcsRequest {
  const url = `${serverUrl(params, params.serverId)}/metadata/${metadataKeySegment(params.key, params.keyRules)}`;
  refusePlatformKey('key', params.key, params.force, '');
  const value = parseWith(metadataValueSchema, 'value', params.value);
  return { method: 'PUT', url, headers: buildHeaders(params), body: JSON.stringify({ meta: { [params.key]: value } }) };
}

/**
 * Builds "delete one item" (spec §3.6): `DELETE /{v}/{project_id}/servers/{server_id}/metadata/{key}`;
 * the server answers 204. Idempotent.
 *
 * @throws {ValidationError} naming `endpoint`, `apiVersion`, `projectId`, `serverId`, `key` (also a
 *   platform key without `force`), `keyRules` or `userAgent`.
 */
export function buildDeleteServerMetadataItemRequest(params: DeleteServerMetadataItemParams): EcsRequest {
  const url = `${serverUrl(params, params.serverId)}/metadata/${metadataKeySegment(params.key, params.keyRules)}`;
  refusePlatformKey('key', params.key, params.force, '');
  return { method: 'DELETE', url, headers: buildHeaders(params), body: undefined };
}

/**
 * Builds the ECS native merge (spec §3.7): `POST /v1/{project_id}/cloudservers/{server_id}/metadata`
 * with `{"metadata": {...}}`. Same rules as the Nova merge; errors come as Huawei bodies (§6.2).
 *
 * @throws {ValidationError} naming `endpoint`, `projectId`, `serverId`, `metadata`, `keyRules` or `userAgent`.
 */
export function buildUpdateServerMetadataV1Request(params: UpdateServerMetadataV1Params): EcsRequest {
  return buildWholeMapRequest('POST', `${nativeServerUrl(params, params.serverId)}/metadata`, params);
}

/**
 * Builds the ECS native "delete one item" (spec §3.8):
 * `DELETE /v1/{project_id}/cloudservers/{server_id}/metadata/{key}`; any 2xx is a success.
 *
 * @throws {ValidationError} naming `endpoint`, `projectId`, `serverId`, `key`, `keyRules` or `userAgent`.
 */
export function buildDeleteServerMetadataItemV1Request(params: DeleteServerMetadataItemV1Params): EcsRequest {
  const url = `${nativeServerUrl(params, params.serverId)}/metadata/${metadataKeySegment(params.key, params.keyRules)}`;
  refusePlatformKey('key', params.key, params.force, '');
  return { method: 'DELETE', url, headers: buildHeaders(params), body: undefined };
}

/**
 * `{endpoint}/v1/{project}/cloudservers/{server}`: the ECS native API's server URL, every part
 * validated and encoded as in {@link serverUrl}.
 *
 * @throws {ValidationError} naming `endpoint`, `projectId` or `serverId`.
 */
export function nativeServerUrl(target: NativeRequestTarget, serverId: string): string {
  const { endpoint, projectId } = endpointAndProject(target);
  parseWith(serverIdSchema, 'serverId', serverId);
  return `${endpoint}/v1/${projectId}/cloudservers/${encodePathSegment('serverId', serverId)}`;
}

/**
 * Checks a metadata key under `keyRules` (spec §4.1) and returns it encoded as one path segment
 * (`os:type.v1` raw, a space as `%20`). A key that is valid in a body but cannot stand alone in a
 * path (`.`, `..`) is refused too.
 *
 * @throws {ValidationError} (`key`, or `parameter`) naming the rule that failed.
 */
export function metadataKeySegment(key: string, keyRules?: MetadataKeyRules, parameter = 'key'): string {
  checkMetadataKey(key, resolveKeyRules(keyRules), parameter);
  return encodePathSegment(parameter, key);
}

/**
 * Checks a metadata map as a client may send it (spec §4.1): an object of at most 128 items, keys
 * under `keyRules`, string values of at most 255 characters, no platform key (§4.3) unless
 * `force`. Returns a plain copy in the caller's key order.
 *
 * @throws {ValidationError} (`metadata`) naming the first key at fault and why.
 */
export function checkMetadataMap(metadata: unknown, options: MetadataWriteOptions = {}): Metadata {
  const schema = resolveKeyRules(options.keyRules) === 'nova' ? novaMetadataMapSchema : metadataMapSchema;
  const result = schema.safeParse(metadata);
  if (!result.success) {
    throw new ValidationError('metadata', describeMapIssue(metadata, result.error.issues));
  }
  for (const key of Object.keys(result.data)) {
    refusePlatformKey('metadata', key, options.force, 'key ');
  }
  return result.data;
}

/** The first of a metadata map's schema issues, said about the caller's map (its key, its value's type). */
function describeMapIssue(metadata: unknown, issues: readonly z.core.$ZodIssue[]): string {
  const [first] = issues;
  const key = first?.path[0];
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata) || first === undefined) {
    const kind = metadata === null ? 'null' : Array.isArray(metadata) ? 'a list' : typeof metadata;
    return `must be an object of string keys to string values (got ${kind})`;
  }
  if (typeof key !== 'string') {
    const count = Object.keys(metadata).length;
    return first.message === TOO_MANY_ITEMS_MESSAGE ? `holds ${count} items; at most ${MAX_METADATA_ITEMS} may be sent at once` : first.message;
  }
  if (first.code === 'invalid_key') {
    return `key ${JSON.stringify(key)} ${[...new Set(first.issues.map((issue) => issue.message))].join(' and ')}`;
  }
  const value: unknown = Object.getOwnPropertyDescriptor(metadata, key)?.value;
  if (typeof value !== 'string') {
    return `the value of ${JSON.stringify(key)} must be a string (got ${value === null ? 'null' : typeof value})`;
  }
  return `the value of ${JSON.stringify(key)} ${issues.filter((issue) => issue.path[0] === key).map((issue) => issue.message).join(' and ')}`;
}

function buildWholeMapRequest(method: HttpMethod, url: string, params: MetadataWriteOptions & { metadata: unknown } & Omit<RequestTarget, 'apiVersion'>): EcsRequest {
  const metadata = checkMetadataMap(params.metadata, params);
  return { method, url, headers: buildHeaders(params), body: JSON.stringify({ metadata }) };
}

function resolveKeyRules(keyRules: MetadataKeyRules | undefined): MetadataKeyRules {
  return parseWith(metadataKeyRulesSchema, 'keyRules', keyRules ?? 'huawei');
}

function checkMetadataKey(key: string, rules: MetadataKeyRules, parameter: string): void {
  if (key === '') {
    throw new ValidationError(parameter, 'must not be empty');
  }
  parseWith(rules === 'nova' ? novaMetadataKeySchema : metadataKeySchema, parameter, key);
}

function refusePlatformKey(parameter: string, key: string, force: boolean | undefined, prefix: string): void {
  if (force !== true && isPlatformMetadataKey(key)) {
    throw new ValidationError(parameter, `${prefix}${JSON.stringify(key)} is a platform key, managed by the cloud; pass force: true to write or delete it`);
  }
}
