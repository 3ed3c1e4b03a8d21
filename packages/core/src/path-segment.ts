import { ValidationError } from './errors.js';

// Control characters (C0, DEL, C1) can split headers or log lines and never belong in an id.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/u;

/**
 * Checks that `value` can stand as one URL path segment and returns it percent-encoded.
 *
 * Refused, with a {@link ValidationError} naming `parameter`: the empty string, `.` and `..`
 * (also when percent-encoded, e.g. `%2e%2e`), anything containing `/` or `\` (raw or encoded),
 * and control characters such as CR, LF and NUL. Everything else is encoded with
 * `encodeURIComponent`, so `%` itself becomes `%25` and a segment can never be decoded by the
 * server into a path separator; a space becomes `%20`.
 *
 * `:` and `@` stay raw: RFC 3986 allows them in a path segment (`pchar`), and spec §2 sends a
 * key such as `os:type.v1` raw, as the official SDK does, so the AK/SK vectors
 * (`.../metadata/os:type.v1`) match byte for byte. The other sub-delimiters stay encoded (except
 * `!'()*`, which `encodeURIComponent` keeps): some servers read `;` as a matrix parameter and `+`
 * as a space.
 *
 * @throws {ValidationError} when the value is not path-safe.
 */
export function encodePathSegment(parameter: string, value: string): string {
  if (typeof value !== 'string') {
    throw new ValidationError(parameter, `expected a string, received ${typeof value}`);
  }
  if (value.length === 0) {
    throw new ValidationError(parameter, 'must not be empty');
  }
  if (CONTROL_CHARACTER.test(value)) {
    throw new ValidationError(parameter, 'must not contain control characters (CR, LF, NUL, ...)');
  }
  if (/[\uD800-\uDFFF]/u.test(value)) {
    // A lone surrogate has no UTF-8 form: encodeURIComponent would throw a bare URIError.
    throw new ValidationError(parameter, 'must be well-formed Unicode (contains a lone surrogate)');
  }
  const decoded = decodeLeniently(value);
  if (decoded === '.' || decoded === '..' || value === '.' || value === '..') {
    throw new ValidationError(parameter, `"${value}" is a relative path segment`);
  }
  if (/[/\\]/u.test(decoded) || /[/\\]/u.test(value)) {
    throw new ValidationError(parameter, `must not contain "/" or "\\" (got "${value}")`);
  }
  if (CONTROL_CHARACTER.test(decoded)) {
    throw new ValidationError(parameter, 'must not contain encoded control characters');
  }
  return encodeURIComponent(value).replace(/%3A/gu, ':').replace(/%40/gu, '@');
}

/** Decodes %XX sequences as a server might; malformed sequences are left as they are. */
function decodeLeniently(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-9a-f]{2})/giu, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  }
}
