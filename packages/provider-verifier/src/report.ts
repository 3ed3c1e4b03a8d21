/** What every interaction outcome carries. */
export interface InteractionOutcomeBase {
  /** The interaction's description, unique within its pact (`a request for server metadata (v2.1)`). */
  readonly description: string;
  /** The consumer whose pact holds the interaction, when known (always for local pact files). */
  readonly consumer: string | undefined;
  /** The provider it was verified as (`ecs-metadata-api` or `ecs-native-metadata-api`), when known. */
  readonly provider?: string | undefined;
  /** Its provider states, in order (as in the pact, or as Pact set them up for broker pacts). */
  readonly states: readonly string[];
  /** How long Pact took to verify it, when it ran. */
  readonly durationMs: number | undefined;
}

/** The provider answered as the pact expects, with every state arranged. */
export interface VerifiedInteraction extends InteractionOutcomeBase {
  readonly status: 'verified';
}

/** A mismatch, or an error while arranging the state or sending the request. */
export interface FailedInteraction extends InteractionOutcomeBase {
  readonly status: 'failed';
  /** One line per mismatch or error, e.g. `$.metadata: Type mismatch: Expected ["a"] (Array) ...`. */
  readonly failures: readonly string[];
  /** The broker marked the pact or interaction pending: the failure is reported but does not fail the run. */
  readonly pending: boolean;
}

/** Not verified, because it could not be arranged on this provider; never counted as passed. */
export interface NotVerifiableInteraction extends InteractionOutcomeBase {
  readonly status: 'not-verifiable';
  /** Why, e.g. `needs --allow-writes to arrange state "a server with metadata exists"`. */
  readonly reason: string;
  /** The states that could not be arranged (empty when the reason is something else). */
  readonly unarrangeableStates: readonly string[];
}

/** How one interaction came out. */
export type InteractionOutcome = VerifiedInteraction | FailedInteraction | NotVerifiableInteraction;

/** The result of {@link verifyPacts}. Contains no credential: tokens are redacted from every text. */
export interface VerificationReport {
  /** The providers verified, comma-separated: `ecs-metadata-api` by default (see `VerifyPactsOptions.providers`). */
  readonly provider: string;
  /** `embedded-mock` or `endpoint`. */
  readonly target: 'embedded-mock' | 'endpoint';
  /** The provider's base URL (the embedded mock's ephemeral URL in mock mode). */
  readonly providerBaseUrl: string;
  /** Where the pacts came from: the local files, or the broker's URL. */
  readonly pactSources: readonly string[];
  /** Every interaction, in pact order (local files) or in the order Pact ran them (broker). */
  readonly interactions: readonly InteractionOutcome[];
  /** Errors of the run tied to no interaction (a pact that did not load, a failed metadata restore). */
  readonly errors: readonly string[];
  /** The broker's notices (why each pact was selected, its pending status). */
  readonly notices: readonly string[];
  /** Whether Pact was asked to publish the results to the broker (Pact logs a refusal by the broker). */
  readonly publishRequested: boolean;
  /**
   * Whether a real server's metadata, changed to arrange states (`allowWrites`), reads back as it
   * was before the run; `undefined` when nothing was changed.
   */
  readonly metadataRestored: boolean | undefined;
  /** Whether a run that found no pact fails (`VerifyPactsOptions.failIfNoPactsFound`); default `true`. */
  readonly failIfNoPactsFound?: boolean;
}

