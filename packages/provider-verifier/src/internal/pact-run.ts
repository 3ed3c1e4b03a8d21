import type { VerifierOptions } from '@pact-foundation/pact';
import { type BrokerPactSource, DEFAULT_CONSUMER_VERSION_SELECTORS, literalPattern, type PactSource } from '../options.js';
import { type CoreRunResult, parseCoreResult } from './pact-result.js';
import { messageOf, type Redactor } from './redact.js';
import type { RunJournal } from './run-journal.js';
import type { StateArranger } from './state-arrangers.js';
import { isRecord } from './is-record.js';

// Pact's side of a run: its verifier options and their quirks, the environment its native core
// reads behind the options, its state-handler interface, and running it. Changes when Pact does.

/** Pact's HTTP state handlers: a setup and a teardown per provider state. */
type StateHandlers = NonNullable<VerifierOptions['stateHandlers']>;

/** What Pact's run gave back. */
export interface PactRun {
  readonly core?: CoreRunResult;
  readonly error?: string;
  readonly aborted?: boolean;
}

/** Pact's state handlers: each records its error against the interaction, then lets Pact log it. */
export function pactStateHandlers(arranger: StateArranger, journal: RunJournal, redact: Redactor): StateHandlers {
  const handlers: StateHandlers = {};
  for (const [state, setup] of arranger.setups) {
    handlers[state] = {
      setup: async (params: unknown) => {
        try {
          const ids = await setup(isRecord(params) ? params : {});
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
export function pactEnvironment(source: PactSource, description: string | undefined): Record<string, string | undefined> {
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

/** Runs Pact's verifier; its JSON result (resolved, or as the rejection's message) parsed. */
export async function runPact(
  verifierOptions: VerifierOptions,
  environment: Record<string, string | undefined>,
  signal: AbortSignal | undefined,
): Promise<PactRun> {
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

export function selectorsOf(broker: BrokerPactSource): VerifierOptions['consumerVersionSelectors'] {
  const selectors = broker.consumerVersionSelectors ?? DEFAULT_CONSUMER_VERSION_SELECTORS;
  return selectors.map((selector) => ({ ...selector })) as VerifierOptions['consumerVersionSelectors'];
}

/** Pact refuses some keys when present but `undefined` (`timeout: undefined` throws). */
export function dropUndefined<T extends object>(value: T): T {
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
