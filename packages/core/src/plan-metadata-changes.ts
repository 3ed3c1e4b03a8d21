import { type DesiredServerChange, desiredMetadata, type MetadataChange } from './desired-state.js';
import type { Metadata } from './schemas.js';

/**
 * One request of a plan, in the order it is sent. Which requests a plan uses is the rule of
 * {@link planMetadataChanges}.
 */
export type PlannedWrite =
  | { readonly method: 'DELETE'; readonly key: string }
  | { readonly method: 'PUT'; readonly key: string; readonly value: string }
  | { readonly method: 'POST'; readonly metadata: Readonly<Metadata> };

/** What one server's metadata would go through: the diff and the requests that make it. */
export interface ServerMetadataPlan {
  readonly serverId: string;
  /** The change asked for (kept so that a plan can be made again against a newer state). */
  readonly change: MetadataChange;
  /** The map the plan was made against (read from the server). */
  readonly current: Readonly<Metadata>;
  /** The map the server holds once the plan is carried out. */
  readonly desired: Readonly<Metadata>;
  /** Keys the plan creates, with their new values. */
  readonly added: Readonly<Metadata>;
  /** Keys whose value changes. */
  readonly changed: Readonly<Record<string, { readonly from: string; readonly to: string }>>;
  /** Keys the plan removes, with the values they had. */
  readonly removed: Readonly<Metadata>;
  /** The requests, in order; empty when `current` already is `desired`. */
  readonly writes: readonly PlannedWrite[];
}

/**
 * Plans how `desired` is reached from `current`, purely (no I/O).
 *
 * The request rule is chosen by what stays correct when someone else writes the same server
 * between our read and our write (docs/decisions.md "Fleet plan and apply"):
 * - removed keys: one `DELETE .../metadata/{key}` each, sent first (a removal frees room under the
 *   128-item limit before additions take it). A replace (`PUT .../metadata`) is never used: it
 *   would wipe every key a concurrent writer added since our read.
 * - one key to create or change: `PUT .../metadata/{key}` (idempotent, so safely retried).
 * - several: one `POST .../metadata` merge with exactly those keys; it touches no other key, and it
 *   costs one request instead of one per key. A merge is not idempotent: it is never resent
 *   blindly (spec §8); an answer lost on the way is resolved by reading the server back.
 *
 * @returns an empty `writes` when the two maps are equal.
 */
export function planMetadataChanges(desired: DesiredServerChange, current: Readonly<Metadata>): ServerMetadataPlan {
  const target = desiredMetadata(desired.change, current);
  const added: Metadata = {};
  const changed: Record<string, { from: string; to: string }> = {};
  const removed: Metadata = {};
  for (const [key, value] of Object.entries(target)) {
    if (!Object.hasOwn(current, key)) {
      define(added, key, value);
    } else if (current[key] !== value) {
      Object.defineProperty(changed, key, {
        value: { from: current[key] as string, to: value },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  for (const [key, value] of Object.entries(current)) {
    if (!Object.hasOwn(target, key)) {
      define(removed, key, value);
    }
  }
  const writes: PlannedWrite[] = Object.keys(removed).map((key) => ({ method: 'DELETE', key }));
  const toSet = Object.entries(target).filter(([key]) => Object.hasOwn(added, key) || Object.hasOwn(changed, key));
  const [first] = toSet;
  if (toSet.length === 1 && first !== undefined) {
    writes.push({ method: 'PUT', key: first[0], value: first[1] });
  } else if (toSet.length > 1) {
    writes.push({ method: 'POST', metadata: Object.fromEntries(toSet) });
  }
  return { serverId: desired.serverId, change: desired.change, current, desired: target, added, changed, removed, writes };
}

/**
 * What a server holds after `writes` are carried out on `current`, each as the server applies it
 * (the model {@link planMetadataChanges} is checked against).
 */
export function applyPlannedWrites(current: Readonly<Metadata>, writes: readonly PlannedWrite[]): Metadata {
  const result: Metadata = Object.fromEntries(Object.entries(current));
  for (const write of writes) {
    if (write.method === 'DELETE') {
      delete result[write.key];
    } else if (write.method === 'PUT') {
      define(result, write.key, write.value);
    } else {
      for (const [key, value] of Object.entries(write.metadata)) {
        define(result, key, value);
      }
    }
  }
  return result;
}

/** Whether two maps hold the same keys with the same values (order does not matter). */
export function sameMetadata(a: Readonly<Metadata>, b: Readonly<Metadata>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

// An own property even for `__proto__` (plain assignment would set the prototype instead).
function define(map: Metadata, key: string, value: string): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}
