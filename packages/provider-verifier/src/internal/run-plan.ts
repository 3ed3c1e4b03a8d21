import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalPactSource, ProviderTarget } from '../options.js';
import type { UserStateHandlers } from '../state-handlers.js';
import { ENDPOINT_UNARRANGEABLE_STATES, STATE_LOCKED_SERVER, WRITE_STATES } from './contract.js';
import { defaultPactDir, type LocalPact, type PactInteraction, readLocalPacts, writeFilteredPact } from './pact-files.js';

// Planning a verification of local pacts: which interactions can be arranged on this provider,
// and the pact files Pact is given (a filtered copy when some cannot). Changes when the states a
// provider can arrange change, or how pacts are read.

/** One interaction of a local pact, and the states that keep it from running here. */
export interface PlannedInteraction {
  readonly pact: LocalPact;
  readonly interaction: PactInteraction;
  readonly unarrangeable: readonly string[];
}

/** Local pacts read and classified before anything starts. */
export interface LocalPlan {
  readonly pacts: readonly LocalPact[];
  readonly planned: readonly PlannedInteraction[];
}

/** The part of a local plan that concerns one provider. */
export function planFor(plan: LocalPlan, providerName: string): LocalPlan {
  return {
    pacts: plan.pacts.filter((pact) => pact.provider === providerName),
    planned: plan.planned.filter((item) => item.pact.provider === providerName),
  };
}

/** Whether the built-in arrangers cannot arrange `state` on this provider (with these flags). */
export function unarrangeableOn(provider: ProviderTarget): (state: string) => boolean {
  if (provider.kind !== 'endpoint') {
    return () => false;
  }
  const noWrites = provider.allowWrites !== true;
  const lockable = provider.allowLock === true && !noWrites;
  return (state) =>
    (ENDPOINT_UNARRANGEABLE_STATES.has(state) && !(lockable && state === STATE_LOCKED_SERVER)) || (noWrites && WRITE_STATES.has(state));
}

/** Reads the local pacts and decides, per interaction, whether it can be arranged here. */
export async function planLocalPacts(
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
export async function materializeLocalPacts(plan: LocalPlan, cleanups: (() => Promise<void>)[]): Promise<string[]> {
  let dir: string | undefined;
  const urls: string[] = [];
  for (const [index, pact] of plan.pacts.entries()) {
    const runnable = new Set(
      plan.planned.filter((item) => item.pact === pact && item.unarrangeable.length === 0).map((item) => item.interaction),
    );
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
