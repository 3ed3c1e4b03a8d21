import { describe, expect, it } from '@jest/globals';
import { checkDesiredChange, desiredServerStateSchema, desiredStateFileSchema, expandDesiredServerState } from './desired-state.js';
import { ValidationError } from './errors.js';

const issues = (input: unknown): { path: PropertyKey[]; message: string }[] => {
  const result = desiredServerStateSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map(({ path, message }) => ({ path, message }));
};

describe('desiredServerStateSchema', () => {
  it('takes a server or a list of servers with set/unset or an exact map', () => {
    expect(issues({ serverId: 'a', set: { k: 'v' } })).toEqual([]);
    expect(issues({ serverIds: ['a', 'b'], unset: ['k'] })).toEqual([]);
    expect(issues({ serverId: 'a', metadata: {} })).toEqual([]);
  });

  it('names what is wrong, with its path', () => {
    expect(issues({ set: { k: 'v' } })).toEqual([{ path: [], message: 'give exactly one of "serverId" and "serverIds"' }]);
    expect(issues({ serverId: 'a', metadata: {}, set: {} })).toEqual([{ path: ['metadata'], message: '"metadata" (the exact map) cannot be combined with "set" or "unset"' }]);
    expect(issues({ serverId: 'a' })).toEqual([{ path: [], message: 'give "set" and/or "unset", or "metadata" (the exact map)' }]);
    expect(issues({ serverId: 'a', set: { k: 'v' }, unset: ['x', 'k'] })).toEqual([{ path: ['unset', 1], message: 'key "k" is both set and unset' }]);
    expect(issues({ serverId: 'a', set: { k: 1 } })[0]?.path).toEqual(['set', 'k']);
    expect(issues({ serverId: 'a', set: {}, extra: 1 })[0]?.message).toMatch(/extra/u);
  });

  it('keeps __proto__ as an own key', () => {
    const entry = desiredServerStateSchema.parse(JSON.parse('{"serverId":"a","set":{"__proto__":"v"}}'));
    expect(Object.keys(entry.set ?? {})).toEqual(['__proto__']);
  });

  it('a file is {"servers": [...]}', () => {
    expect(desiredStateFileSchema.safeParse({ servers: [{ serverId: 'a', unset: ['k'] }] }).success).toBe(true);
    expect(desiredStateFileSchema.safeParse([{ serverId: 'a', unset: ['k'] }]).success).toBe(false);
  });
});

describe('expandDesiredServerState', () => {
  it('gives one change per server', () => {
    expect(expandDesiredServerState({ serverIds: ['a', 'b'], set: { k: 'v' }, unset: ['x', 'x'] })).toEqual([
      { serverId: 'a', change: { kind: 'merge', set: { k: 'v' }, unset: ['x'] } },
      { serverId: 'b', change: { kind: 'merge', set: { k: 'v' }, unset: ['x'] } },
    ]);
    expect(expandDesiredServerState({ serverId: 'a', metadata: { k: 'v' } })).toEqual([{ serverId: 'a', change: { kind: 'exact', metadata: { k: 'v' } } }]);
  });
});

describe('checkDesiredChange', () => {
  const check = (serverId: string, change: Parameters<typeof checkDesiredChange>[0]['change'], force = false): string | undefined => {
    try {
      checkDesiredChange({ serverId, change }, { force });
      return undefined;
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      return (error as Error).message;
    }
  };

  it('accepts valid keys and values', () => {
    expect(check('a', { kind: 'merge', set: { env: 'prod' }, unset: ['old'] })).toBeUndefined();
    expect(check('a', { kind: 'exact', metadata: {} })).toBeUndefined();
  });

  it('names a bad server id, key, value or platform key', () => {
    expect(check('a/b', { kind: 'merge', set: {}, unset: ['k'] })).toMatch(/serverId/u);
    expect(check('a', { kind: 'merge', set: { 'a b': 'v' }, unset: [] })).toMatch(/"a b"/u);
    expect(check('a', { kind: 'merge', set: { k: 'x'.repeat(256) }, unset: [] })).toMatch(/value of "k"/u);
    expect(check('a', { kind: 'merge', set: {}, unset: ['a/b'] })).toMatch(/key/u);
    expect(check('a', { kind: 'merge', set: {}, unset: ['os_type'] })).toMatch(/platform key/u);
    expect(check('a', { kind: 'merge', set: {}, unset: ['os_type'] }, true)).toBeUndefined();
    expect(check('a', { kind: 'exact', metadata: Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`k${i}`, 'v'])) })).toMatch(/129 items/u);
  });
});
