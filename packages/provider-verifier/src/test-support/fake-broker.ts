import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call the fake broker received. */
export interface BrokerCall {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  /** The JSON body, parsed; `undefined` for none. */
  readonly body: unknown;
}

/** Options of {@link startFakeBroker}. */
export interface FakeBrokerOptions {
  /** The pact served for verification (a parsed pact file); `_id`s are added to its interactions. */
  readonly pact: Record<string, unknown>;
  /** Whether the broker marks the pact pending (when the verifier asked for pending status). */
  readonly pending?: boolean;
}

/** A running fake broker. */
export interface FakeBroker {
  readonly url: string;
  readonly calls: BrokerCall[];
  close(): Promise<void>;
}

const PACT_VERSION = '5d3a1f0c9b2e';

/**
 * An in-memory Pact Broker speaking HAL JSON on `127.0.0.1`, port 0: enough for Pact's core to
 * fetch pacts for verification and publish results (PACT-GUIDE "Broker"). Every call is
 * recorded for the test to assert on.
 *
 * - `GET /` → the index with `pb:provider-pacts-for-verification` (templated)
 * - `GET`/`POST /pacts/provider/{p}/for-verification` → the pacts selected, with pending status
 * - `GET /pacts/provider/{p}/consumer/{c}/pact-version/{v}` → the pact, `_id` on each interaction,
 *   `pb:provider` and `pb:publish-verification-results` links
 * - `GET /pacticipants/{p}` → `pb:branch-version` and `pb:version-tag` (templated)
 * - `PUT /pacticipants/{p}/branches/{b}/versions/{v}`, `PUT .../versions/{v}/tags/{t}`
 * - `POST .../pact-version/{v}/verification-results`
 */
export async function startFakeBroker(options: FakeBrokerOptions): Promise<FakeBroker> {
  const calls: BrokerCall[] = [];
  const provider = (options.pact['provider'] as { name: string }).name;
  const consumer = (options.pact['consumer'] as { name: string }).name;
  const interactions = (options.pact['interactions'] as Record<string, unknown>[]).map((interaction, index) => ({ ...interaction, _id: `interaction-${index}` }));
  let base = '';
  const pactPath = `/pacts/provider/${encodeURIComponent(provider)}/consumer/${encodeURIComponent(consumer)}/pact-version/${PACT_VERSION}`;
  const forVerificationPath = `/pacts/provider/${encodeURIComponent(provider)}/for-verification`;
  const pacticipantPath = `/pacticipants/${encodeURIComponent(provider)}`;

  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = text;
      }
      const authorization = req.headers.authorization;
      calls.push({ method, path, authorization, body });
      if (method === 'GET' && path === '/') {
        return hal(res, 200, {
          _links: {
            self: { href: base },
            'pb:provider-pacts-for-verification': { href: `${base}/pacts/provider/{provider}/for-verification`, templated: true },
          },
        });
      }
      if (path === forVerificationPath && method === 'GET') {
        return hal(res, 200, { _links: { self: { href: `${base}${forVerificationPath}` } } });
      }
      if (path === forVerificationPath && method === 'POST') {
        const wantsPending = (body as { includePendingStatus?: unknown } | undefined)?.includePendingStatus === true;
        const pending = wantsPending && options.pending === true;
        return hal(res, 200, {
          _embedded: {
            pacts: [
              {
                shortDescription: 'latest from the main branch',
                verificationProperties: {
                  pending,
                  notices: [{ when: 'before_verification', text: `The pact at ${base}${pactPath} is being verified because it matches the given selectors` }],
                },
                _links: { self: { href: `${base}${pactPath}`, name: `Pact between ${consumer} and ${provider}` } },
              },
            ],
          },
          _links: { self: { href: `${base}${forVerificationPath}` } },
        });
      }
      if (path === pactPath && method === 'GET') {
        return hal(res, 200, {
          ...options.pact,
          interactions,
          _links: {
            self: { href: `${base}${pactPath}` },
            'pb:provider': { href: `${base}${pacticipantPath}` },
            'pb:publish-verification-results': { href: `${base}${pactPath}/verification-results` },
          },
        });
      }
      if (path === pacticipantPath && method === 'GET') {
        return hal(res, 200, {
          name: provider,
          _links: {
            self: { href: `${base}${pacticipantPath}` },
            'pb:branch-version': { href: `${base}${pacticipantPath}/branches/{branch}/versions/{version}`, templated: true },
            'pb:version-tag': { href: `${base}${pacticipantPath}/versions/{version}/tags/{tag}`, templated: true },
          },
        });
      }
      if (method === 'PUT' && path.startsWith(`${pacticipantPath}/`)) {
        return hal(res, 200, { _links: { self: { href: `${base}${path}` } } });
      }
      if (method === 'POST' && path === `${pactPath}/verification-results`) {
        return hal(res, 201, { ...(body as object), _links: { self: { href: `${base}${path}/1` } } });
      }
      return hal(res, 404, { error: `no route for ${method} ${path}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function hal(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/hal+json' });
  res.end(JSON.stringify(body));
}
