import { describe, expect, it } from '@jest/globals';
import { diffMetadata } from './metadata-diff.js';

describe('diffMetadata', () => {
  it('lists added, changed and removed keys, each sorted', () => {
    expect(diffMetadata({ wj: 'True', owner: 'ops', old: 'x', b: '1' }, { wj: 'True', owner: 'li', env: 'prod', a: '', b: '2' })).toEqual({
      added: [
        ['a', ''],
        ['env', 'prod'],
      ],
      changed: [
        ['b', '1', '2'],
        ['owner', 'ops', 'li'],
      ],
      removed: [['old', 'x']],
    });
  });

  it('is empty for equal maps, and treats "" as a value', () => {
    expect(diffMetadata({ a: '' }, { a: '' })).toEqual({ added: [], changed: [], removed: [] });
    expect(diffMetadata({}, { a: '' })).toEqual({ added: [['a', '']], changed: [], removed: [] });
  });

  it('sees a __proto__ key as an ordinary own key', () => {
    const after = JSON.parse('{"__proto__": "v"}') as Record<string, string>;
    expect(diffMetadata({}, after)).toEqual({ added: [['__proto__', 'v']], changed: [], removed: [] });
  });
});
