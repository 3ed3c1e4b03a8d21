/** Response headers as any HTTP layer hands them over: a fetch `Headers` or a Node-style record. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Reads one header case-insensitively; repeated values are joined with `, `. */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, string | readonly string[] | undefined>)) {
    if (key.toLowerCase() === wanted && value !== undefined) {
      return typeof value === 'string' ? value : value.join(', ');
    }
  }
  return undefined;
}

/** The headers that carry a request id, most specific first (spec §7). */
export const REQUEST_ID_HEADERS = ['X-Request-Id', 'X-Openstack-Request-Id', 'X-Compute-Request-Id'] as const;

/** The first request id among `X-Request-Id`, `X-Openstack-Request-Id` and `X-Compute-Request-Id`, if any. */
export function readRequestIdHeader(headers: HeaderSource): string | undefined {
  for (const name of REQUEST_ID_HEADERS) {
    const value = readHeader(headers, name);
    if (value !== undefined && value !== '') {
      return value;
    }
  }
  return undefined;
}

/**
 * Every request id the server sent, by header name as listed in {@link REQUEST_ID_HEADERS}: Nova
 * sends `X-Openstack-Request-Id` and `X-Compute-Request-Id`, a gateway `X-Request-Id`; admins search
 * their logs for any of them.
 */
export function readRequestIdHeaders(headers: HeaderSource): Partial<Record<(typeof REQUEST_ID_HEADERS)[number], string>> {
  const ids: Partial<Record<(typeof REQUEST_ID_HEADERS)[number], string>> = {};
  for (const name of REQUEST_ID_HEADERS) {
    const value = readHeader(headers, name);
    if (value !== undefined && value !== '') {
      ids[name] = value;
    }
  }
  return ids;
}

/**
 * Parses `Retry-After` (delta-seconds or an HTTP-date) into milliseconds from `now`.
 * Returns `undefined` when absent or unparseable; never negative.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/u.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
