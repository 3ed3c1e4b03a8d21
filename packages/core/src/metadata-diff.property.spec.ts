/**
 * Property specs of the fleet-write rules (issue 17): `diffMetadata` describes exactly the change
 * from one map to another, and `judgeMergeReadBack` calls a merge applied exactly when the server's
 * map is one a merge of those items could have left. Seeds and run counts: `test-support/property-runs.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { judgeMergeReadBack } from './lost-write.js';
import { diffMetadata } from './metadata-diff.js';
import { propertyParameters } from './test-support/property-runs.js';

// Small key and value alphabets, so that maps share keys (and values) often.
const key = fc.constantFrom('a', 'b', 'c', 'owner', 'env', '__proto__', 'toString');
const value = fc.constantFrom('', '1', '2', 'li', 'ops');
const metadata = fc.dictionary(key, value, { maxKeys: 7 }).map((map) => ({ ...map }));

/** Applies a diff to `before`: what `after` must be. */
function applyDiff(before: Readonly<Record<string, string>>, diff: ReturnType<typeof diffMetadata>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, text] of Object.entries(before)) {
    Object.defineProperty(result, name, { value: text, enumerable: true, writable: true, configurable: true });
  }
  for (const [name] of diff.removed) {
    delete result[name];
  }
  for (const [name, text] of [...diff.added, ...diff.changed.map(([changedKey, , after]) => [changedKey, after] as const)]) {
    Object.defineProperty(result, name, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return result;
}

describe('diffMetadata (property)', () => {
  it('applied to before gives after, and is empty exactly when the maps are equal', () => {
    fc.assert(
      fc.property(metadata, metadata, (before, after) => {
        const diff = diffMetadata(before, after);
        expect(applyDiff(before, diff)).toEqual(after);
        const empty = diff.added.length + diff.changed.length + diff.removed.length === 0;
        expect(empty).toBe(JSON.stringify(Object.entries(before).sort()) === JSON.stringify(Object.entries(after).sort()));
      }),
      propertyParameters(),
    );
  });
});

describe('judgeMergeReadBack (property)', () => {
  it('takes the result of merging the items into any map for applied', () => {
    fc.assert(
      fc.property(metadata, metadata, (current, sent) => {
        const merged = applyDiff(current, { added: Object.entries(sent), changed: [], removed: [] });
        expect(judgeMergeReadBack(sent, merged)).toEqual({ applied: true });
      }),
      propertyParameters(),
    );
  });

  it('names every key sent that is missing or different, and only those', () => {
    fc.assert(
      fc.property(metadata, metadata, (current, sent) => {
        const verdict = judgeMergeReadBack(sent, current);
        const wrong = Object.keys(sent).filter((name) => !Object.hasOwn(current, name) || current[name] !== sent[name]);
        if (wrong.length === 0) {
          expect(verdict).toEqual({ applied: true });
        } else {
          if (verdict.applied) {
            throw new Error(`applied, though ${wrong.join(', ')} differ`);
          }
          const { missing, differing } = verdict;
          expect([...missing, ...differing].sort()).toEqual(wrong.sort());
          expect(missing.every((name) => !Object.hasOwn(current, name))).toBe(true);
        }
      }),
      propertyParameters(),
    );
  });
});
