import type { JournalEntry } from './run-journal.js';

/** Methods that read: Nova changes nothing for them, so they need no arranged state. */
const READ_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The project and server a path of the contract's APIs names: `/v2[.1]/{project}/servers/{server}/…`
 * and `/v1/{project}/cloudservers/{server}/…`. Segments are compared as sent (percent-encoded).
 */
const SERVER_PATH = /^\/(?:v2|v2\.1)\/([^/?#]+)\/servers\/([^/?#]+)(?:[/?#]|$)|^\/v1\/([^/?#]+)\/cloudservers\/([^/?#]+)(?:[/?#]|$)/u;

/** A pact path that was an absolute URL (`scheme:`), as it arrives after the proxy's base URL. */
const ABSOLUTE_AFTER_SLASH = /^\/[A-Za-z][A-Za-z0-9+.-]*:/u;

/**
 * A dot segment (`.`, `..`, also percent-encoded) or a backslash in a path: URL parsers and servers
 * resolve them, so a path that starts at the arranged server can end at another. Pact's core resolves
 * them before the filter sees the request; the guard refuses any that still arrive rather than trust that.
 */
const CLIMBING_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)|\\|%5c/iu;

/** What the guard knows about the run. */
export interface WritePolicy {
  /** `--allow-writes` (always on for the embedded mock, which the verifier owns). */
  readonly allowWrites: boolean;
}

/** A request about to leave for the provider. */
export interface OutgoingRequest {
  readonly method: string;
  /** The request target as Pact's proxy received it: a path, or whatever the pact put there. */
  readonly url: string;
}

/**
 * Decides whether a request may reach the provider (DECISIONS 2026-12-06 "Verifier writes"). A read
 * always may. A write (any other method) only when `--allow-writes` is given, the interaction has
 * at least one provider state, every one of them was arranged by the verifier in this run (none
 * unknown, none that failed, none it could not arrange), and its path names exactly a project and
 * server those states were arranged on. A literal id of another server in a pact is not rewritten:
 * the interaction is refused, so nothing the user did not name is ever written.
 *
 * @returns `undefined` to send the request, or why it is kept back (the interaction is then
 *   reported not verifiable with that reason).
 */
export function refusalOf(request: OutgoingRequest, entry: JournalEntry | undefined, policy: WritePolicy): string | undefined {
  const method = request.method.toUpperCase();
  if (!request.url.startsWith('/') || request.url.startsWith('//') || ABSOLUTE_AFTER_SLASH.test(request.url)) {
    // Not a path: an absolute URL or a scheme-relative one names another host (Pact's core puts
    // the pact's path after the proxy's URL, so `http://other/x` arrives as `/http://other/x`).
    return `its request target "${request.url}" is not a path on the provider; the verifier sends nothing for it`;
  }
  if (READ_METHODS.has(method)) {
    return undefined;
  }
  const write = `a ${method} request`;
  if (CLIMBING_SEGMENT.test(request.url.split(/[?#]/u, 1)[0] ?? '')) {
    return `${write} to ${request.url} has a dot segment or a backslash in its path; the verifier writes only to a plain path of the server it arranged`;
  }
  if (!policy.allowWrites) {
    return `${write} is sent only with --allow-writes`;
  }
  const states = entry?.states ?? [];
  if (entry === undefined || states.length === 0) {
    return `${write} is sent only when the verifier arranged the interaction's provider states, and it has none`;
  }
  const notArranged = states.filter((state) => !entry.arranged.some((arranged) => arranged.state === state));
  if (notArranged.length > 0 || entry.problems.length > 0 || entry.unarrangeable.length > 0) {
    const named = notArranged.length > 0 ? notArranged : [...entry.unarrangeable];
    return `${write} is sent only when every provider state was arranged by the verifier; not arranged: ${named.map((state) => `"${state}"`).join(', ') || 'a state whose set-up failed'}`;
  }
  const match = SERVER_PATH.exec(request.url);
  if (match === null) {
    return `${write} to ${request.url} names no server of the contract's APIs; the verifier writes only to the server it arranged`;
  }
  const projectId = match[1] ?? match[3];
  const serverId = match[2] ?? match[4];
  if (!entry.arranged.every((arranged) => arranged.projectId === projectId && arranged.serverId === serverId)) {
    const expected = entry.arranged[0];
    return `${write} to server ${serverId ?? '?'} of project ${projectId ?? '?'}: the verifier writes only to the server it arranged (${expected?.serverId ?? '?'} of ${expected?.projectId ?? '?'}); use the state's ids in the pact, not a literal one`;
  }
  return undefined;
}
