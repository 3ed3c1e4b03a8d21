import type { InteractionOutcome, NotVerifiableInteraction, VerificationReport } from '../report.js';
import { unarrangeableReason } from './contract.js';
import type { KnownInteraction } from './pact-files.js';
import type { CoreInteractionResult } from './pact-result.js';
import type { PactRun } from './pact-run.js';
import type { JournalEntry, RunJournal } from './run-journal.js';
import type { LocalPlan } from './run-plan.js';
import type { FinishResult } from './state-arrangers.js';

// Result correlation: which of the verifier's journal entries (state set-ups and the request they
// prepared) each interaction of Pact's report belongs to, and the outcome that follows. Changes
// when Pact's report or the outcome rules change.

/** Which journal entry each of Pact's results belongs to, found by identity, never by position. */
export interface Correlation {
  /** The entry of each result, in the results' order; `undefined` when no entry (or no single one) is its. */
  readonly entries: readonly (JournalEntry | undefined)[];
  /** Entries no result was matched to (their problems must not be lost). */
  readonly unclaimed: readonly JournalEntry[];
  /** Descriptions of results that several entries could be, with different outcomes: named, never guessed. */
  readonly ambiguous: readonly string[];
}

/**
 * Matches each result of Pact's report to the journal entry of its interaction. Pact reports an
 * interaction by its description; the journal saw only its state set-ups and its request. The
 * pacts (`known`) join the two: a result's interaction (same description, and consumer when Pact
 * named it) has states with params, a method, a path and a token that its entry must show. Order
 * plays no part, so a report in another order than the run, or with an interaction missing,
 * cannot hand one interaction's problems to another. Where interactions look alike (same states,
 * params and request line), any of their entries will do as long as the outcome is the same; if
 * it would differ, the result gets none and the description is listed as ambiguous.
 */
export function correlateResults(
  results: readonly CoreInteractionResult[],
  entries: readonly JournalEntry[],
  known: readonly KnownInteraction[],
): Correlation {
  const free = new Set(entries);
  const ambiguous: string[] = [];
  const matched = results.map((result) => {
    const interactions = known.filter(
      (item) => item.description === result.description && (result.consumer === undefined || item.consumer === result.consumer),
    );
    const candidates = entries.filter((entry) => free.has(entry) && interactions.some((interaction) => isEntryOf(entry, interaction)));
    const [first] = candidates;
    if (first === undefined) {
      return undefined;
    }
    const outcome = JSON.stringify(outcomeOf(result, first));
    if (candidates.some((candidate) => JSON.stringify(outcomeOf(result, candidate)) !== outcome)) {
      ambiguous.push(result.description);
      return undefined;
    }
    free.delete(first);
    return first;
  });
  return { entries: matched, unclaimed: entries.filter((entry) => free.has(entry)), ambiguous };
}

/** Whether `entry` shows `interaction`'s set-ups (names and params, in order) and request. */
function isEntryOf(entry: JournalEntry, interaction: KnownInteraction): boolean {
  return (
    entry.method === interaction.method &&
    entry.carriesInvalidToken === interaction.carriesInvalidToken &&
    entry.states.length === interaction.states.length &&
    entry.states.every((state, index) => state === interaction.states[index]) &&
    entry.stateParams.every((params, index) => canonicalJson(params) === canonicalJson(interaction.stateParams[index])) &&
    pathMatches(interaction.pathTemplate, entry.path)
  );
}

/**
 * `/v2.1/${projectId}/servers/${serverId}/metadata` matches any path with those literal segments.
 * Both sides are compared as resolved paths (see {@link segmentsOf}): the pact's path is what
 * Pact's core was told to send, the journal's what arrived.
 */
function pathMatches(template: string, path: string | undefined): boolean {
  if (path === undefined) {
    return false;
  }
  const expected = segmentsOf(template);
  const actual = segmentsOf(path);
  return expected.length === actual.length && expected.every((segment, index) => /^\$\{[^}]+\}$/u.test(segment) || segment === actual[index]);
}

/**
 * A path's segments as a URL resolves them (dot segments, `%2e`, backslashes), decoded, empty ones
 * dropped: Pact's core sends `//host/x` as `/host/x` and adds a leading `/`, and the same request
 * line may reach the verifier resolved or not. Resolved below a fixed first segment, so that a
 * path like `//host/x` stays a path and `..` cannot climb out of it.
 */
