import * as z from 'zod';
import { checkMetadataMap, metadataKeySegment, type MetadataWriteOptions } from './metadata-requests.js';
import { isPlatformMetadataKey } from './internal/platform-keys.js';
import { encodePathSegment } from './path-segment.js';
import { ValidationError } from './errors.js';
import { parseWith } from './request.js';
import { type Metadata, ownKeysRecordSchema, serverIdSchema } from './schemas.js';

/**
 * The desired state of a fleet's metadata (issue 17, `ecs-metadata plan` / `apply`): per server,
 * or for a list of servers, either the keys to set and the keys to remove, or the exact map.
 * The schema checks the shape only; whether keys and values follow the key rules is checked per
 * server ({@link checkDesiredChange}), so that one bad key stops only that server.
 */

// Any string keys and string values (`__proto__` kept as an own key, which zod's record would drop):
// the key rules come later. Described for JSON Schema by hand, since a transform has no JSON Schema.
function stringMap(description: string): z.ZodType<Record<string, string>> {
  return ownKeysRecordSchema(z.string(), z.string()).meta({ type: 'object', additionalProperties: { type: 'string' }, description });
}

/** One entry of a desired-state file: which servers, and what their metadata should become. */
export const desiredServerStateSchema = z
  .strictObject({
    serverId: z.string().optional().meta({ description: 'One server id (or use serverIds).' }),
    serverIds: z.array(z.string()).min(1).optional().meta({ description: 'Several server ids that get the same change (or use serverId).' }),
    set: stringMap('Keys to create or overwrite; other keys are kept.').optional(),
    unset: z.array(z.string()).optional().meta({ description: 'Keys to remove (a key that is absent already is fine).' }),
    metadata: stringMap('The exact map: keys absent from it are removed (platform keys of spec §4.3 are kept unless listed). Not with set/unset.').optional(),
  })
  .superRefine((entry, context) => {
    if ((entry.serverId === undefined) === (entry.serverIds === undefined)) {
      context.addIssue({ code: 'custom', message: 'give exactly one of "serverId" and "serverIds"', path: [] });
    }
    if (entry.metadata !== undefined && (entry.set !== undefined || entry.unset !== undefined)) {
      context.addIssue({ code: 'custom', message: '"metadata" (the exact map) cannot be combined with "set" or "unset"', path: ['metadata'] });
    }
    if (entry.metadata === undefined && entry.set === undefined && entry.unset === undefined) {
      context.addIssue({ code: 'custom', message: 'give "set" and/or "unset", or "metadata" (the exact map)', path: [] });
    }
    const both = (entry.unset ?? []).findIndex((key) => Object.hasOwn(entry.set ?? {}, key));
    if (both >= 0) {
      context.addIssue({ code: 'custom', message: `key ${JSON.stringify(entry.unset?.[both])} is both set and unset`, path: ['unset', both] });
    }
  })
  .meta({
    id: 'DesiredServerState',
    title: 'Desired metadata of one server or of a list of servers',
    // What the refinements above check, said in JSON Schema so that editors check it too.
    allOf: [
      { oneOf: [{ required: ['serverId'] }, { required: ['serverIds'] }] },
      { anyOf: [{ required: ['set'] }, { required: ['unset'] }, { required: ['metadata'] }] },
      { not: { anyOf: [{ required: ['metadata', 'set'] }, { required: ['metadata', 'unset'] }] } },
    ],
  });

/** A desired-state document (JSON or YAML); an NDJSON file holds one {@link desiredServerStateSchema} per line instead. */
export const desiredStateFileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    servers: z.array(desiredServerStateSchema),
  })
  .meta({
    title: 'ecs-metadata desired state',
    description: 'What `ecs-metadata plan` and `apply` compare with the live metadata. An NDJSON file holds one DesiredServerState per line.',
  });

/** One entry of a desired-state file, as written. */
export type DesiredServerState = z.infer<typeof desiredServerStateSchema>;
/** A whole desired-state document. */
export type DesiredStateFile = z.infer<typeof desiredStateFileSchema>;

/**
 * What one server's metadata should become: a `merge` (keys set, keys removed, the rest kept) or
 * the `exact` map (platform keys of spec §4.3 that the map does not name are kept: the platform
 * owns them, and `virtual_env_type` cannot be removed at all).
 */
export type MetadataChange =
  | { readonly kind: 'merge'; readonly set: Readonly<Metadata>; readonly unset: readonly string[] }
  | { readonly kind: 'exact'; readonly metadata: Readonly<Metadata> };

/** One server's desired change. */
export interface DesiredServerChange {
  readonly serverId: string;
  readonly change: MetadataChange;
}

/** Splits an entry into one {@link DesiredServerChange} per server it names, in order. */
export function expandDesiredServerState(entry: DesiredServerState): DesiredServerChange[] {
  const change: MetadataChange =
    entry.metadata !== undefined
      ? { kind: 'exact', metadata: copyMap(entry.metadata) }
      : { kind: 'merge', set: copyMap(entry.set ?? {}), unset: [...new Set(entry.unset ?? [])] };
  const ids = entry.serverIds ?? (entry.serverId === undefined ? [] : [entry.serverId]);
  return ids.map((serverId) => ({ serverId, change }));
}

/**
 * Checks one server's change under the key rules before anything is read or sent: the server id
 * (path-safe), every key and value to write, every key to remove (platform keys only with `force`),
 * and an exact map's size (at most 128 items).
 *
 * @throws {ValidationError} naming `serverId`, `metadata` or `key` and the culprit.
 */
export function checkDesiredChange(desired: DesiredServerChange, options: MetadataWriteOptions = {}): void {
  encodePathSegment('serverId', parseWith(serverIdSchema, 'serverId', desired.serverId));
  const { change } = desired;
  if (change.kind === 'exact') {
    checkMetadataMap(change.metadata, options);
    return;
  }
  if (Object.keys(change.set).length > 0) {
    checkMetadataMap(change.set, options);
  }
  for (const key of change.unset) {
    metadataKeySegment(key, options.keyRules);
    if (options.force !== true && isPlatformMetadataKey(key)) {
      throw new ValidationError('key', `${JSON.stringify(key)} is a platform key (spec §4.3); pass force to delete it`);
    }
  }
}

/** The map `change` leads to from `current` (what a plan must reach). */
export function desiredMetadata(change: MetadataChange, current: Readonly<Metadata>): Metadata {
  if (change.kind === 'exact') {
    const kept = Object.entries(current).filter(([key]) => isPlatformMetadataKey(key) && !Object.hasOwn(change.metadata, key));
    return copyMap(Object.fromEntries([...kept, ...Object.entries(change.metadata)]));
  }
  const removed = new Set(change.unset);
  return copyMap(Object.fromEntries([...Object.entries(current).filter(([key]) => !removed.has(key)), ...Object.entries(change.set)]));
}

// Object.fromEntries defines `__proto__` as an own key rather than setting the prototype.
function copyMap(map: Readonly<Record<string, string>>): Metadata {
  return Object.fromEntries(Object.entries(map));
}
