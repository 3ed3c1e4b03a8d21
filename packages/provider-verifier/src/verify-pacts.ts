import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, normalizeEndpoint } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, DEMO_TOKEN, startMockProvider } from '@ecs-metadata/mock-provider';
import type { VerifierOptions } from '@pact-foundation/pact';
import { ENDPOINT_UNARRANGEABLE_STATES, PROVIDER_NAME, unarrangeableReason, WRITE_STATES } from './internal/contract.js';
import { defaultPactDir, type LocalPact, type PactInteraction, readLocalPacts, writeFilteredPact } from './internal/pact-files.js';
import { type CoreInteractionResult, type CoreRunResult, parseCoreResult } from './internal/pact-result.js';
import { createRedactor, messageOf, type Redactor } from './internal/redact.js';
import { createRequestFilter } from './internal/request-filter.js';
import { type JournalEntry, RunJournal } from './internal/run-journal.js';
import { createEndpointArranger, createMockArranger, type FinishResult, type StateArranger } from './internal/state-arrangers.js';
import {
  type BrokerPactSource,
  DEFAULT_CONSUMER_VERSION_SELECTORS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type LocalPactSource,
  type ProviderTarget,
  validateVerifyOptions,
  type VerifyPactsOptions,
} from './options.js';
import type { InteractionOutcome, NotVerifiableInteraction, VerificationReport } from './report.js';

/** Pact's HTTP state handlers: a setup and a teardown per provider state. */
type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/** One interaction of a local pact, and the states that keep it from running here. */
interface PlannedInteraction {
  readonly pact: LocalPact;
  readonly interaction: PactInteraction;
  readonly unarrangeable: readonly string[];
}

/** Local pacts read and classified before anything starts. */
interface LocalPlan {
  readonly pacts: readonly LocalPact[];
  readonly planned: readonly PlannedInteraction[];
}

/** What Pact's run gave back. */
interface PactRun {
  readonly core?: CoreRunResult;
  readonly error?: string;
  readonly aborted?: boolean;
}

/**
 * Verifies the `ecs-metadata-api` pacts (local files or a Pact Broker) against the embedded mock
 * provider or a real endpoint, and with `providers` also (or only) the `ecs-native-metadata-api`
 * ones, one Pact run per provider, and reports every interaction as verified, failed (with the
 * mismatch) or not verifiable (with the reason). Nothing counts as verified that Pact did not
 * verify with its provider states arranged: a state handler's error fails its interaction (Pact
 * itself only logs it), a state without a handler fails it, and a run with zero interactions is a
 * failure (see {@link decideExitCode}).
 *
 * - Mock (`provider.kind: 'embedded-mock'`): starts the mock on `127.0.0.1`, port 0, with its
 *   default fixture; each state is written into its store; requests carry its demo token.
 * - Endpoint: the token goes into every request except the 401 interaction's literal
 *   `invalid-token` (a request filter, never `customProviderHeaders`); states use the given project
 *   and server (`no server exists` a random UUID). `a locked server exists` and `a building server
 *   exists` cannot be arranged there (not verifiable, with the reason). The metadata states write only with
 *   `allowWrites`, and the server's original metadata is put back after the run, also after a
 *   failure or an abort. Without it, local interactions needing those states are left out of the
 *   run (a filtered copy of the pact is verified) and reported as not verifiable; for broker pacts
 *   they run but are reported as not verifiable all the same.
 * - Broker: pacts for verification by consumer version selectors, with pending and WIP pacts;
 *   results are published only when asked, and only for broker pacts.
 *
 * Sets `PACT_DO_NOT_TRACK=true` (Pact's core would send usage events). While Pact runs it also
 * adjusts the environment Pact's core reads behind the options: `PACT_BROKER_BASE_URL` is hidden
 * for local pacts (the core would add the broker as a second source),
 * `PACT_BROKER_PUBLISH_VERIFICATION_RESULTS` is hidden (publishing is decided here) and the broker
 * token is handed over as `PACT_BROKER_TOKEN` rather than as an option, which Pact logs at `trace`.
 * Do not run two verifications in one process at the same time.
 *
 * @example
 * ```ts
 * const report = await verifyPacts({ provider: { kind: 'embedded-mock' } });
 * console.log(formatSummary(report));
 * process.exitCode = decideExitCode(report).code;
 * ```
 *
 * @throws {ConfigError} before anything starts: an invalid option (its `setting` names it), a
 *   missing pact file or directory, or no pact for `ecs-metadata-api` in it.
 * @throws {AbortError} when `signal` aborts; writes stop and the metadata is restored first.
 */
