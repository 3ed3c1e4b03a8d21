import { AUTH_TOKEN_HEADER, INVALID_TOKEN } from './contract.js';
import type { RunJournal } from './run-journal.js';

/** The connection a request came on. */
export interface FilterSocket {
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** The parts of Pact's (express) request that the filter reads and changes. */
export interface FilterRequest {
  readonly method?: string;
  readonly path?: string;
  /** Rewritten for a write whose state was not arranged (see {@link NOT_ARRANGED_PATH}). */
  url?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: unknown;
  readonly socket?: FilterSocket;
}

/** Pact's request filter: express middleware. */
export type RequestFilter = (req: FilterRequest, res: unknown, next: (error?: unknown) => void) => void;

/** Where Pact's proxy takes provider-state calls (`Verifier.stateSetupPath`). */
export const STATE_SETUP_PATH = '/_pactSetup';

/**
 * Where a write (POST, PUT, DELETE, ...) whose provider state could not be arranged is sent instead of
 * its own path: no API has this path, so the provider answers 404 and changes nothing. Otherwise a
 * broker pact's merge, run against a real server without `--allow-writes` (or against a server that
 * could not be locked), would change real metadata that nobody restores.
 */
export const NOT_ARRANGED_PATH = '/_ecs-metadata-verify/state-not-arranged';

const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The request filter of a run (PACT-GUIDE "Provider-verifier"): puts the real credential into
 * every request except one carrying the literal {@link INVALID_TOKEN}, so the 401 interaction
 * keeps it (`customProviderHeaders` would overwrite it), and tells the journal about each state
 * set-up and request. State set-up calls (`/_pactSetup`) pass through untouched. A write whose
 * state could not be arranged goes to {@link NOT_ARRANGED_PATH} instead of the API. Calls `next()`
 * exactly once for every request, whatever happens.
 *
 * The one exception is an abort (`signal`): Pact's native run cannot be cancelled, and the
 * process cannot exit while it runs, so the filter then cuts every connection Pact has open to
 * its proxy and every new one. Each remaining interaction fails at once, and the run ends.
 */
export function createRequestFilter(token: string, journal: RunJournal, knownStates: ReadonlySet<string>, signal?: AbortSignal): RequestFilter {
  const header = AUTH_TOKEN_HEADER.toLowerCase();
  const sockets = new Set<FilterSocket>();
  signal?.addEventListener(
    'abort',
    () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      sockets.clear();
    },
    { once: true },
  );
  return (req, _res, next) => {
    if (signal?.aborted === true && req.socket !== undefined) {
      req.socket.destroy();
      return;
    }
    const socket = req.socket;
    if (socket !== undefined && !sockets.has(socket)) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    try {
      const path = req.path ?? req.url ?? '';
      if (path === STATE_SETUP_PATH || path.startsWith(`${STATE_SETUP_PATH}?`)) {
        const body = req.body as { action?: unknown; state?: unknown } | undefined;
        if (body?.action === 'setup' && typeof body.state === 'string' && body.state !== '') {
          journal.stateSetup(body.state);
          if (!knownStates.has(body.state)) {
            journal.problem(`no state handler for provider state "${body.state}"`);
          }
        }
        return;
      }
      const carriesInvalidToken = req.headers[header] === INVALID_TOKEN;
      journal.request(carriesInvalidToken);
      if (!carriesInvalidToken) {
        req.headers[header] = token;
        // The interaction is reported as not verifiable anyway; its write must not reach the server.
        const unarrangeable = journal.entries.at(-1)?.unarrangeable ?? [];
        if (unarrangeable.length > 0 && !READ_METHODS.has((req.method ?? 'GET').toUpperCase())) {
          req.url = NOT_ARRANGED_PATH;
        }
      }
    } catch (error) {
      journal.problem(`request filter failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      next();
    }
  };
}
