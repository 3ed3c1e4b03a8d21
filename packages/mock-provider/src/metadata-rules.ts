import { MAX_METADATA_ITEMS, type Metadata, metadataValueSchema, novaMetadataKeySchema, readHeader } from '@ecs-metadata/core';
import type { IncomingMessage } from 'node:http';
import type { MockServer } from './store.js';

/**
 * The metadata family's rules, shared by the Nova (`/v2`, `/v2.1`) and the ECS native (`/v1`)
 * routes; each API words the refusals in its own error bodies. Nova's behaviour (spec §3, §4;
 * `nova/api/openstack/compute/server_metadata.py`, `schemas/server_metadata.py`,
 * `compute/api.py`) wins where the spec is silent (DECISIONS).
 */

/** The key pattern of Nova's schema, as its messages quote it. */
export const NOVA_KEY_PATTERN = '^[a-zA-Z0-9-_:. ]{1,255}$';

/** The key Huawei documents as unchangeable (spec §4.3); the mock refuses to write or delete it. */
export const PROTECTED_KEY = 'virtual_env_type';

/** The `vm_state`s in which Nova allows metadata writes (spec §4.2). */
export const WRITABLE_VM_STATES: readonly string[] = Object.freeze(['active', 'stopped', 'paused', 'suspended']);

/**
 * A body that breaks Nova's JSON schema, as jsonschema reports it: the last element of the failing
 * path (none for the top level), the failing value and jsonschema's reason.
 */
export interface SchemaViolation {
  readonly field: string | undefined;
  readonly value: unknown;
  readonly reason: string;
}

/**
 * Nova's wording of a schema violation (`nova/api/validation/validators.py`): "Invalid input for
 * field/attribute <field>. Value: <value>. <reason>" below the top level (the value formatted with
 * Python's `str()`, so a string unquoted), the bare reason at it.
 */
export function schemaViolationMessage(violation: SchemaViolation): string {
  return violation.field === undefined
    ? violation.reason
    : `Invalid input for field/attribute ${violation.field}. Value: ${pythonStr(violation.value)}. ${violation.reason}`;
}

/** A JSON value as Python's `str` shows it: a string as itself, anything else as its `repr`. */
export function pythonStr(value: unknown): string {
  return typeof value === 'string' ? value : pythonRepr(value);
}

/** A JSON value as Python's `repr` shows it, as Nova's messages quote values. */
export function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) {
    return 'None';
  }
  if (typeof value === 'string') {
    // Python quotes with ' unless the text holds a ' and no ": then with ".
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value
      .replace(/\\/gu, '\\\\')
      .replace(/\n/gu, '\\n')
      .replace(/\r/gu, '\\r')
      .replace(/\t/gu, '\\t');
    return `${quote}${quote === "'" ? escaped.replace(/'/gu, "\\'") : escaped}${quote}`;
  }
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }
  if (Array.isArray(value)) {
    return `[${value.map(pythonRepr).join(', ')}]`;
  }
  if (typeof value === 'object') {
    return `{${Object.entries(value).map(([key, item]) => `${pythonRepr(key)}: ${pythonRepr(item)}`).join(', ')}}`;
  }
  return String(value);
}

/**
 * Checks a map against Nova's `parameter_types.metadata`: string values of at most 255 characters
 * under keys matching {@link NOVA_KEY_PATTERN}, nothing else. The checks run in jsonschema's order:
 * the values of matching keys first, then the keys that match no pattern.
 */
function checkNovaMap(
  field: string,
  map: unknown,
  extra: (map: Record<string, unknown>) => SchemaViolation | undefined,
): SchemaViolation | undefined {
  if (typeof map !== 'object' || map === null || Array.isArray(map)) {
    return { field, value: map, reason: `${pythonRepr(map)} is not of type 'object'` };
  }
  const entries = Object.entries(map);
  const badKeys: string[] = [];
  for (const [key, value] of entries) {
    if (!novaMetadataKeySchema.safeParse(key).success) {
      badKeys.push(key);
    } else if (typeof value !== 'string') {
      return { field: key, value, reason: `${pythonRepr(value)} is not of type 'string'` };
    } else if (!metadataValueSchema.safeParse(value).success) {
      return { field: key, value, reason: `${pythonRepr(value)} is too long` };
    }
  }
  if (badKeys.length > 0) {
    const joined = badKeys.sort().map(pythonRepr).join(', ');
    return {
      field,
      value: map,
      reason: `${joined} ${badKeys.length === 1 ? 'does' : 'do'} not match any of the regexes: '${NOVA_KEY_PATTERN}'`,
    };
  }
  return extra(map as Record<string, unknown>);
}

