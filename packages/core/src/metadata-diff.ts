import type { Metadata } from './schemas.js';

/** How two metadata maps differ, keys sorted: what `set` shows before/after on a terminal. */
export interface MetadataDiff {
  /** Keys only in `after`, with their value. */
  readonly added: readonly (readonly [key: string, value: string])[];
  /** Keys in both with another value: `[key, before, after]`. */
  readonly changed: readonly (readonly [key: string, before: string, after: string])[];
  /** Keys only in `before`, with the value they had. */
  readonly removed: readonly (readonly [key: string, value: string])[];
}

/** The keys added, changed and removed from `before` to `after` (each list sorted by key). */
export function diffMetadata(before: Readonly<Metadata>, after: Readonly<Metadata>): MetadataDiff {
  const added: [string, string][] = [];
  const changed: [string, string, string][] = [];
  const removed: [string, string][] = [];
  for (const key of Object.keys(after).sort(compareKeys)) {
    const value = after[key] as string;
    if (!Object.hasOwn(before, key)) {
      added.push([key, value]);
    } else if (before[key] !== value) {
      changed.push([key, before[key] as string, value]);
    }
  }
  for (const key of Object.keys(before).sort(compareKeys)) {
    if (!Object.hasOwn(after, key)) {
      removed.push([key, before[key] as string]);
    }
  }
  return { added, changed, removed };
}

// Code-unit order, the same on every locale.
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
