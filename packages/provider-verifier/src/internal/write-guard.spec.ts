import { describe, expect, it } from '@jest/globals';
import type { JournalEntry } from './run-journal.js';
import { refusalOf } from './write-guard.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const OTHER = '5e11a9d0-0000-4000-8000-00000000f0e1';
const BASE = `/v2.1/${PROJECT}/servers/${SERVER}`;

/** An interaction whose one state the verifier arranged on SERVER. */
const arranged: JournalEntry = {
  states: ['a server with metadata exists'],
  stateParams: [{}],
  arranged: [{ state: 'a server with metadata exists', projectId: PROJECT, serverId: SERVER }],
  problems: [],
  unarrangeable: [],
  refused: undefined,
  requestSeen: false,
  carriesInvalidToken: false,
  method: undefined,
  path: undefined,
};

describe('refusalOf (the write guard, unit level)', () => {
  it('sends an arranged write to a plain path of the arranged server', () => {
    expect(refusalOf({ method: 'PUT', url: `${BASE}/metadata` }, arranged, { allowWrites: true })).toBeUndefined();
    expect(refusalOf({ method: 'DELETE', url: `${BASE}/metadata/a.b..c` }, arranged, { allowWrites: true })).toBeUndefined();
  });

  // Pact's core resolves dot segments before the filter sees a request (write-safety.spec.ts); a
  // raw one that still arrives is refused, whatever a parser or server behind would make of it.
  it.each([
    `${BASE}/../${OTHER}/metadata`,
    `${BASE}/%2e%2E/${OTHER}/metadata`,
    `${BASE}/.%2e/${OTHER}/metadata`,
    `${BASE}/./metadata`,
    `${BASE}/..`,
    `${BASE}/..\\${OTHER}/metadata`,
    `${BASE}/%5C..%5c${OTHER}/metadata`,
  ])('refuses a write whose path climbs: %s', (url) => {
    expect(refusalOf({ method: 'PUT', url }, arranged, { allowWrites: true })).toContain('dot segment or a backslash');
  });
});
