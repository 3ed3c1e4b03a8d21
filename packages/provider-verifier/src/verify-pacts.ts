import { AbortError, ConfigError, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, type Metadata, normalizeEndpoint } from '@ecs-metadata/core';
import { type RequestSigner, tokenAuth } from '@ecs-metadata/client';
import { DEFAULT_FIXTURE, DEMO_TOKEN, startMockProvider } from '@ecs-metadata/mock-provider';
import type { VerifierOptions } from '@pact-foundation/pact';
import { type BrokerAsk, brokerSecrets, checkBrokerIndex, fetchBrokerPact } from './internal/broker-check.js';
import { PROVIDER_NAME } from './internal/contract.js';
import type { KnownInteraction } from './internal/pact-files.js';
import { dropUndefined, type PactRun, pactEnvironment, pactStateHandlers, runPact, selectorsOf } from './internal/pact-run.js';
import { createRedactor, redactReport } from './internal/redact.js';
import { startBrokerGate } from './internal/broker-gate.js';
import { createRequestFilter } from './internal/request-filter.js';
import type { EndpointServer } from './internal/endpoint-metadata.js';
import { type JournalWriter, removeJournal } from '@ecs-metadata/client/journal';
import { defaultJournalFile, journalOriginal, recoverFromJournal } from './internal/metadata-journal.js';
import { outcomesOf } from './internal/result-correlation.js';
import { RunJournal } from './internal/run-journal.js';
import { type LocalPlan, materializeLocalPacts, planFor, planLocalPacts, unarrangeableOn } from './internal/run-plan.js';
import { createEndpointArranger, createMockArranger, type FinishResult, type StateArranger } from './internal/state-arrangers.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type PactUrlSource,
  type ProviderName,
  type ProviderTarget,
  validateVerifyOptions,
  type VerifyPactsOptions,
} from './options.js';
import type { InteractionOutcome, VerificationReport } from './report.js';
import { type StateHandlerTarget, withUserStateHandlers } from './state-handlers.js';

// The orchestration of a verification: what starts, in which order, and what is always undone.
// Planning (internal/run-plan.ts), Pact's side (internal/pact-run.ts), result correlation
// (internal/result-correlation.ts) and redaction (internal/redact.ts) each have their own module.

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
      const server = {
        baseUrl,
        signer,
        projectId: provider.projectId,
        serverId: provider.serverId,
        timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      };
      let original: Metadata | undefined;
      if (provider.allowWrites === true) {
        ({ original, writer: crashJournal } = await prepareWrites(server, options));
      }
      const allowLock = provider.allowLock === true;
      handlerTarget = { baseUrl, projectId: provider.projectId, serverId: provider.serverId };
      newArranger = (journal) =>
        createEndpointArranger(server, {
          allowWrites: provider.allowWrites === true,
          journal,
          signal: options.signal,
          original,
          allowLock,
          crashJournal,
        });
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
          : withUserStateHandlers(
              builtIn,
              options.stateHandlers,
              handlerTarget,
              (state) => builtIn.setups.has(state) && !builtInUnarrangeable(state),
            );
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
            current.fetched = gate.interactions;
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
            requestFilter: createRequestFilter(
              { baseUrl, signer },
              journal,
              new Set(arranger.setups.keys()),
              writePolicy,
              options.signal,
              options.providerHeaders,
            ),
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
    const known =
      entry.plan?.planned.map(({ pact, interaction }): KnownInteraction => ({ ...interaction, consumer: pact.consumer })) ??
      entry.fetched ??
      [];
    const { interactions, errors } = outcomesOf(entry.run, entry.journal, entry.plan, entry.finished, known);
    const kept = index === 0 && keptJournal !== '' ? [`The server's metadata was not restored${keptJournal}`] : [];
    const unpublished = [...new Set(entry.publishRefusals)].map((refusal) => `results not published to the broker: ${refusal}`);
    const named = interactions.map((outcome): InteractionOutcome => ({
      ...outcome,
      consumer: outcome.consumer ?? entry.fetched?.find((known) => known.description === outcome.description)?.consumer,
      provider: entry.providerName,
    }));
    const asBroker = (text: string): string =>
      entry.gateUrl === undefined || upstream === undefined ? text : text.split(entry.gateUrl).join(upstream);
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
  /** Broker pacts: their interactions as fetched through the gate, with their consumers (Pact names one only on failure). */
  fetched?: readonly KnownInteraction[];
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
  const notVerifiable = journal.entries.filter(
    (entry) => entry.refused !== undefined || (!entry.carriesInvalidToken && entry.unarrangeable.length > 0),
  ).length;
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

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) {
    throw new AbortError('verification interrupted before it started');
  }
}
