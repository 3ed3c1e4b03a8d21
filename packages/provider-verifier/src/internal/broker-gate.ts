import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { interactionOf, type KnownInteraction } from './pact-files.js';
import { isRecord } from './is-record.js';

/** A running gate: Pact's core talks to `url` instead of the broker. */
export interface BrokerGate {
  /** The loopback URL handed to Pact as the broker's. */
  readonly url: string;
  /** Why each verification result was held back (empty when none was, or none was sent). */
  readonly refusals: readonly string[];
  /** Every interaction of the pacts fetched through the gate, with its consumer. */
  readonly interactions: readonly KnownInteraction[];
  close(): Promise<void>;
}

/** Verification results are POSTed to `.../verification-results` (the `pb:publish-verification-results` relation). */
const VERIFICATION_RESULTS = /\/verification-results\/?(?:\?|$)/u;

/** Answers bigger than this are not the broker's JSON. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * A loopback proxy in front of the Pact Broker: everything passes through
 * to `brokerUrl` unchanged, except that the broker's own URL in its answers (the HAL links) is
 * rewritten to the gate's, so Pact's core comes back here to publish, and that a verification
 * result is forwarded only when `mayPublish()` (asked at that moment, after every interaction ran)
 * returns `undefined`; otherwise the gate answers 403 itself and records the reason. Pact's core
 * offers no hook between verifying and publishing, so this is where the verifier decides.
 *
 * It also notes every interaction of the pacts it passes on, with its consumer ({@link BrokerGate.interactions}).
 * A link to another origin than `brokerUrl`'s is not rewritten (a broker does not link elsewhere).
 */
export async function startBrokerGate(brokerUrl: string, mayPublish: () => string | undefined = () => undefined): Promise<BrokerGate> {
  const upstream = brokerUrl.replace(/\/+$/u, '');
  const refusals: string[] = [];
  const interactions: KnownInteraction[] = [];
  // Pact's core names the consumer of an interaction only when it fails: the pacts fetched say it,
  // and what each interaction's set-ups and request look like (result-correlation.ts).
  const notePact = (text: string): void => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const consumer = isRecord(json) && isRecord(json['consumer']) ? json['consumer']['name'] : undefined;
    if (!isRecord(json) || typeof consumer !== 'string' || !Array.isArray(json['interactions'])) {
      return;
    }
    for (const value of json['interactions']) {
      const interaction = interactionOf(value);
      if (interaction !== undefined) {
        interactions.push({ ...interaction, consumer });
      }
    }
  };
  let self = '';
  const server = createServer((req, res) => {
    // An unreachable broker looks unreachable through the gate too: the connection is cut (a 502
    // would make Pact's core retry with back-off, where a refused connection fails at once).
    void forward(req, res).catch(() => res.destroy());
  });

  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = req.url ?? '/';
    if ((req.method ?? 'GET').toUpperCase() === 'POST' && VERIFICATION_RESULTS.test(path)) {
      const refusal = mayPublish();
      if (refusal !== undefined) {
        refusals.push(refusal);
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: `ecs-metadata-verify did not publish this result: ${refusal}` }));
        return;
      }
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !['host', 'connection', 'content-length', 'accept-encoding'].includes(name)) {
        headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
    }
    const response = await fetch(`${upstream}${path}`, {
      method: req.method ?? 'GET',
      headers,
      body: body.length > 0 ? new Uint8Array(body) : undefined,
      redirect: 'manual',
    });
    const text = (await response.text()).split(upstream).join(self);
    notePact(text);
    const out: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) {
        out[name] = name === 'location' ? value.split(upstream).join(self) : value;
      }
    });
    res.writeHead(response.status, out);
    res.end(text);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  self = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: self,
    refusals,
    interactions,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT_BYTES) {
      throw new Error('request body too large');
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
