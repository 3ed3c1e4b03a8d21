import type { Reply } from './reply.js';

/** An error Nova raises outside its API layer, which webob renders (its status line and explanation). */
export interface WebobError {
  readonly status: number;
  readonly title: string;
  readonly explanation: string;
}

/** The media types webob offers for an error body, in its order of preference on a tie. */
const OFFERS = ['text/html', 'application/json'] as const;
type Offer = (typeof OFFERS)[number];

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

// `type/subtype` with optional parameters; `q` read from them (RFC 9110 §12.5.1).
const RANGE = /^\s*([\w.+*-]+)\/([\w.+*-]+)\s*((?:;[^;]*)*)$/u;

/** The header's media ranges, or `undefined` when it is not a valid `Accept` value. */
function parseAccept(header: string): MediaRange[] | undefined {
  const ranges: MediaRange[] = [];
  for (const entry of header.split(',')) {
    if (entry.trim() === '') {
      continue;
    }
    const match = RANGE.exec(entry);
    if (match === null) {
      return undefined;
    }
    const qParam = /;\s*q\s*=\s*([0-9.]+)/iu.exec(match[3] ?? '')?.[1];
    const q = qParam === undefined ? 1 : Number(qParam);
    if (!(q >= 0 && q <= 1)) {
      return undefined;
    }
    ranges.push({ type: (match[1] as string).toLowerCase(), subtype: (match[2] as string).toLowerCase(), q });
  }
  return ranges;
}

/**
 * The body webob picks for an error (`WSGIHTTPException.generate_response`, webob 1.8): the first of
 * `text/html`, `application/json` by the `q` of the most specific range that accepts it (exact
 * type, then `type/*`, then `*\/*`), ties in that order; `text/plain` when neither is acceptable,
 * which includes a request without `Accept` (Nova passes webob an empty header); both when the
 * header is not valid. So `curl` (`*\/*`) gets HTML, a bare request plain text, and only a client
 * that asks for JSON gets JSON.
 */
export function webobMediaType(acceptHeader: string | undefined): Offer | 'text/plain' {
  const ranges = parseAccept(acceptHeader ?? '');
  if (ranges === undefined) {
    return OFFERS[0];
  }
  let best: { offer: Offer; q: number } | undefined;
  for (const offer of OFFERS) {
    const [type, subtype] = offer.split('/') as [string, string];
    let specificity = 0;
    let q = 0;
    for (const range of ranges) {
      const rank = range.type === type && range.subtype === subtype ? 3 : range.type === type && range.subtype === '*' ? 2 : range.type === '*' && range.subtype === '*' ? 1 : 0;
      if (rank > specificity) {
        specificity = rank;
        q = range.q;
      }
    }
    if (q > 0 && (best === undefined || q > best.q)) {
      best = { offer, q };
    }
  }
  return best?.offer ?? 'text/plain';
}

/**
 * webob's error page for `error` in the media type the request's `Accept` selects (see
 * {@link webobMediaType}), byte for byte as Nova sends it (docs/conformance.md): JSON
 * `{"message": "<explanation><br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}` in
 * Python's `json.dumps` spacing, an HTML page, or plain text.
 */
export function webobErrorReply(error: WebobError, acceptHeader: string | undefined): Reply {
  const statusLine = `${error.status} ${error.title}`;
  switch (webobMediaType(acceptHeader)) {
    case 'application/json': {
      const fields: [string, string][] = [
        ['message', `${error.explanation}<br /><br />\n\n\n`],
        ['code', statusLine],
        ['title', error.title],
      ];
      const text = `{${fields.map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`).join(', ')}}`;
      return { status: error.status, text, headers: { 'Content-Type': 'application/json' } };
    }
    case 'text/html':
      return {
        status: error.status,
        text: `<html>\n <head>\n  <title>${statusLine}</title>\n </head>\n <body>\n  <h1>${statusLine}</h1>\n  ${error.explanation}<br /><br />\n\n\n\n </body>\n</html>`,
        headers: { 'Content-Type': 'text/html; charset=UTF-8' },
      };
    default:
      return { status: error.status, text: `${statusLine}\n\n${error.explanation}\n\n   `, headers: { 'Content-Type': 'text/plain; charset=UTF-8' } };
  }
}