export async function verifyPacts(options: VerifyPactsOptions): Promise<VerificationReport> {
  validateVerifyOptions(options);
  throwIfAborted(options.signal);
  const provider = options.provider;
  const source = options.source ?? { kind: 'local' };
  const redact = createRedactor([provider.kind === 'endpoint' ? provider.token : undefined, source.kind === 'broker' ? source.brokerToken : undefined]);
  const providers = options.providers ?? [PROVIDER_NAME];
  // Local pacts are read, and refused, before anything is started.
  const local = source.kind === 'local' ? await planLocalPacts(source, provider, options.cwd ?? process.cwd(), providers) : undefined;
  const broker = source.kind === 'broker' ? source : undefined;

  const cleanups: (() => Promise<void>)[] = [];
  const runs: ProviderRun[] = [];
  let baseUrl = '';
  try {
    let token: string;
    let newArranger: (journal: RunJournal) => StateArranger;
    if (provider.kind === 'embedded-mock') {
      const mock = await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE });
      cleanups.push(() => mock.close());
      baseUrl = mock.url;
      token = DEMO_TOKEN;
      newArranger = () => createMockArranger(mock.admin, DEMO_TOKEN);
    } else {
      baseUrl = normalizeEndpoint(provider.baseUrl);
      token = provider.token;
      const server = { baseUrl, token, projectId: provider.projectId, serverId: provider.serverId, timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
      newArranger = (journal) => createEndpointArranger(server, { allowWrites: provider.allowWrites === true, journal, signal: options.signal });
    }
    // One Pact run per provider (Pact verifies one provider at a time), each with its own journal
    // and arranger; a real server's metadata is put back after each run, also after a failure.
    for (const providerName of providers) {
      if (options.signal?.aborted === true) {
        break;
      }
      const journal = new RunJournal();
      const arranger = newArranger(journal);
      const plan = local === undefined ? undefined : planFor(local, providerName);
      const current: ProviderRun = { providerName, journal, plan, run: {}, finished: { problems: [] } };
      runs.push(current);
      try {
        const pactUrls = plan === undefined ? undefined : await materializeLocalPacts(plan, cleanups);
        if (pactUrls === undefined || pactUrls.length > 0) {
          const verifierOptions = dropUndefined<VerifierOptions>({
            provider: providerName,
            providerBaseUrl: baseUrl,
            pactUrls,
            pactBrokerUrl: broker?.brokerUrl,
            consumerVersionSelectors: broker === undefined ? undefined : selectorsOf(broker),
            enablePending: broker?.enablePending,
            includeWipPactsSince: broker?.includeWipPactsSince,
            providerVersionBranch: broker?.providerBranch,
            publishVerificationResult: broker?.publishResults === true ? true : undefined,
            providerVersion: broker?.publishResults === true ? broker.providerVersion : undefined,
            buildUrl: broker?.publishResults === true ? broker.buildUrl : undefined,
            stateHandlers: pactStateHandlers(arranger, journal, redact),
            requestFilter: createRequestFilter(token, journal, new Set(arranger.setups.keys()), options.signal),
            timeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
            logLevel: options.logLevel ?? 'warn',
          });
          current.run = await runPact(verifierOptions, pactEnvironment(local !== undefined, broker), options.signal);
        }
      } finally {
        // Always, also after a failure or an abort: put the real server's metadata back.
        current.finished = await arranger.finish();
      }
      if (current.run.aborted === true) {
        break;
      }
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => undefined);
    }
  }
  if (runs.some((entry) => entry.run.aborted === true) || (options.signal?.aborted === true && runs.length < providers.length)) {
    const problems = runs.flatMap((entry) => entry.finished.problems);
    const restored = problems.length === 0 ? '' : ` (${redact(problems.join('; '))})`;
    throw new AbortError(`verification interrupted${restored}`);
  }
  const outcomes = runs.map((entry) => {
    const { interactions, errors } = outcomesOf(entry.run, entry.journal, entry.plan, entry.finished);
    return { interactions: interactions.map((outcome): InteractionOutcome => ({ ...outcome, provider: entry.providerName })), errors };
  });
  const restoredFlags = runs.map((entry) => entry.finished.restored).filter((restored): restored is boolean => restored !== undefined);
  const report: VerificationReport = {
    provider: providers.join(', '),
    target: provider.kind,
    providerBaseUrl: baseUrl,
    pactSources: local === undefined ? [broker?.brokerUrl ?? ''] : local.pacts.map((pact) => pact.file),
    interactions: outcomes.flatMap((outcome) => outcome.interactions),
    errors: outcomes.flatMap((outcome) => outcome.errors),
    notices: runs.flatMap((entry) => entry.run.core?.notices ?? []),
    publishRequested: broker?.publishResults === true && runs.some((entry) => entry.run.core !== undefined),
    metadataRestored: restoredFlags.length === 0 ? undefined : restoredFlags.every((restored) => restored),
  };
  return redactReport(report, redact);
}

