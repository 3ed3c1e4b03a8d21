import { describe, expect, it } from '@jest/globals';
import type { KnownInteraction } from './pact-files.js';
import type { CoreInteractionResult } from './pact-result.js';
import { correlateResults } from './result-correlation.js';
import { RunJournal } from './run-journal.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const WITH_METADATA = 'a server with metadata exists';
const LOCKED = 'a locked server exists';
const METADATA = `/v2.1/\${projectId}/servers/\${serverId}/metadata`;
const ITEM = `${METADATA}/\${key}`;
const CONSUMER = 'ecs-metadata-client';

function known(
  description: string,
  state: string,
  method: string,
  pathTemplate: string,
  params: Record<string, unknown> = {},
  carriesInvalidToken = false,
): KnownInteraction {
  return {
    consumer: CONSUMER,
    description,
    states: [state],
    stateParams: [{ projectId: PROJECT, serverId: SERVER, ...params }],
    carriesInvalidToken,
    method,
    pathTemplate,
  };
}

const READ = known('a request for server metadata (v2.1)', WITH_METADATA, 'GET', METADATA);
const UNAUTHORIZED = known('a request for server metadata with an invalid token (v2.1)', WITH_METADATA, 'GET', METADATA, {}, true);
const READ_ONE = known('a request to read one metadata item (v2.1)', WITH_METADATA, 'GET', ITEM, { key: 'wj' });
const READ_MISSING = known('a request to read a missing metadata item (v2.1)', WITH_METADATA, 'GET', ITEM, { key: 'missing-key' });
const MERGE_LOCKED = known('a request to merge metadata into a locked server (v2.1)', LOCKED, 'POST', METADATA);
const KNOWN = [READ, UNAUTHORIZED, READ_ONE, READ_MISSING, MERGE_LOCKED];

function result(interaction: KnownInteraction, ok = true): CoreInteractionResult {
  return { description: interaction.description, interactionId: undefined, ok, durationMs: 1, failures: ok ? [] : ['$.metadata: mismatch'], pending: false, consumer: undefined };
}

/** The journal of a run that set up and sent each interaction in turn, with `problems` on some. */
function journalOf(ran: readonly KnownInteraction[], problems: ReadonlyMap<KnownInteraction, string> = new Map()): RunJournal {
  const journal = new RunJournal();
  for (const interaction of ran) {
    interaction.states.forEach((state, index) => journal.stateSetup(state, interaction.stateParams[index]));
    const problem = problems.get(interaction);
    if (problem !== undefined) {
      journal.problem(problem);
    }
    const path = interaction.pathTemplate.replace('${projectId}', PROJECT).replace('${serverId}', SERVER).replace('${key}', String((interaction.stateParams[0] as { key?: string }).key));
    journal.request(interaction.carriesInvalidToken, interaction.method, `${path}?ignored=1`);
  }
  return journal;
}

describe('correlateResults', () => {
  it('pairs every result with its own set-ups in the order of the run', () => {
    const ran = [READ, UNAUTHORIZED, READ_ONE, READ_MISSING, MERGE_LOCKED];
    const journal = journalOf(ran);
    const correlation = correlateResults(ran.map((interaction) => result(interaction)), journal.entries, KNOWN);
    expect(correlation.entries).toEqual(journal.entries);
    expect(correlation).toMatchObject({ unclaimed: [], ambiguous: [] });
  });

  it('does not hand one interaction\'s problem to another when the report lists them in another order', () => {
    const ran = [MERGE_LOCKED, READ_MISSING, READ_ONE, UNAUTHORIZED, READ];
    const journal = journalOf(ran, new Map([[MERGE_LOCKED, 'state "a locked server exists" could not be arranged: 409']]));
    const reported = [READ, UNAUTHORIZED, READ_ONE, READ_MISSING, MERGE_LOCKED];
    const correlation = correlateResults(reported.map((interaction) => result(interaction)), journal.entries, KNOWN);

    // Position would pair READ with the locked merge's entry; identity pairs each with its own.
    reported.forEach((interaction, index) => expect(correlation.entries[index]).toBe(journal.entries[ran.indexOf(interaction)]));
    expect(correlation.entries[0]?.problems).toEqual([]);
    expect(correlation.entries[4]?.problems).toEqual(['state "a locked server exists" could not be arranged: 409']);
  });

  it('tells apart interactions that differ only in a state param or the invalid token', () => {
    const ran = [READ_ONE, READ_MISSING, READ, UNAUTHORIZED];
    const journal = journalOf(ran, new Map([[READ_MISSING, 'missing'], [UNAUTHORIZED, 'unauthorized']]));
    const correlation = correlateResults(
      [READ_MISSING, READ_ONE, UNAUTHORIZED, READ].map((interaction) => result(interaction)),
      journal.entries,
      KNOWN,
    );
    expect(correlation.entries.map((entry) => entry?.problems)).toEqual([['missing'], [], ['unauthorized'], []]);
  });

  it('leaves the set-ups of an interaction missing from the report unclaimed, so their problems are not lost', () => {
    const journal = journalOf([READ, MERGE_LOCKED], new Map([[MERGE_LOCKED, 'locked: 409']]));
    const correlation = correlateResults([result(READ)], journal.entries, KNOWN);
    expect(correlation.entries).toEqual([journal.entries[0]]);
    expect(correlation.unclaimed.map((entry) => entry.problems)).toEqual([['locked: 409']]);
  });

  it('names, never guesses, a result whose alike set-ups would give different outcomes', () => {
    const twin = { ...READ, description: 'the same request under another name' };
    const journal = journalOf([READ, twin], new Map([[twin, 'twin problem']]));
    const correlation = correlateResults([result(READ), result(twin)], journal.entries, [...KNOWN, twin]);
    expect(correlation.entries).toEqual([undefined, undefined]);
    expect(correlation.ambiguous).toEqual([READ.description, twin.description]);
    expect(correlation.unclaimed).toHaveLength(2);
  });

  it('pairs alike set-ups freely when the outcome is the same either way', () => {
    const twin = { ...READ, description: 'the same request under another name' };
    const journal = journalOf([READ, twin]);
    const correlation = correlateResults([result(twin), result(READ)], journal.entries, [...KNOWN, twin]);
    expect(correlation).toMatchObject({ unclaimed: [], ambiguous: [] });
  });
});
