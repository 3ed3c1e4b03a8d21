import type { RequestSigner } from '@ecs-metadata/client';
import { AUTH_TOKEN_HEADER, INVALID_TOKEN } from './contract.js';
import { authenticationHeaders } from './provider-auth.js';
import type { RunJournal } from './run-journal.js';
import { refusalOf, type WritePolicy } from './write-guard.js';

/** The connection a request came on. */
export interface FilterSocket {
  destroy(): void;
  once(event: 'close', listener: () => void): unknown;
}

/** The parts of Pact's (express) request that the filter reads and changes. */
export interface FilterRequest {
  readonly method?: string;
  readonly path?: string;
  /** The request target as received (path and query, or whatever the pact put there). */
  readonly originalUrl?: string;
  readonly url?: string;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body?: unknown;
  readonly socket?: FilterSocket;
}

/** The parts of Pact's (express) response the filter answers a refused request with. */
export interface FilterResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  end(body: string): unknown;
}

/** Pact's request filter: express middleware. */
export type RequestFilter = (req: FilterRequest, res: FilterResponse, next: (error?: unknown) => void) => void;

/** Where Pact's proxy forwards to, and the credential it signs with. */
export interface SigningTarget {
  /** The provider's base URL, normalized (no trailing slash). */
  readonly baseUrl: string;
  readonly signer: RequestSigner;
}

/**
 * The body Pact's proxy forwards (its `parseBody`): the raw bytes, or the JSON its body parser read,
 * serialized again; none when empty.
 */
function forwardedBody(body: unknown): string | undefined {
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : typeof body === 'object' && body !== null ? JSON.stringify(body) : '';
  return text === '' ? undefined : text;
}

/** A provider-state set-up call's state and params (Pact's body `{action: "setup", state, params}`); `undefined` for anything else. */
function stateSetupOf(body: unknown): { state: string; params: unknown } | undefined {
  if (typeof body !== 'object' || body === null || !('action' in body) || body.action !== 'setup' || !('state' in body)) {
    return undefined;
  }
  const { state } = body;
  return typeof state === 'string' && state !== '' ? { state, params: 'params' in body ? (body.params ?? {}) : {} } : undefined;
}

/** Where Pact's proxy takes provider-state calls (`Verifier.stateSetupPath`). */
export const STATE_SETUP_PATH = '/_pactSetup';

/**
 * The status the verifier answers a refused request with itself (nothing reaches the provider).
 * The interaction is reported not verifiable whatever Pact makes of it.
 */
export const REFUSED_STATUS = 412;

/**
 * The request filter of a run (PACT-GUIDE "Provider-verifier"): signs every request with the run's
 * credential (a token, or an AK/SK signature of the request as Pact's proxy forwards it: method,
 * URL, `Host`, `Content-Type`, `X-Project-Id`, body) except one carrying the literal {@link INVALID_TOKEN} (and `extraHeaders` into
 * every request it forwards), so the 401 interaction
 * keeps it (`customProviderHeaders` would overwrite it), and tells the journal about each state
 * set-up and request. State set-up calls (`/_pactSetup`) pass through untouched.
 *
 * It is the last point before the wire: Pact's proxy forwards to the provider only what this
 * filter passes on with `next()`. A request {@link refusalOf} refuses (a write not arranged by the
 * verifier, a write to another server, a target that is not a path) is answered here with
 * {@link REFUSED_STATUS} and never forwarded; the journal records why. Every other request is
 * passed on with `next()` exactly once, whatever happens.
 *
 * The one exception is an abort (`signal`): Pact's native run cannot be cancelled, and the
 * process cannot exit while it runs, so the filter then cuts every connection Pact has open to
 * its proxy and every new one. Each remaining interaction fails at once, and the run ends.
 */
export function createRequestFilter(
  target: SigningTarget,
  journal: RunJournal,
  knownStates: ReadonlySet<string>,
  policy: WritePolicy,
  signal?: AbortSignal,
  extraHeaders: Readonly<Record<string, string>> = {},
): RequestFilter {
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
  return (req, res, next) => {
    if (signal?.aborted === true && req.socket !== undefined) {
      req.socket.destroy();
      return;
    }
    const socket = req.socket;
    if (socket !== undefined && !sockets.has(socket)) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    const refuse = (reason: string): void => {
      res.writeHead(REFUSED_STATUS, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ notSentByEcsMetadataVerify: reason }));
    };
    let refusal: string | undefined;
    let sign = false;
    try {
      const path = req.path ?? req.url ?? '';
      if (path === STATE_SETUP_PATH || path.startsWith(`${STATE_SETUP_PATH}?`)) {
        const setup = stateSetupOf(req.body);
        if (setup !== undefined) {
          journal.stateSetup(setup.state, setup.params);
          if (!knownStates.has(setup.state)) {
            journal.problem(`no state handler for provider state "${setup.state}"`);
          }
        }
        return;
      }
      const carriesInvalidToken = req.headers[header] === INVALID_TOKEN;
      journal.request(carriesInvalidToken, req.method, req.originalUrl ?? req.url ?? path);
      refusal = refusalOf({ method: req.method ?? 'GET', url: req.originalUrl ?? req.url ?? path }, journal.entries.at(-1), policy);
      if (refusal !== undefined) {
        journal.refuse(refusal);
      } else {
        for (const [name, value] of Object.entries(extraHeaders)) {
          req.headers[name.toLowerCase()] = value;
        }
        sign = !carriesInvalidToken;
        if (sign) {
          // The pact's example token is never forwarded: the run's credential replaces it.
          delete req.headers[header];
        }
      }
    } catch (error) {
      refusal = `request filter failed: ${error instanceof Error ? error.message : String(error)}`;
      journal.problem(refusal);
    } finally {
      if (refusal !== undefined) {
        refuse(refusal);
      } else if (!sign) {
        next();
      }
    }
    if (refusal === undefined && sign) {
      // Signed as Pact's proxy will forward it: the provider's URL, the headers, the body Pact re-sends.
      const request = {
        method: req.method ?? 'GET',
        url: `${target.baseUrl}${req.originalUrl ?? req.url ?? ''}`,
        headers: req.headers,
        body: forwardedBody(req.body),
      };
      authenticationHeaders(target.signer, request, signal).then(
        (added) => {
          for (const [name, value] of Object.entries(added)) {
            req.headers[name.toLowerCase()] = value;
          }
          next();
        },
        (error: unknown) => {
          const reason = `the request could not be authenticated: ${error instanceof Error ? error.message : String(error)}`;
          journal.problem(reason);
          refuse(reason);
        },
      );
    }
  };
}