/** One provider's Pact run and what was recorded around it. */
interface ProviderRun {
  readonly providerName: string;
  readonly journal: RunJournal;
  readonly plan: LocalPlan | undefined;
  run: PactRun;
  finished: FinishResult;
}

/** The part of a local plan that concerns one provider. */
function planFor(plan: LocalPlan, providerName: string): LocalPlan {
  return {
    pacts: plan.pacts.filter((pact) => pact.provider === providerName),
    planned: plan.planned.filter((item) => item.pact.provider === providerName),
  };
}

/** Reads the local pacts and decides, per interaction, whether it can be arranged here. */
async function planLocalPacts(source: LocalPactSource, provider: ProviderTarget, cwd: string, providers: readonly string[]): Promise<LocalPlan> {
  const dirs = source.pactDirs ?? [];
  const files = source.pactFiles ?? [];
  const pacts = await readLocalPacts(dirs.length === 0 && files.length === 0 ? [defaultPactDir(cwd)] : dirs, files, providers);
  const endpoint = provider.kind === 'endpoint';
  const noWrites = endpoint && provider.allowWrites !== true;
  const unarrangeableHere = (state: string): boolean => endpoint && (ENDPOINT_UNARRANGEABLE_STATES.has(state) || (noWrites && WRITE_STATES.has(state)));
  const planned = pacts.flatMap((pact) =>
    pact.interactions.map((interaction) => ({
      pact,
      interaction,
      // The 401 interaction needs no arranged state: the token is refused before any lookup.
      unarrangeable: interaction.carriesInvalidToken ? [] : interaction.states.filter(unarrangeableHere),
    })),
  );
  return { pacts, planned };
}

/** The files Pact verifies: each pact as it is, or a filtered copy without its unarrangeable interactions. */
async function materializeLocalPacts(plan: LocalPlan, cleanups: (() => Promise<void>)[]): Promise<string[]> {
  let dir: string | undefined;
  const urls: string[] = [];
  for (const [index, pact] of plan.pacts.entries()) {
    const runnable = new Set(plan.planned.filter((item) => item.pact === pact && item.unarrangeable.length === 0).map((item) => item.interaction));
    if (runnable.size === pact.interactions.length) {
      urls.push(pact.file);
    } else if (runnable.size > 0) {
      if (dir === undefined) {
        const created = await mkdtemp(join(tmpdir(), 'ecs-metadata-verify-'));
        cleanups.push(() => rm(created, { recursive: true, force: true }));
        dir = created;
      }
      urls.push(await writeFilteredPact(dir, index, pact, (interaction) => runnable.has(interaction)));
    }
  }
  return urls;
}

/** Pact's state handlers: each records its error against the interaction, then lets Pact log it. */
function pactStateHandlers(arranger: StateArranger, journal: RunJournal, redact: Redactor): StateHandlers {
  const handlers: StateHandlers = {};
  for (const [state, setup] of arranger.setups) {
    handlers[state] = {
      setup: async (params: unknown) => {
        try {
          const ids = await setup(typeof params === 'object' && params !== null && !Array.isArray(params) ? (params as Record<string, unknown>) : {});
          const values: Record<string, string> = { projectId: ids.projectId, serverId: ids.serverId };
          if (ids.key !== undefined) {
            values['key'] = ids.key; // fills `${key}` in an item path
          }
          return values;
        } catch (error) {
          const message = redact(`state "${state}" could not be arranged: ${messageOf(error)}`);
          journal.problem(message);
          throw new Error(message);
        }
      },
      teardown: async () => {
        try {
          await arranger.teardown();
        } catch (error) {
          const message = redact(`state "${state}" could not be torn down: ${messageOf(error)}`);
          journal.problem(message);
          throw new Error(message);
        }
        return undefined;
      },
    };
  }
  return handlers;
}

/** Environment variables Pact's core reads behind the options, set (or hidden) for one run. */
function pactEnvironment(local: boolean, broker: BrokerPactSource | undefined): Record<string, string | undefined> {
  return {
    PACT_DO_NOT_TRACK: 'true',
    PACT_BROKER_PUBLISH_VERIFICATION_RESULTS: undefined,
    ...(local ? { PACT_BROKER_BASE_URL: undefined } : {}),
    ...(broker?.brokerToken === undefined ? {} : { PACT_BROKER_TOKEN: broker.brokerToken }),
  };
}