/** The verifier's exit codes (DECISIONS "Contract"). */
export const VerifierExitCode = {
  /** Every interaction verified (or the skipped states are exactly the expected ones). */
  Verified: 0,
  /** A mismatch or an error. */
  Failed: 1,
  /** Usage: a wrong or missing flag, an invalid option or configuration. */
  Usage: 2,
  /** The Pact Broker refused the credentials (401) or access (403); nothing was verified. */
  BrokerRefused: 3,
  /** The Pact Broker answered, but not as a Pact Broker does (HTML, not JSON, an unexpected status). */
  BrokerInvalidResponse: 5,
  /** The Pact Broker could not be reached (connection refused, DNS, TLS, timeout). */
  BrokerUnreachable: 6,
  /** Nothing failed, but some interactions could not be arranged on this provider. */
  NotVerifiable: 8,
  /** A crash journal cannot be used (corrupt, truncated, another server's or project's); nothing was written. */
  Journal: 10,
  /** Interrupted by SIGINT; changed metadata was restored first. */
  Interrupted: 130,
  /** Terminated by SIGTERM; changed metadata was restored first. */
  Terminated: 143,
} as const;

/** The exit code of a report, and a one-line reason for it. */
export interface ExitDecision {
  readonly code: number;
  readonly reason: string;
}

/** The states of the not-verifiable interactions that could not be arranged, sorted, without duplicates. */
export function skippedStates(report: VerificationReport): string[] {
  const states = new Set<string>();
  for (const outcome of report.interactions) {
    if (outcome.status === 'not-verifiable') {
      outcome.unarrangeableStates.forEach((state) => states.add(state));
    }
  }
  return [...states].sort();
}

/**
 * Decides the exit code of a run (DECISIONS "Contract"): 1 for any failure (pending ones aside)
 * or run error, or when Pact verified nothing at all; 8 when nothing failed but some interactions
 * were not verifiable; 0 otherwise. `expectSkipped` turns an 8 into a 0 when the skipped states
 * are exactly those named, every not-verifiable interaction was skipped for one of them, and at
 * least one interaction was verified.
 */
export function decideExitCode(report: VerificationReport, expectSkipped?: readonly string[]): ExitDecision {
  const count = (status: InteractionOutcome['status']): number => report.interactions.filter((outcome) => outcome.status === status).length;
  const failed = report.interactions.filter((outcome) => outcome.status === 'failed' && !outcome.pending).length;
  const verified = count('verified');
  const notVerifiable = count('not-verifiable');
  if (failed > 0 || report.errors.length > 0) {
    const parts = [failed > 0 ? `${failed} interaction(s) failed` : '', report.errors.length > 0 ? `${report.errors.length} error(s)` : ''];
    return { code: VerifierExitCode.Failed, reason: parts.filter((part) => part !== '').join(' and ') };
  }
  if (report.interactions.length === 0 && report.failIfNoPactsFound === false) {
    return { code: VerifierExitCode.Verified, reason: 'no pact found, and --no-fail-if-no-pacts-found accepts that' };
  }
  if (report.interactions.length === 0) {
    return { code: VerifierExitCode.Failed, reason: 'Pact verified no interaction: a pact with none, or the wrong provider name' };
  }
  if (notVerifiable === 0) {
    return { code: VerifierExitCode.Verified, reason: `all ${verified} interaction(s) verified` };
  }
  const skipped = skippedStates(report);
  const listed = skipped.map((state) => `"${state}"`).join(', ');
  if (expectSkipped !== undefined) {
    const expected = [...new Set(expectSkipped)].sort();
    const allForStates = report.interactions.every((outcome) => outcome.status !== 'not-verifiable' || outcome.unarrangeableStates.length > 0);
    const same = expected.length === skipped.length && expected.every((state, index) => state === skipped[index]);
    if (same && allForStates && verified > 0) {
      return { code: VerifierExitCode.Verified, reason: `${verified} verified; ${notVerifiable} skipped for the expected state(s) ${listed}` };
    }
    const wanted = expected.map((state) => `"${state}"`).join(', ');
    return {
      code: VerifierExitCode.NotVerifiable,
      reason: `${notVerifiable} interaction(s) not verifiable; expected to skip ${wanted || 'nothing'} but skipped ${listed || 'interactions for other reasons'}`,
    };
  }
  return { code: VerifierExitCode.NotVerifiable, reason: `${notVerifiable} interaction(s) could not be arranged on this provider${listed ? ` (${listed})` : ''}` };
}
