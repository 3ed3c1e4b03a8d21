import { describe, expect, it } from '@jest/globals';
import { planMetadataChanges } from './plan-metadata-changes.js';

describe('planMetadataChanges', () => {
  it('removes first, then sets several keys with one merge', () => {
    const plan = planMetadataChanges({ serverId: 's1', change: { kind: 'merge', set: { env: 'prod', owner: 'li' }, unset: ['old', 'gone'] } }, { old: '1', env: 'dev', keep: 'k' });
    expect(plan).toEqual({
      serverId: 's1',
      change: { kind: 'merge', set: { env: 'prod', owner: 'li' }, unset: ['old', 'gone'] },
      current: { old: '1', env: 'dev', keep: 'k' },
      desired: { keep: 'k', env: 'prod', owner: 'li' },
      added: { owner: 'li' },
      changed: { env: { from: 'dev', to: 'prod' } },
      removed: { old: '1' },
      writes: [
        { method: 'DELETE', key: 'old' },
        { method: 'POST', metadata: { env: 'prod', owner: 'li' } },
      ],
    });
  });

  it('sets one key with PUT of the item, and keeps platform keys an exact map does not name', () => {
    const plan = planMetadataChanges({ serverId: 's1', change: { kind: 'exact', metadata: { env: 'prod' } } }, { os_type: 'Linux', env: 'dev', x: '1' });
    expect(plan.writes).toEqual([
      { method: 'DELETE', key: 'x' },
      { method: 'PUT', key: 'env', value: 'prod' },
    ]);
    expect(plan.desired).toEqual({ os_type: 'Linux', env: 'prod' });
  });

  it('plans nothing when the server already holds the desired map', () => {
    expect(planMetadataChanges({ serverId: 's1', change: { kind: 'merge', set: { a: '1' }, unset: ['b'] } }, { a: '1' }).writes).toEqual([]);
  });
});