/** Runs Pact's verifier; its JSON result (resolved, or as the rejection's message) parsed. */
async function runPact(verifierOptions: VerifierOptions, environment: Record<string, string | undefined>, signal: AbortSignal | undefined): Promise<PactRun> {
  process.env.PACT_DO_NOT_TRACK = 'true';
  // Loaded only now, after PACT_DO_NOT_TRACK is set (the native core reads it when it loads).
  const { Verifier } = await import('@pact-foundation/pact');
  const restoreEnvironment = overrideEnvironment(environment);
  try {
    const running = new Verifier(verifierOptions).verifyProvider().then(
      (text) => ({ text: String(text) }),
      (error: unknown) => ({ text: messageOf(error) }),
    );
    const settled = signal === undefined ? await running : await Promise.race([running, aborted(signal)]);
    if (settled === 'aborted') {
      return { aborted: true };
    }
    const core = parseCoreResult(settled.text);
    return core === undefined ? { error: settled.text } : { core };
  } catch (error) {
    return { error: messageOf(error) };
  } finally {
    restoreEnvironment();
  }
}

/** The outcome of each interaction, and the run's errors. */
function outcomesOf(run: PactRun, journal: RunJournal, local: LocalPlan | undefined, finished: FinishResult): Pick<VerificationReport, 'interactions' | 'errors'> {
  const errors: string[] = [];
  if (run.error !== undefined) {
    errors.push(`Pact could not run the verification: ${run.error}`);
  }
  errors.push(...(run.core?.errors ?? []));
  const results = run.core?.interactions ?? [];
  const entries = journal.entries;
  const correlated = entries.length === results.length;
  if (!correlated) {
    const lost = entries.flatMap((entry) => [...entry.problems, ...(entry.carriesInvalidToken ? [] : entry.unarrangeable.map(unarrangeableReason))]);
    if (lost.length > 0) {
      errors.push(`Cannot tell which of the ${results.length} interaction(s) the ${entries.length} state set-up(s) belonged to; problems: ${lost.join('; ')}`);
    }
  }
  errors.push(...journal.orphanProblems, ...finished.problems);
  const ran = results.map((result, index) => outcomeOf(result, correlated ? entries[index] : undefined));
  return { interactions: local === undefined ? ran : mergeWithPlan(local, ran), errors };
}

function outcomeOf(result: CoreInteractionResult, entry: JournalEntry | undefined): InteractionOutcome {
  const base = { description: result.description, consumer: result.consumer, states: [...(entry?.states ?? [])], durationMs: result.durationMs };
  if (entry !== undefined && entry.problems.length > 0) {
    return { ...base, status: 'failed', failures: [...entry.problems, ...result.failures], pending: result.pending };
  }
  const unarrangeable = entry === undefined || entry.carriesInvalidToken ? [] : entry.unarrangeable;
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
    const index = unclaimed.findIndex((outcome) => outcome.description === interaction.description && (outcome.consumer ?? pact.consumer) === pact.consumer);
    if (index < 0) {
      return { ...base, status: 'not-verifiable', reason: 'Pact did not run it (is PACT_DESCRIPTION or PACT_PROVIDER_STATE set?)', unarrangeableStates: [] };
    }
    const [outcome] = unclaimed.splice(index, 1) as [InteractionOutcome];
    return { ...outcome, consumer: pact.consumer, states: [...interaction.states] };
  });
  return [...outcomes, ...unclaimed];
}

function redactReport(report: VerificationReport, redact: Redactor): VerificationReport {
  const interactions = report.interactions.map((outcome): InteractionOutcome => {
    const description = redact(outcome.description);
    switch (outcome.status) {
      case 'verified':
        return { ...outcome, description };
      case 'failed':
        return { ...outcome, description, failures: outcome.failures.map(redact) };
      case 'not-verifiable':
        return { ...outcome, description, reason: redact(outcome.reason) };
    }
  });
  return { ...report, interactions, errors: report.errors.map(redact), notices: report.notices.map(redact) };
}

function selectorsOf(broker: BrokerPactSource): VerifierOptions['consumerVersionSelectors'] {
  const selectors = broker.consumerVersionSelectors ?? DEFAULT_CONSUMER_VERSION_SELECTORS;
  return selectors.map((selector) => ({ ...selector })) as VerifierOptions['consumerVersionSelectors'];
}

/** Pact refuses some keys when present but `undefined` (`timeout: undefined` throws). */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

/** Sets (or, for `undefined`, removes) variables; returns the function that puts them back. */
function overrideEnvironment(values: Record<string, string | undefined>): () => void {
  const saved = Object.keys(values).map((name) => [name, process.env[name]] as const);
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
  return () => {
    for (const [name, value] of saved) {
      if (name === 'PACT_DO_NOT_TRACK') {
        continue; // stays set: the native core is loaded for good
      }
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
}

function aborted(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve('aborted');
    } else {
      signal.addEventListener('abort', () => resolve('aborted'), { once: true });
    }
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new AbortError('verification interrupted before it started');
  }
}
