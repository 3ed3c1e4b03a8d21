import fc from 'fast-check';

/**
 * Pieces that have broken path builders elsewhere: dot segments (raw, encoded, double-encoded),
 * separators (raw and encoded), query and fragment markers, a bare `%`, header splitters (CR, LF,
 * NUL, raw and encoded), C1 controls, lone surrogates, and the characters a segment keeps raw.
 */
const HOSTILE_PIECES = [
  '.', '..', '%2e', '%2E', '.%2e', '%2e%2e', '%252e', '%252e%252e', '%u002e',
  '/', '\\', '%2f', '%2F', '%5c', '%5C', '%252f', '%c0%af', '%e0%80%af',
  '?', '#', '%', '%%', '%zz', '%2', '%25', '&', '=', ';', '+', ' ', '%20',
  '\r', '\n', '\r\n', '\0', '%0d', '%0a', '%0D%0A', '%00', '\t', '\u0085', '\u2028', '\u202e', '\ufeff',
  '\ud800', '\udc00', '😀', 'ü', 'İ', 'ﬀ', '．', '／', ':', '@', '!', "'", '(', ')', '*', '~', '__proto__', 'constructor',
] as const;

/** One unit of a hostile string: a hostile piece, any UTF-16 code unit, any code point, or plain id text. */
const hostileUnit: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_PIECES), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 2 },
  { arbitrary: fc.constantFrom(...'abcdef0123456789-_:.'), weight: 3 },
);

/**
 * Strings as an attacker or a careless caller would pass them as ids, keys or values: full
 * Unicode (lone surrogates included), control characters, dot segments, `/`, `\`, `?`, `#`, `%`,
 * raw and percent-encoded. Includes plain valid ids, so both outcomes of a builder are exercised.
 */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: hostileUnit, maxLength: 12 }),
  fc.constantFrom(...HOSTILE_PIECES),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.uuid(),
);
