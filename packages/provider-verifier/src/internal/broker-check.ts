import { BrokerError } from '../broker-error.js';
import { isRecord } from './is-record.js';
import { nameOf } from './pact-files.js';

/** How the verifier authenticates to a broker: a bearer token, basic auth, or nothing. */
export interface BrokerAuth {
  readonly brokerToken?: string | undefined;
  readonly brokerUsername?: string | undefined;
  readonly brokerPassword?: string | undefined;
}

/** How to ask a broker: credentials, how long, and the redactor for what a broker echoes back. */
export interface BrokerAsk extends BrokerAuth {
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
  readonly redact: (text: string) => string;
}

/** What the verifier needs to know of a pact fetched by URL before verifying it. */
export interface FetchedPact {
  readonly consumer: string;
  readonly provider: string;
  /** The broker gave the pact a `pb:publish-verification-results` link: results can be published. */
  readonly canPublish: boolean;
}

/** A broker index or a pact is small; anything larger is not what we asked for. */
const MAX_BODY_CHARS = 16 * 1024 * 1024;
/** How much of a wrong answer the message quotes. */
const EXCERPT_CHARS = 80;

/**
 * Asks the broker's index (`GET /`) before Pact does, so that a broker that is down, refuses the
 * credentials or is not a Pact Broker is one clear error naming the URL, before anything is sent
 * to the provider; Pact's own message for all three is "No pacts found".
 *
 * @throws {BrokerError} naming the URL and the problem.
 */
export async function checkBrokerIndex(brokerUrl: string, ask: BrokerAsk): Promise<void> {
  const index = await getHalDocument(brokerUrl, ask, 'the Pact Broker');
  const links = index['_links'];
  const relation = isRecord(links) ? (links['pb:provider-pacts-for-verification'] ?? links['beta:provider-pacts-for-verification']) : undefined;
  if (!isRecord(relation) || typeof relation['href'] !== 'string') {
    throw new BrokerError(brokerUrl, 'invalid-response', `${brokerUrl} is not a Pact Broker: its index has no "pb:provider-pacts-for-verification" relation`, 200);
  }
}

/**
 * Fetches the pact at `pactUrl` (the webhook's `${pactbroker.pactUrl}`) to learn its consumer and
 * provider, and whether the broker lets results be published for it.
 *
 * @throws {BrokerError} naming the URL and the problem.
 */
export async function fetchBrokerPact(pactUrl: string, ask: BrokerAsk): Promise<FetchedPact> {
  const pact = await getHalDocument(pactUrl, ask, 'the pact');
  const consumer = nameOf(pact['consumer']);
  const provider = nameOf(pact['provider']);
  if (consumer === undefined || provider === undefined || !Array.isArray(pact['interactions'])) {
    throw new BrokerError(pactUrl, 'invalid-response', `${pactUrl} is not a pact: it lacks a consumer, a provider or interactions`, 200);
  }
  const links = pact['_links'];
  const publish = isRecord(links) ? links['pb:publish-verification-results'] : undefined;
  return { consumer, provider, canPublish: isRecord(publish) && typeof publish['href'] === 'string' };
}

/** `GET url` for a HAL+JSON object; every other outcome is a {@link BrokerError}. */
async function getHalDocument(url: string, ask: BrokerAsk, what: string): Promise<Record<string, unknown>> {
  const timeout = AbortSignal.timeout(ask.timeoutMs);
  const signal = ask.signal === undefined ? timeout : AbortSignal.any([timeout, ask.signal]);
  let response: Response;
  let text: string;
  try {
    // Redirects are refused: fetch would send the credentials on to wherever they point.
    response = await fetch(url, { headers: requestHeaders(ask), redirect: 'manual', signal });
    text = await response.text();
  } catch (error) {
    if (ask.signal?.aborted === true) {
      throw error;
    }
    const reason = timeout.aborted ? `no answer within ${ask.timeoutMs} ms` : networkReason(error);
    throw new BrokerError(url, 'unreachable', `Cannot reach ${what} at ${url}: ${reason}`, undefined, { cause: error });
  }
  const status = response.status;
  if (status === 401 || status === 403) {
    const why = status === 401 ? 'refused the credentials' : 'denied access with these credentials';
    throw new BrokerError(url, 'refused', `${capitalize(what)} at ${url} ${why} (HTTP ${status}): check --broker-token, or --broker-username and --broker-password (PACT_BROKER_TOKEN, PACT_BROKER_USERNAME, PACT_BROKER_PASSWORD)`, status);
  }
  if (status >= 300 && status < 400) {
    throw new BrokerError(url, 'invalid-response', `${capitalize(what)} at ${url} answered with a redirect (HTTP ${status}) to ${response.headers.get('location') ?? 'nowhere'}; give the URL it points to`, status);
  }
  if (status < 200 || status >= 300) {
    throw new BrokerError(url, 'invalid-response', `${capitalize(what)} at ${url} answered HTTP ${status}${excerptOf(text, ask.redact)}`, status);
  }
  let document: unknown;
  try {
    if (text.length > MAX_BODY_CHARS) {
      throw new Error('too large');
    }
    document = JSON.parse(text);
  } catch (error) {
    const type = response.headers.get('content-type') ?? 'no content type';
    throw new BrokerError(url, 'invalid-response', `${capitalize(what)} at ${url} did not answer JSON (HTTP ${status}, ${type})${excerptOf(text, ask.redact)}`, status, { cause: error });
  }
  if (!isRecord(document)) {
    throw new BrokerError(url, 'invalid-response', `${capitalize(what)} at ${url} answered JSON that is not an object${excerptOf(text, ask.redact)}`, status);
  }
  return document;
}

/** The same credentials Pact sends: `Authorization: Bearer` or `Basic`. */
function requestHeaders(auth: BrokerAuth): Record<string, string> {
  const headers: Record<string, string> = { Accept: 'application/hal+json, application/json' };
  if (auth.brokerToken !== undefined) {
    headers['Authorization'] = `Bearer ${auth.brokerToken}`;
  } else if (auth.brokerUsername !== undefined) {
    headers['Authorization'] = `Basic ${basicCredentials(auth.brokerUsername, auth.brokerPassword ?? '')}`;
  }
  return headers;
}

/** Every form a broker credential can be printed in, for the redactor: the values and the Basic header's. */
export function brokerSecrets(auth: BrokerAuth): (string | undefined)[] {
  const { brokerToken, brokerUsername, brokerPassword } = auth;
  const basic = brokerUsername === undefined || brokerPassword === undefined ? undefined : basicCredentials(brokerUsername, brokerPassword);
  return [brokerToken, brokerUsername, brokerPassword, basic];
}

/** `base64(user:password)`, as it travels in a `Basic` header (and so as it must be redacted). */
export function basicCredentials(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`).toString('base64');
}

/** fetch reports "fetch failed"; the reason is in its cause (`ECONNREFUSED`, `ENOTFOUND`, a TLS error). */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') {
    return cause.code;
  }
  if (typeof cause?.message === 'string') {
    return cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** `: body starts "<!DOCTYPE html>..."`, control characters removed; empty for no body. */
function excerptOf(text: string, redact: (text: string) => string): string {
  const clean = redact(text).replace(/\p{Cc}+/gu, ' ').trim();
  if (clean === '') {
    return '';
  }
  return `: the body starts "${clean.slice(0, EXCERPT_CHARS)}${clean.length > EXCERPT_CHARS ? '…' : ''}"`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