function segmentsOf(path: string): string[] {
  const segments = new URL(`/_/${path}`, 'http://correlation.invalid').pathname.split('/').filter((segment) => segment !== '');
  return (segments[0] === '_' ? segments.slice(1) : segments).map(decoded);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** JSON with object keys sorted, so that params compare by content. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value ?? {}, (_key, inner: unknown) =>
    typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b))) : inner,
  );
}

/**
 * The outcome of each interaction of a run, and the run's errors: Pact's results joined with the
 * journal by {@link correlateResults}; for local pacts, merged with the plan (every interaction in
 * pact order, the ones left out as not verifiable).
 */
export function outcomesOf(
  run: PactRun,
  journal: RunJournal,
  local: LocalPlan | undefined,
  finished: FinishResult,
  known: readonly KnownInteraction[],
): Pick<VerificationReport, 'interactions' | 'errors'> {
  const errors: string[] = [];
  if (run.error !== undefined) {
    errors.push(`Pact could not run the verification: ${run.error}`);
  }
  errors.push(...(run.core?.errors ?? []));
  const results = run.core?.interactions ?? [];
  const correlation = correlateResults(results, journal.entries, known);
  for (const description of correlation.ambiguous) {
    errors.push(`Cannot tell which of several alike state set-ups belonged to "${description}"`);
  }
  const lost = correlation.unclaimed.flatMap((entry) => [
    ...(entry.refused === undefined ? [] : [`not sent: ${entry.refused}`]),
    ...entry.problems,
    ...(entry.carriesInvalidToken ? [] : entry.unarrangeable.map(unarrangeableReason)),
  ]);
  if (lost.length > 0) {
    errors.push(`State set-ups that no reported interaction could be matched to had problems: ${lost.join('; ')}`);
  }
  errors.push(...journal.orphanProblems, ...finished.problems);
  const ran = results.map((result, index) => outcomeOf(result, correlation.entries[index]));
  return { interactions: local === undefined ? ran : mergeWithPlan(local, ran), errors };
}

/** One result's outcome, given the journal entry of its interaction (if one was found). */
function outcomeOf(result: CoreInteractionResult, entry: JournalEntry | undefined): InteractionOutcome {
  const base = {
    description: result.description,
    consumer: result.consumer,
    states: [...(entry?.states ?? [])],
    durationMs: result.durationMs,
  };
  const unarrangeable = entry === undefined || entry.carriesInvalidToken ? [] : entry.unarrangeable;
  if (entry?.refused !== undefined) {
    // Kept from the provider: never verified, whatever Pact made of the verifier's own answer.
    const reason = [`not sent: ${entry.refused}`, ...entry.problems].join('; ');
    return { ...base, status: 'not-verifiable', reason, unarrangeableStates: [...unarrangeable] };
  }
  if (entry !== undefined && entry.problems.length > 0) {
    return { ...base, status: 'failed', failures: [...entry.problems, ...result.failures], pending: result.pending };
  }
  if (unarrangeable.length > 0) {
    return { ...base, status: 'not-verifiable', reason: unarrangeable.map(unarrangeableReason).join('; '), unarrangeableStates: [...unarrangeable] };
  }
  if (!result.ok) {
    return { ...base, status: 'failed', failures: result.failures, pending: result.pending };
  }
  return { ...base, status: 'verified' };
}

/** Local pacts: every interaction in pact order, the ones left out of the run as not verifiable. */
function mergeWithPlan(plan: LocalPlan, ran: readonly InteractionOutcome[]): InteractionOutcome[] {
  const unclaimed = [...ran];
  const outcomes = plan.planned.map(({ pact, interaction, unarrangeable }): InteractionOutcome => {
    const base = { description: interaction.description, consumer: pact.consumer, states: [...interaction.states], durationMs: undefined };
    if (unarrangeable.length > 0) {
      const skipped: NotVerifiableInteraction = {
        ...base,
        status: 'not-verifiable',
        reason: unarrangeable.map(unarrangeableReason).join('; '),
        unarrangeableStates: [...unarrangeable],
      };
      return skipped;
    }
    const index = unclaimed.findIndex(
      (outcome) => outcome.description === interaction.description && (outcome.consumer ?? pact.consumer) === pact.consumer,
    );
    const [outcome] = index < 0 ? [] : unclaimed.splice(index, 1);
    if (outcome === undefined) {
      return { ...base, status: 'not-verifiable', reason: 'Pact did not run it (left out by --description, PACT_DESCRIPTION or PACT_PROVIDER_STATE?)', unarrangeableStates: [] };
    }
    return { ...outcome, consumer: pact.consumer, states: [...interaction.states] };
  });
  return [...outcomes, ...unclaimed];
}
