/** One request as it arrived, before any decoding. */
export interface LoggedRequest {
  /** The method as sent (`GET`). */
  method: string;
  /** The raw request target, undecoded and unnormalised (`/v2.1/p/servers/%2e%2e/metadata`), query string included if one was sent. */
  path: string;
  /**
   * Header names in lower case; repeated headers joined with `, `. Credentials are kept as sent
   * (tests compare `Authorization` across retries); the mock only ever sees test credentials.
   */
  headers: Record<string, string>;
}

/** How many requests the log keeps: enough for any test, bounded for long abuse runs. */
export const REQUEST_LOG_LIMIT = 1000;

/** The last {@link REQUEST_LOG_LIMIT} requests (API and admin), oldest first. */
export class RequestLog {
  readonly #entries: LoggedRequest[] = [];
  readonly #limit: number;

  constructor(limit: number = REQUEST_LOG_LIMIT) {
    this.#limit = limit;
  }

  add(entry: LoggedRequest): void {
    this.#entries.push(entry);
    // Trimmed once per `limit` requests, not on each: a splice of the whole log per request was
    // measurable in the mock's throughput (docs/performance.md).
    if (this.#entries.length >= 2 * this.#limit) {
      this.#entries.splice(0, this.#entries.length - this.#limit);
    }
  }

  clear(): void {
    this.#entries.length = 0;
  }

  /** A copy, so callers can keep it while more requests arrive. */
  snapshot(): LoggedRequest[] {
    return this.#entries.slice(-this.#limit).map((entry) => ({ ...entry, headers: { ...entry.headers } }));
  }
}

/** Node's header record flattened to strings (duplicates joined as fetch `Headers` would). */
export function flattenHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = typeof value === 'string' ? value : value.join(', ');
    }
  }
  return flat;
}
