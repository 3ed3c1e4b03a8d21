import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, ConfigError, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, type Metadata, normalizeEndpoint } from '@ecs-metadata/core';
import { type RequestSigner, tokenAuth } from '@ecs-metadata/client';
import { DEFAULT_FIXTURE, DEMO_TOKEN, startMockProvider } from '@ecs-metadata/mock-provider';
import type { VerifierOptions } from '@pact-foundation/pact';
import { type BrokerAsk, brokerSecrets, checkBrokerIndex, fetchBrokerPact } from './internal/broker-check.js';
import { ENDPOINT_UNARRANGEABLE_STATES, PROVIDER_NAME, STATE_LOCKED_SERVER, unarrangeableReason, WRITE_STATES } from './internal/contract.js';
import { defaultPactDir, type LocalPact, type PactInteraction, readLocalPacts, writeFilteredPact } from './internal/pact-files.js';
import { type CoreInteractionResult, type CoreRunResult, parseCoreResult } from './internal/pact-result.js';
import { createRedactor, messageOf, type Redactor } from './internal/redact.js';
import { startBrokerGate } from './internal/broker-gate.js';
import { createRequestFilter } from './internal/request-filter.js';
import type { EndpointServer } from './internal/endpoint-metadata.js';
import { type JournalWriter, removeJournal } from '@ecs-metadata/client/journal';
import { defaultJournalFile, journalOriginal, recoverFromJournal } from './internal/metadata-journal.js';
import { type JournalEntry, RunJournal } from './internal/run-journal.js';
import { createEndpointArranger, createMockArranger, type FinishResult, type StateArranger } from './internal/state-arrangers.js';
import {
  type BrokerPactSource,
  DEFAULT_CONSUMER_VERSION_SELECTORS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  literalPattern,
  type LocalPactSource,
  type PactSource,
  type PactUrlSource,
  type ProviderName,
  type ProviderTarget,
  validateVerifyOptions,
  type VerifyPactsOptions,
} from './options.js';
import type { InteractionOutcome, NotVerifiableInteraction, VerificationReport } from './report.js';
import { type StateHandlerTarget, type UserStateHandlers, withUserStateHandlers } from './state-handlers.js';

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
 * - Endpoint: the credential (`token`, or `auth` as the client takes it: AK/SK signs each request
 *   as Pact's proxy forwards it, a password login sends its token) goes into every request except
 *   the 401 interaction's literal `invalid-token` (a request filter, never `customProviderHeaders`),
 *   and into the verifier's own arranging requests; states use the given project
 *   and server (`no server exists` a random UUID). `a locked server exists` and `a building server
 *   exists` cannot be arranged there (not verifiable, with the reason). The metadata states write only with
 *   `allowWrites`, and the server's original metadata is put back after the run, also after a
 *   failure or an abort. Without it, local interactions needing those states are left out of the
 *   run (a filtered copy of the pact is verified) and reported as not verifiable; for broker pacts
 *   they run but are reported as not verifiable all the same.
 * - Broker: pacts for verification by consumer version selectors, with pending and WIP pacts;
 *   results are published only when asked, and only for broker pacts. Its index is asked first.
 * - Pact URL (the webhook flow): the one pact at that URL, fetched first to learn its provider;
 *   results are published to that pact version.
 * - Publishing (broker or pact URL): Pact talks to the broker through a loopback gate that holds
 *   the result back when any interaction was not verifiable.
 * - Writes: a request other than a read reaches the provider only when every state of its
 *   interaction was arranged by the verifier in this run, writes are allowed, and its path names
 *   the server arranged; anything else is answered by the request filter and reported not
 *   verifiable (`not sent: ...`). With `allowWrites` the original metadata is checked and
 *   journaled (`journalFile`) before the first write, and a journal left by a run that did not
 *   finish is restored from first.
 *
 * Sets `PACT_DO_NOT_TRACK=true` (Pact's core would send usage events). While Pact runs it also
 * adjusts the environment Pact's core reads behind the options: `PACT_BROKER_BASE_URL` is hidden
 * unless the source is a broker (the core would add the broker as a second source),
 * `PACT_BROKER_PUBLISH_VERIFICATION_RESULTS` is hidden (publishing is decided here) and the broker
 * credentials are handed over as `PACT_BROKER_TOKEN`, `PACT_BROKER_USERNAME` and
 * `PACT_BROKER_PASSWORD` (exactly the options': the caller's variables are hidden) rather than as
 * options, which Pact logs at `trace`.
 * Do not run two verifications in one process at the same time.
 *
 * @example
 * ```ts
 * const report = await verifyPacts({ provider: { kind: 'embedded-mock' } });
 * console.log(formatSummary(report));
 * process.exitCode = decideExitCode(report).code;
 * ```
 *
 * @throws {ConfigError} before anything starts (nothing written): an invalid option (its `setting` names it), an
 *   original metadata that could not be written back, a
 *   missing pact file or directory, or no pact for `ecs-metadata-api` in it.
 * @throws {BrokerError} before anything starts: the broker (or the pact URL) is unreachable,
 *   refuses the credentials, or does not answer as a Pact Broker.
 * @throws {AbortError} when `signal` aborts; writes stop (an arranging write on the wire is awaited)
 *   and the metadata is restored first; the message is `interrupted; metadata of S restored`.
 * @throws {JournalError} when a journal left at `journalFile` cannot be used; nothing is written.
 */
export async function verifyPacts(options: VerifyPactsOptions): Promise<VerificationReport> {
  validateVerifyOptions(options);
  throwIfAborted(options.signal);
  const provider = options.provider;
  const source = options.source ?? { kind: 'local' };
  // A broker, or one pact on a broker (the webhook flow): the credentials and publishing options.
  const remote = source.kind === 'local' ? undefined : source;
  const broker = source.kind === 'broker' ? source : undefined;
  const redact = createRedactor([
    provider.kind === 'endpoint' ? provider.token : undefined,
    ...brokerSecrets(remote ?? {}),
    ...Object.values(options.providerHeaders ?? {}),
  ]);
  const ask: BrokerAsk = {
    brokerToken: remote?.brokerToken,
    brokerUsername: remote?.brokerUsername,
    brokerPassword: remote?.brokerPassword,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    signal: options.signal,
    redact,
  };
  // The broker is asked first: one that is down, refuses the credentials or is not a broker is a
  // clear error before anything starts or is sent to the provider.
  if (broker !== undefined) {
    await checkBrokerIndex(broker.brokerUrl, ask);
  }
  const providers = remote?.kind === 'pact-url' ? await providersOfPactUrl(remote, options.providers ?? [PROVIDER_NAME], ask) : (options.providers ?? [PROVIDER_NAME]);
  // Local pacts are read, and refused, before anything is started.
  const local = source.kind === 'local' ? await planLocalPacts(source, provider, options.cwd ?? process.cwd(), providers, options.stateHandlers) : undefined;
  // Pact's core reaches the broker only through the publishing gate, which stands for this URL.
  const upstream = remote === undefined ? undefined : remote.kind === 'broker' ? remote.brokerUrl : new URL(remote.pactUrl).origin;

  const cleanups: (() => Promise<void>)[] = [];
  const runs: ProviderRun[] = [];
  let baseUrl: string;
  let crashJournal: JournalWriter | undefined;
  try {
    let signer: RequestSigner;
    // The embedded mock is the verifier's own: its states are always written into its store.
    const writePolicy = { allowWrites: provider.kind === 'embedded-mock' || provider.allowWrites === true };
    let newArranger: (journal: RunJournal) => StateArranger;
    let handlerTarget: StateHandlerTarget;
    if (provider.kind === 'embedded-mock') {
      const mock = await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE });
      cleanups.push(() => mock.close());
      baseUrl = mock.url;
      signer = await tokenAuth(DEMO_TOKEN)();
      newArranger = () => createMockArranger(mock.admin, DEMO_TOKEN);
      handlerTarget = { baseUrl, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID };
    } else {
      baseUrl = normalizeEndpoint(provider.baseUrl);
      signer = await (provider.auth ?? tokenAuth(provider.token ?? ''))();
      const server = { baseUrl, signer, projectId: provider.projectId, serverId: provider.serverId, timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS };
      let original: Metadata | undefined;
      if (provider.allowWrites === true) {
        ({ original, writer: crashJournal } = await prepareWrites(server, options));
      }
      const allowLock = provider.allowLock === true;
      handlerTarget = { baseUrl, projectId: provider.projectId, serverId: provider.serverId };
      newArranger = (journal) =>
        createEndpointArranger(server, { allowWrites: provider.allowWrites === true, journal, signal: options.signal, original, allowLock, crashJournal });
    }
    // One Pact run per provider (Pact verifies one provider at a time), each with its own journal
    // and arranger; a real server's metadata is put back after each run, also after a failure.
    for (const providerName of providers) {
      if (options.signal?.aborted === true) {
        break;
      }
      const journal = new RunJournal();
      const builtIn = newArranger(journal);
      const builtInUnarrangeable = unarrangeableOn(provider);
      const arranger =
        options.stateHandlers === undefined
          ? builtIn
          : withUserStateHandlers(builtIn, options.stateHandlers, handlerTarget, (state) => builtIn.setups.has(state) && !builtInUnarrangeable(state));
      const plan = local === undefined ? undefined : planFor(local, providerName);
      const current: ProviderRun = { providerName, journal, plan, run: {}, finished: { problems: [] }, publishRefusals: [] };
      runs.push(current);
      try {
        const pactUrls = plan === undefined ? undefined : await materializeLocalPacts(plan, cleanups);
        if (pactUrls === undefined || pactUrls.length > 0) {
          const gate = upstream === undefined ? undefined : await startBrokerGate(upstream, () => publishRefusal(journal, options.signal));
          if (gate !== undefined) {
            cleanups.push(() => gate.close());
            current.publishRefusals = gate.refusals;
            current.consumers = gate.consumers;
            current.gateUrl = gate.url;
          }
          const verifierOptions = dropUndefined<VerifierOptions>({
            provider: providerName,
            providerBaseUrl: baseUrl,
            pactUrls: remote?.kind === 'pact-url' && gate !== undefined ? [throughGate(remote.pactUrl, gate.url)] : pactUrls,
            pactBrokerUrl: broker === undefined ? undefined : gate?.url,
            consumerVersionSelectors: broker === undefined ? undefined : selectorsOf(broker),
            enablePending: broker?.enablePending,
            includeWipPactsSince: broker?.includeWipPactsSince,
            providerVersionBranch: remote?.providerBranch,
            publishVerificationResult: remote?.publishResults === true ? true : undefined,
            providerVersion: remote?.publishResults === true ? remote.providerVersion : undefined,
            buildUrl: remote?.publishResults === true ? remote.buildUrl : undefined,
            stateHandlers: pactStateHandlers(arranger, journal, redact),
            requestFilter: createRequestFilter({ baseUrl, signer }, journal, new Set(arranger.setups.keys()), writePolicy, options.signal, options.providerHeaders),
            failIfNoPactsFound: options.failIfNoPactsFound ?? true,
            // The provider sees its own host in `Host`, not Pact's loopback proxy (gateways route by it).
            changeOrigin: true,
            timeout: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
            logLevel: options.logLevel ?? 'warn',
          });
          current.run = await runPact(verifierOptions, pactEnvironment(source, options.description), options.signal);
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
    if (crashJournal !== undefined) {
      await crashJournal.close().catch(() => undefined);
      if (runs.every((entry) => entry.finished.restored !== false)) {
        // Every change undone and read back: the journal has served.
        await removeJournal(crashJournal.file);
      }
    }
  }
  const notRestored = runs.some((entry) => entry.finished.restored === false);
  const keptJournal = crashJournal !== undefined && notRestored ? `; its original is kept in ${crashJournal.file}: run ecs-metadata-verify --restore ${crashJournal.file}` : '';
  if (runs.some((entry) => entry.run.aborted === true) || (options.signal?.aborted === true && runs.length < providers.length)) {
    const problems = runs.flatMap((entry) => entry.finished.problems);
    throw new AbortError(redact(`interrupted; ${interruptedState(provider, runs, problems)}${keptJournal}`));
  }
  const outcomes = runs.map((entry, index) => {
    const { interactions, errors } = outcomesOf(entry.run, entry.journal, entry.plan, entry.finished);
    const kept = index === 0 && keptJournal !== '' ? [`The server's metadata was not restored${keptJournal}`] : [];
    const unpublished = [...new Set(entry.publishRefusals)].map((refusal) => `results not published to the broker: ${refusal}`);
    const named = interactions.map((outcome): InteractionOutcome => ({ ...outcome, consumer: outcome.consumer ?? entry.consumers?.get(outcome.description), provider: entry.providerName }));
    const asBroker = (text: string): string => (entry.gateUrl === undefined || upstream === undefined ? text : text.split(entry.gateUrl).join(upstream));
    return { interactions: named, errors: [...errors, ...kept, ...unpublished].map(asBroker) };
  });
  const restoredFlags = runs.map((entry) => entry.finished.restored).filter((restored): restored is boolean => restored !== undefined);
  const report: VerificationReport = {
    provider: providers.join(', '),
    target: provider.kind,
    providerBaseUrl: baseUrl,
    pactSources: local?.pacts.map((pact) => pact.file) ?? [remote?.kind === 'pact-url' ? remote.pactUrl : (broker?.brokerUrl ?? '')],
    interactions: outcomes.flatMap((outcome) => outcome.interactions),
    errors: outcomes.flatMap((outcome) => outcome.errors),
    notices: runs.flatMap((entry) => entry.run.core?.notices ?? []),
    publishRequested: remote?.publishResults === true && runs.some((entry) => entry.run.core !== undefined),
    metadataRestored: restoredFlags.length === 0 ? undefined : restoredFlags.every((restored) => restored),
    failIfNoPactsFound: options.failIfNoPactsFound ?? true,
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
  /** Why the publish gate held results back. */
  publishRefusals: readonly string[];
  /** Broker pacts: the consumer of each interaction description, as the pacts fetched say. */
  consumers?: ReadonlyMap<string, string>;
  /** The loopback gate Pact talked to instead of the broker: named as the broker in messages. */
  gateUrl?: string;
}

/**
 * Whether the results of a run may be published, asked when Pact's core publishes (after every
 * interaction ran): not when the run was interrupted, nor when any interaction was not verifiable,
 * since the broker records one `success` per pact version and cannot say "partly verified"
 * (DECISIONS: verifier publishing).
 */
function publishRefusal(journal: RunJournal, signal: AbortSignal | undefined): string | undefined {
  if (signal?.aborted === true) {
    return 'the run was interrupted';
  }
  const notVerifiable = journal.entries.filter((entry) => entry.refused !== undefined || (!entry.carriesInvalidToken && entry.unarrangeable.length > 0)).length;
  return notVerifiable === 0
    ? undefined
    : `${notVerifiable} interaction(s) were not verifiable here, and the broker records one result per pact version: it would count them as verified or failed`;
}

/**
 * Before the first write to a real server: recovers from the journal of a run that did not finish
 * (putting that run's original back first), then reads the original, checks that it can be written
 * back, and journals it; the journal's path is told through `onNotice` before anything is written.
 */
async function prepareWrites(server: EndpointServer, options: VerifyPactsOptions): Promise<{ original: Metadata; writer: JournalWriter }> {
  const file = options.journalFile ?? defaultJournalFile(process.env, server);
  const recovered = await recoverFromJournal(file, server);
  if (recovered !== undefined) {
    options.onNotice?.(`found the journal ${file} of a run that did not finish: metadata of ${recovered.serverId} restored from it`);
  }
  throwIfAborted(options.signal);
  const journaled = await journalOriginal(file, server);
  options.onNotice?.(`the original metadata of ${server.serverId} is journaled in ${file} (ecs-metadata-verify --restore ${file} puts it back)`);
  return journaled;
}

/** What an interrupted run left: `metadata of S restored`, or why not. */
function interruptedState(provider: ProviderTarget, runs: readonly ProviderRun[], problems: readonly string[]): string {
  if (provider.kind !== 'endpoint' || provider.allowWrites !== true) {
    return 'nothing was written to the provider';
  }
  if (problems.length > 0) {
    return `metadata of ${provider.serverId} NOT restored: ${problems.join('; ')}`;
  }
  return runs.some((entry) => entry.finished.restored === true) ? `metadata of ${provider.serverId} restored` : `metadata of ${provider.serverId} unchanged`;
}

/** The part of a local plan that concerns one provider. */
function planFor(plan: LocalPlan, providerName: string): LocalPlan {
  return {
    pacts: plan.pacts.filter((pact) => pact.provider === providerName),
    planned: plan.planned.filter((item) => item.pact.provider === providerName),
  };
}

/** Whether the built-in arrangers cannot arrange `state` on this provider (with these flags). */
function unarrangeableOn(provider: ProviderTarget): (state: string) => boolean {
  if (provider.kind !== 'endpoint') {
    return () => false;
  }
  const noWrites = provider.allowWrites !== true;
  const lockable = provider.allowLock === true && !noWrites;
  return (state) => (ENDPOINT_UNARRANGEABLE_STATES.has(state) && !(lockable && state === STATE_LOCKED_SERVER)) || (noWrites && WRITE_STATES.has(state));
}

/** Reads the local pacts and decides, per interaction, whether it can be arranged here. */
async function planLocalPacts(
  source: LocalPactSource,
  provider: ProviderTarget,
  cwd: string,
  providers: readonly string[],
  userStates: UserStateHandlers | undefined,
): Promise<LocalPlan> {
  const dirs = source.pactDirs ?? [];
  const files = source.pactFiles ?? [];
  const pacts = await readLocalPacts(dirs.length === 0 && files.length === 0 ? [defaultPactDir(cwd)] : dirs, files, providers);
  const builtInUnarrangeable = unarrangeableOn(provider);
  const unarrangeableHere = (state: string): boolean => builtInUnarrangeable(state) && userStates?.[state] === undefined;
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
          if (!(journal.entries.at(-1)?.unarrangeable.includes(state) ?? true)) {
            journal.arranged({ state, projectId: ids.projectId, serverId: ids.serverId });
          }
          const values: Record<string, string> = { projectId: ids.projectId, serverId: ids.serverId };
          if (ids.key !== undefined) {
            values['key'] = ids.key; // fills `${key}` in an item path
          }
          return values;
        } catch (error) {
          const message = redact(`state "${state}" could not be arranged: ${messageOf(error)}`);
          journal.problem(message);
          // eslint-disable-next-line preserve-caught-error -- the cause may hold a credential; the message is redacted
          throw new Error(message);
        }
      },
      teardown: async () => {
        try {
          await arranger.teardown();
        } catch (error) {
          const message = redact(`state "${state}" could not be torn down: ${messageOf(error)}`);
          journal.problem(message);
          // eslint-disable-next-line preserve-caught-error -- the cause may hold a credential; the message is redacted
          throw new Error(message);
        }
        return undefined;
      },
    };
  }
  return handlers;
}

