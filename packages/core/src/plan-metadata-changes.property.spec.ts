/**
 * Property specs of `planMetadataChanges`: for any current map and any change (a merge or an exact
 * map), carrying out the plan's requests on the current map gives the desired map, the diff
 * describes exactly the difference, an exact map equal to the current one plans nothing, and a
 * replace is never planned. Seeds and run counts: `test-support/property-runs.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { desiredMetadata, type MetadataChange } from './desired-state.js';
import { isPlatformMetadataKey, PLATFORM_METADATA_KEYS } from './internal/platform-keys.js';
import { applyPlannedWrites, planMetadataChanges, sameMetadata } from './plan-metadata-changes.js';
import type { Metadata } from './schemas.js';
import { propertyParameters } from './test-support/property-runs.js';

// Few distinct keys so that sets, removals and the current map overlap often; a platform key and
// `__proto__` among them.
const key = fc.constantFrom('a', 'b', 'c', 'd', 'env', 'owner', '__proto__', PLATFORM_METADATA_KEYS[0] as string);
const value = fc.constantFrom('', '1', '2', 'x y');
const map: fc.Arbitrary<Metadata> = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((entries) => Object.fromEntries(entries));
const change: fc.Arbitrary<MetadataChange> = fc.oneof(
  map.map((metadata): MetadataChange => ({ kind: 'exact', metadata })),
  fc.tuple(map, fc.array(key, { maxLength: 4 })).map(([set, unset]): MetadataChange => ({ kind: 'merge', set, unset: unset.filter((k) => !Object.hasOwn(set, k)) })),
);

describe('planMetadataChanges (properties)', () => {
  it('carrying out the plan on the current map gives the desired map', () => {
    fc.assert(
      fc.property(map, change, (current, wanted) => {
        const plan = planMetadataChanges({ serverId: 's', change: wanted }, current);
        expect(sameMetadata(applyPlannedWrites(current, plan.writes), plan.desired)).toBe(true);
        expect(sameMetadata(plan.desired, desiredMetadata(wanted, current))).toBe(true);
      }),
      propertyParameters(),
    );
  });

  it('the desired map is what the change says: a merge keeps other keys, an exact map keeps only platform keys besides its own', () => {
    fc.assert(
      fc.property(map, change, (current, wanted) => {
        const { desired } = planMetadataChanges({ serverId: 's', change: wanted }, current);
        const expected: Record<string, string> = {};
        const put = (k: string, v: string): void =>
          void Object.defineProperty(expected, k, { value: v, enumerable: true, configurable: true, writable: true });
        if (wanted.kind === 'exact') {
          Object.entries(current).filter(([k]) => isPlatformMetadataKey(k)).forEach(([k, v]) => put(k, v));
          Object.entries(wanted.metadata).forEach(([k, v]) => put(k, v));
        } else {
          Object.entries(current).filter(([k]) => !wanted.unset.includes(k)).forEach(([k, v]) => put(k, v));
          Object.entries(wanted.set).forEach(([k, v]) => put(k, v));
        }
        expect(sameMetadata(desired, expected)).toBe(true);
      }),
      propertyParameters(),
    );
  });

  it('the diff is exactly the difference, and the requests are deletes first, then at most one PUT item or one POST merge, never a replace', () => {
    fc.assert(
      fc.property(map, change, (current, wanted) => {
        const plan = planMetadataChanges({ serverId: 's', change: wanted }, current);
        const differs = Object.keys(plan.added).length + Object.keys(plan.changed).length + Object.keys(plan.removed).length > 0;
        expect(plan.writes.length > 0).toBe(differs);
        expect(sameMetadata(plan.desired, current)).toBe(!differs);
        for (const [k, v] of Object.entries(plan.removed)) {
          expect([Object.hasOwn(plan.desired, k), current[k]]).toEqual([false, v]);
        }
        for (const [k, v] of Object.entries(plan.added)) {
          expect([Object.hasOwn(current, k), plan.desired[k]]).toEqual([false, v]);
        }
        const methods = plan.writes.map((write) => write.method).join(' ');
        expect(methods).toMatch(/^(DELETE ?)*(PUT|POST)?$/u);
        const posted = plan.writes.find((write) => write.method === 'POST');
        if (posted?.method === 'POST') {
          expect(Object.keys(posted.metadata).length).toBeGreaterThan(1);
        }
      }),
      propertyParameters(),
    );
  });

  it('equal states plan nothing: an exact map equal to the current one, and a plan made again against its own result', () => {
    fc.assert(
      fc.property(map, change, (current, wanted) => {
        expect(planMetadataChanges({ serverId: 's', change: { kind: 'exact', metadata: current } }, current).writes).toEqual([]);
        const { desired } = planMetadataChanges({ serverId: 's', change: wanted }, current);
        expect(planMetadataChanges({ serverId: 's', change: wanted }, desired).writes).toEqual([]);
      }),
      propertyParameters(),
    );
  });
});