/** Checks the top level of a body: an object with exactly the one required property. */
function checkEnvelope(
  body: unknown,
  property: string,
  inner: (value: unknown) => SchemaViolation | undefined,
): SchemaViolation | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { field: undefined, value: body, reason: `${pythonRepr(body)} is not of type 'object'` };
  }
  const record = body as Record<string, unknown>;
  if (Object.hasOwn(record, property)) {
    const violation = inner(record[property]);
    if (violation !== undefined) {
      return violation;
    }
  } else {
    return { field: undefined, value: body, reason: `'${property}' is a required property` };
  }
  const extras = Object.keys(record).filter((key) => key !== property);
  if (extras.length > 0) {
    return {
      field: undefined,
      value: body,
      reason: `Additional properties are not allowed (${extras.map(pythonRepr).join(', ')} ${extras.length === 1 ? 'was' : 'were'} unexpected)`,
    };
  }
  return undefined;
}

/**
 * The body of merge and replace (spec §3.3, §3.4, §3.7): exactly `{"metadata": {...}}` under Nova's
 * rules. `null` stands for an empty request body, which Nova validates as `None`.
 */
export function checkMetadataBody(body: unknown): { metadata: Metadata } | { violation: SchemaViolation } {
  const violation = checkEnvelope(body, 'metadata', (map) => checkNovaMap('metadata', map, () => undefined));
  return violation === undefined ? { metadata: { ...(body as { metadata: Metadata }).metadata } } : { violation };
}

/** The body of "set one item" (spec §3.5): exactly `{"meta": {key: value}}`, one entry. */
export function checkItemBody(body: unknown): { meta: Metadata } | { violation: SchemaViolation } {
  const violation = checkEnvelope(body, 'meta', (map) =>
    checkNovaMap('meta', map, (meta) => {
      const count = Object.keys(meta).length;
      if (count === 0) {
        return { field: 'meta', value: meta, reason: `${pythonRepr(meta)} does not have enough properties` };
      }
      return count > 1 ? { field: 'meta', value: meta, reason: `${pythonRepr(meta)} has too many properties` } : undefined;
    }),
  );
  return violation === undefined ? { meta: { ...(body as { meta: Metadata }).meta } } : { violation };
}

/** Why a write to a server's metadata is refused (spec §4.2, §4.1), in Nova's order. */
export type WriteRefusal =
  | { readonly kind: 'locked' }
  | { readonly kind: 'vm-state'; readonly vmState: string }
  | { readonly kind: 'item-limit' };

/**
 * Checks whether `server` may take a write that leaves it with `after`: not locked, in a writable
 * `vm_state`, at most 128 items afterwards (Nova: `check_instance_lock`, `check_instance_state`,
 * then the quota).
 */
export function refusalOf(server: MockServer, after: Metadata | undefined): WriteRefusal | undefined {
  if (server.locked) {
    return { kind: 'locked' };
  }
  if (!WRITABLE_VM_STATES.includes(server.vmState)) {
    return { kind: 'vm-state', vmState: server.vmState };
  }
  if (after !== undefined && Object.keys(after).length > MAX_METADATA_ITEMS) {
    return { kind: 'item-limit' };
  }
  return undefined;
}

/**
 * The map after a write: a merge keeps the other keys; a replace keeps only the protected
 * platform key (which cannot be deleted, spec §4.3) besides the new ones.
 */
export function metadataAfter(server: MockServer, change: Metadata, mode: 'merge' | 'replace'): Metadata {
  if (mode === 'merge') {
    return { ...server.metadata, ...change };
  }
  const kept = server.metadata[PROTECTED_KEY];
  return kept === undefined ? { ...change } : { [PROTECTED_KEY]: kept, ...change };
}

/** What the request's `Content-Type` says about its body. */
export type BodyMediaType = 'json' | 'unsupported';

/**
 * Judges `Content-Type` as Nova does: JSON (`application/json`, any parameters, or Nova's own
 * `application/vnd.openstack.compute+json`), or none / `text/plain` (the body is parsed as JSON
 * all the same); anything else is unsupported (415 `badMediaType`).
 */
export function bodyMediaType(req: IncomingMessage): BodyMediaType {
  const header = readHeader(req.headers, 'Content-Type');
  const type = header?.split(';')[0]?.trim().toLowerCase() ?? '';
  return ['', 'text/plain', 'application/json', 'application/vnd.openstack.compute+json'].includes(type) ? 'json' : 'unsupported';
}

/** Whether the request announces an empty body (`Content-Length: 0`, or neither length nor chunks). */
export function hasEmptyBody(req: IncomingMessage): boolean {
  const length = readHeader(req.headers, 'Content-Length');
  return length === '0' || (length === undefined && readHeader(req.headers, 'Transfer-Encoding') === undefined);
}