/** Environment variables Pact's core reads behind the options, set (or hidden) for one run. */
function pactEnvironment(source: PactSource, description: string | undefined): Record<string, string | undefined> {
  const remote = source.kind === 'local' ? undefined : source;
  return {
    PACT_DO_NOT_TRACK: 'true',
    ...(description === undefined ? {} : { PACT_DESCRIPTION: literalPattern(description) }),
    PACT_BROKER_PUBLISH_VERIFICATION_RESULTS: undefined,
    // Only a broker source may have the core add the broker as a source.
    ...(source.kind === 'broker' ? {} : { PACT_BROKER_BASE_URL: undefined }),
    // Exactly the options' credentials (none leaks in from the environment), handed over as
    // variables because Pact logs its options at trace.
    PACT_BROKER_TOKEN: remote?.brokerToken,
    PACT_BROKER_USERNAME: remote?.brokerUsername,
    PACT_BROKER_PASSWORD: remote?.brokerPassword,
  };
}

/**
 * The provider to verify a pact URL as: the pact's own, which must be one of `requested`. Publishing
 * needs the broker's `pb:publish-verification-results` link on it.
 *
 * @throws {ConfigError} for a pact of another provider, or publishing asked for a pact without the link.
 * @throws {BrokerError} when the pact cannot be fetched.
 */
