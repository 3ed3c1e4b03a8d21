/** A provider state the verifier arranged, and the project and server it arranged it on. */
export interface ArrangedState {
  readonly state: string;
  readonly projectId: string;
  readonly serverId: string;
}

/** What happened around one interaction: its state set-ups, and the request they prepared. */
export interface JournalEntry {
  /** Provider states set up for this interaction, in order. */
  readonly states: string[];
  /** The params Pact sent with each set-up, in the order of `states` (`{}` when none). */
  readonly stateParams: unknown[];
  /** Problems arranging the states (handler errors, missing handlers): the interaction fails. */
  readonly problems: string[];
  /** States that could not be arranged on this provider (no writes allowed): not verifiable. */
  readonly unarrangeable: string[];
  /** States the verifier arranged itself in this run, each with the ids it handed to Pact. */
  readonly arranged: ArrangedState[];
  /** Why the verifier kept the interaction's request from the provider (see `write-guard.ts`). */
  refused: string | undefined;
  requestSeen: boolean;
  carriesInvalidToken: boolean;
  /** The request's method and path (no query), as it reached the verifier; with the states, what identifies the interaction. */
  method: string | undefined;
  path: string | undefined;
}

/**
 * Follows a verification as Pact runs it, one interaction after the other: `POST /_pactSetup`
 * for each state, the request, then the teardowns. Pact only logs a state handler's error and
 * sends the request anyway (PACT-GUIDE "Provider-verifier"), so the journal records each problem
 * against the interaction it belongs to. Pact's report names interactions, not set-ups: each entry
 * keeps its states (with params) and its request line so that `result-correlation.ts` can tell
 * which interaction it was, whatever order the report lists them in.
 */
export class RunJournal {
  readonly entries: JournalEntry[] = [];
  /** Problems that belong to no interaction (e.g. a teardown before any request). */
  readonly orphanProblems: string[] = [];

  /** A state set-up call arrived (seen by the request filter, before the handler runs). */
  stateSetup(state: string, params: unknown = {}): void {
    const entry = this.#open();
    entry.states.push(state);
    entry.stateParams.push(params);
  }

  /** The interaction's request arrived: whether it carries the invalid token, its method and path. */
  request(carriesInvalidToken: boolean, method?: string, path?: string): void {
    const entry = this.#open();
    entry.requestSeen = true;
    entry.carriesInvalidToken = carriesInvalidToken;
    entry.method = method?.toUpperCase();
    entry.path = path?.split('?')[0];
  }

  /** A state could not be arranged correctly; the interaction in progress fails. */
  problem(message: string): void {
    const entry = this.entries.at(-1);
    if (entry === undefined) {
      this.orphanProblems.push(message);
    } else {
      entry.problems.push(message);
    }
  }

  /** A state cannot be arranged on this provider; the interaction in progress is not verifiable. */
  unarrangeable(state: string): void {
    const entry = this.entries.at(-1);
    if (entry !== undefined && !entry.unarrangeable.includes(state)) {
      entry.unarrangeable.push(state);
    }
  }

  /** The verifier arranged `state` for the interaction in progress, on this project and server. */
  arranged(arranged: ArrangedState): void {
    this.entries.at(-1)?.arranged.push(arranged);
  }

  /** The interaction's request was kept from the provider; it is reported not verifiable with `reason`. */
  refuse(reason: string): void {
    const entry = this.entries.at(-1);
    if (entry !== undefined) {
      entry.refused ??= reason;
    }
  }

  /** The entry being prepared: the last one, unless its request was already sent. */
  #open(): JournalEntry {
    const last = this.entries.at(-1);
    if (last !== undefined && !last.requestSeen) {
      return last;
    }
    const entry: JournalEntry = {
      states: [],
      stateParams: [],
      problems: [],
      unarrangeable: [],
      arranged: [],
      refused: undefined,
      requestSeen: false,
      carriesInvalidToken: false,
      method: undefined,
      path: undefined,
    };
    this.entries.push(entry);
    return entry;
  }
}
