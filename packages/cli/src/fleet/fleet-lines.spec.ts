import { describe, expect, it } from '@jest/globals';
import { NotFoundError, planMetadataChanges } from '@ecs-metadata/core';
import { fleetNdjsonLine, fleetTextLine } from './fleet-lines.js';

const plan = planMetadataChanges({ serverId: 's1', change: { kind: 'exact', metadata: { env: 'prod', owner: 'li\u001b[2J' } } }, { env: 'dev', old: 'x' });

describe('fleet lines', () => {
  it('NDJSON: the status and the diff', () => {
    expect(JSON.parse(fleetNdjsonLine({ serverId: 's1', status: 'changes', plan }))).toEqual({
      serverId: 's1',
      status: 'changes',
      added: { owner: 'li\u001b[2J' },
      changed: { env: { from: 'dev', to: 'prod' } },
      removed: { old: 'x' },
    });
    expect(JSON.parse(fleetNdjsonLine({ serverId: 's1', status: 'skipped', plan, current: { a: '1' } }))).toEqual({ serverId: 's1', status: 'skipped', reason: 'changed since the plan', current: { a: '1' } });
  });

  it('text: one line per key, coloured only when asked, control characters escaped', () => {
    expect(fleetTextLine({ serverId: 's1', status: 'changes', plan }, false)).toBe('~ s1\n    - "old" (was "x")\n    ~ "env": "dev" → "prod"\n    + "owner" = "li\\u001b[2J"\n');
    expect(fleetTextLine({ serverId: 's1', status: 'changes', plan }, true)).toContain('\u001b[31m    - "old" (was "x")\u001b[0m');
    const error = new NotFoundError({ status: 404, message: 'Instance could not be found', code: 'itemNotFound', requestId: undefined, bodyExcerpt: '' });
    expect(fleetTextLine({ serverId: 'bad\u009bid', status: 'failed', error }, false)).toMatch(/^✗ bad\\u\{9b\}id NotFoundError: /u);
  });
});