async function providersOfPactUrl(source: PactUrlSource, requested: readonly ProviderName[], ask: BrokerAsk): Promise<ProviderName[]> {
  const pact = await fetchBrokerPact(source.pactUrl, ask);
  const provider = requested.find((name) => name === pact.provider);
  if (provider === undefined) {
    throw new ConfigError('source.pactUrl', `The pact at ${source.pactUrl} is for provider "${pact.provider}"; this run verifies ${requested.map((name) => `"${name}"`).join(' and ')}`);
  }
  if (source.publishResults === true && !pact.canPublish) {
    throw new ConfigError('source.publishResults', `The pact at ${source.pactUrl} has no "pb:publish-verification-results" link: results can be published only for a pact served by a Pact Broker`);
  }
  return [provider];
}

/** `url` (on the broker at its origin) as reached through the gate at `gateUrl`. */
function throughGate(url: string, gateUrl: string): string {
  const { pathname, search } = new URL(url);
  return `${gateUrl}${pathname}${search}`;
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
    const index = unclaimed.findIndex((outcome) => outcome.description === interaction.description && (outcome.consumer ?? pact.consumer) === pact.consumer);
    if (index < 0) {
      return { ...base, status: 'not-verifiable', reason: 'Pact did not run it (left out by --description, PACT_DESCRIPTION or PACT_PROVIDER_STATE?)', unarrangeableStates: [] };
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
