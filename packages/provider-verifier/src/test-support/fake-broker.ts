import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BrokerModel } from './broker-model.js';
import { brokerRoutes, route } from './broker-routes.js';

/** One call the fake broker received. */
export interface BrokerCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The JSON body, parsed; the raw text when it is not JSON; `undefined` for none. */
  readonly body: unknown;
}

/** The credentials the fake broker demands; none: it answers anyone. */
export type FakeBrokerAuth = { readonly token: string } | { readonly username: string; readonly password: string };

/** A pact published before the test starts, as `pact-broker publish` would. */
export interface SeededPact {
  /** A parsed pact file. */
  readonly pact: Record<string, unknown>;
  /** The consumer version; default `c0ffee1`. */
  readonly version?: string;
  /** Its branch; default `main` (which becomes the consumer's main branch). */
  readonly branch?: string;
}

/** Options of {@link startFakeBroker}. */
export interface FakeBrokerOptions {
  /** Pacts published before the broker answers. */
  readonly seed?: readonly SeededPact[];
  /** Demand a bearer token or basic auth, as a broker behind auth does (401 without it). */
  readonly auth?: FakeBrokerAuth;
}

/** A running fake broker. */
export interface FakeBroker {
  readonly url: string;
  /** Every call, in order, for tests to assert on. */
  readonly calls: BrokerCall[];
  /** Its state: published pacts, verification results, environments, deployments. */
  readonly model: BrokerModel;
  close(): Promise<void>;
}

/**
 * An in-memory Pact Broker speaking the real one's HAL JSON API on `127.0.0.1`, port 0, well enough
 * for the official `pact-broker` CLI (`@pact-foundation/pact-cli`) and Pact's verifier to run a whole
 * pipeline against it (PACT-GUIDE "Broker"): publish, pacts for verification (selectors, pending, WIP),
 * verification results, the matrix behind can-i-deploy, environments, deployments,
 * describe-pacticipant. The rules live in {@link BrokerModel}, the routes in `broker-routes.ts`, the
 * documents in `broker-hal.ts`; this is the server: credentials, recording. Every call is
 * recorded.
 */
export async function startFakeBroker(options: FakeBrokerOptions = {}): Promise<FakeBroker> {
  const model = new BrokerModel();
  for (const seeded of options.seed ?? []) {
    const consumer = (seeded.pact['consumer'] as { name: string }).name;
    const provider = (seeded.pact['provider'] as { name: string }).name;
    const content = Buffer.from(JSON.stringify(seeded.pact)).toString('base64');
    model.publish(consumer, seeded.version ?? 'c0ffee1', seeded.branch ?? 'main', undefined, [{ consumerName: consumer, providerName: provider, content }]);
  }
  const calls: BrokerCall[] = [];
  let base = '';
  const routes = brokerRoutes(model, () => base);

  const server = createServer((req, res) => {
    readBody(req).then((text) => {
      const url = new URL(req.url ?? '/', 'http://broker');
      const method = req.method ?? 'GET';
      const body = parseBody(text);
      calls.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body });
      if (!authorized(options.auth, req.headers.authorization)) {
        // What a broker behind basic auth or a bearer token answers (no JSON body).
        res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': options.auth !== undefined && 'token' in options.auth ? 'Bearer' : 'Basic realm="Pact Broker"' });
        res.end('Unauthorized');
        return;
      }
      const reply = route(routes, method, url, body);
      res.writeHead(reply.status, { 'Content-Type': 'application/hal+json;charset=utf-8' });
      res.end(JSON.stringify(reply.body));
    }, () => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    model,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
function authorized(auth: FakeBrokerAuth | undefined, header: string | undefined): boolean {
  if (auth === undefined) {
    return true;
  }
  const expected = 'token' in auth ? `Bearer ${auth.token}` : `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return header === expected;
}
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}

function parseBody(text: string): unknown {
  if (text === '') {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
