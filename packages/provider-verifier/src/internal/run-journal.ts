/** What happened around one interaction: its state set-ups, and the request they prepared. */
export interface JournalEntry {
  /** Provider states set up for this interaction, in order. */
  readonly states: string[];
  /** Problems arranging the states (handler errors, missing handlers): the interaction fails. */
  readonly problems: string[];
  /** States that could not be arranged on this provider (no writes allowed): not verifiable. */
  readonly unarrangeable: string[];
  requestSeen: boolean;
  carriesInvalidToken: boolean;
}

/**
 * Follows a verification as Pact runs it, one interaction after the other: `POST /_pactSetup`
 * for each state, the request, then the teardowns. Pact only logs a state handler's error and
 * sends the request anyway (PACT-GUIDE "Provider-verifier"), so the journal records each problem
 * against the interaction it belongs to; entry `n` is the `n`-th interaction Pact reports.
 */
export class RunJournal {
  readonly entries: JournalEntry[] = [];
  /** Problems that belong to no interaction (e.g. a teardown before any request). */
  readonly orphanProblems: string[] = [];

  /** A state set-up call arrived (seen by the request filter, before the handler runs). */
  stateSetup(state: string): void {
    this.#open().states.push(state);
  }

  /** The interaction's request arrived. */
  request(carriesInvalidToken: boolean): void {
    const entry = this.#open();
    entry.requestSeen = true;
    entry.carriesInvalidToken = carriesInvalidToken;
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

  /** The entry being prepared: the last one, unless its request was already sent. */
  #open(): JournalEntry {
    const last = this.entries.at(-1);
    if (last !== undefined && !last.requestSeen) {
      return last;
    }
    const entry: JournalEntry = { states: [], problems: [], unarrangeable: [], requestSeen: false, carriesInvalidToken: false };
    this.entries.push(entry);
    return entry;
  }
}
