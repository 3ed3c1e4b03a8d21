import { describe, expect, it } from '@jest/globals';
import { EXAMPLE_SERVER_ID } from './examples.js';
import { encodePathSegment } from './path-segment.js';
import { thrownBy, validationError } from './test-support/thrown.js';

const CONTROL = 'must not contain control characters (CR, LF, NUL, ...)';
const ENCODED_CONTROL = 'must not contain encoded control characters';
const relative = (value: string): string => `"${value}" is a relative path segment`;
const separator = (value: string): string => `must not contain "/" or "\\" (got "${value}")`;

describe('encodePathSegment refuses what is not one path segment', () => {
  it.each([
    ['a traversal', '../x', separator('../x')],
    ['a slash', 'a/b', separator('a/b')],
    ['a backslash', 'a\\b', separator('a\\b')],
    ['an encoded slash', 'a%2Fb', separator('a%2Fb')],
    ['an encoded lower-case slash', 'a%2fb', separator('a%2fb')],
    ['an encoded backslash', 'a%5Cb', separator('a%5Cb')],
    ['an encoded slash beside a malformed escape', 'a%2F%zz', separator('a%2F%zz')],
    ['.', '.', relative('.')],
    ['..', '..', relative('..')],
    ['%2e%2e', '%2e%2e', relative('%2e%2e')],
    ['%2E%2E', '%2E%2E', relative('%2E%2E')],
    ['%2E', '%2E', relative('%2E')],
    ['.%2e', '.%2e', relative('.%2e')],
    ['the empty string', '', 'must not be empty'],
    ['CR', 'a\rb', CONTROL],
    ['LF', 'a\nb', CONTROL],
    ['CRLF header injection', 'x\r\nX-Injected: 1', CONTROL],
    ['NUL', 'a\0b', CONTROL],
    ['a tab', 'a\tb', CONTROL],
    ['an escape character', '\u001b[31m', CONTROL],
    ['DEL', 'a\u007fb', CONTROL],
    ['a C1 control (NEL)', 'a\u0085b', CONTROL],
    ['an encoded CR LF', 'a%0D%0Ab', ENCODED_CONTROL],
    ['an encoded NUL', 'a%00', ENCODED_CONTROL],
    ['an encoded C1 control', 'a%C2%85', ENCODED_CONTROL],
    ['a lone high surrogate', 'a\uD800b', 'must be well-formed Unicode (contains a lone surrogate)'],
    ['a lone low surrogate', '\uDC00', 'must be well-formed Unicode (contains a lone surrogate)'],
  ])('refuses %s', (_label, value, reason) => {
    expect(thrownBy(() => encodePathSegment('serverId', value))).toEqual(validationError('serverId', reason));
  });

  it('names the parameter it was given, in the field and the message', () => {
    expect(thrownBy(() => encodePathSegment('key', '..'))).toEqual(validationError('key', relative('..')));
    expect(thrownBy(() => encodePathSegment('metadata key', 'a/b'))).toEqual(validationError('metadata key', separator('a/b')));
  });

  it('refuses a non-string from untyped callers', () => {
    expect(thrownBy(() => encodePathSegment('serverId', 42 as unknown as string))).toEqual(
      validationError('serverId', 'expected a string, received number'),
    );
    expect(thrownBy(() => encodePathSegment('key', undefined as unknown as string))).toEqual(
      validationError('key', 'expected a string, received undefined'),
    );
  });
});

describe('encodePathSegment percent-encodes everything else as one segment', () => {
  it.each([
    ['a server UUID', EXAMPLE_SERVER_ID, EXAMPLE_SERVER_ID],
    ['the seed key', 'wj', 'wj'],
    ['a key with a space', 'a b', 'a%20b'],
    ['a key with : and . (sent raw, spec §2 and the AK/SK vectors)', 'os:type.v1', 'os:type.v1'],
    ['an @', 'user@host', 'user@host'],
    ['a platform key', 'metering.image_id', 'metering.image_id'],
    ['three dots', '...', '...'],
    ['a leading dot', '.hidden', '.hidden'],
    ['a percent sign', '100%', '100%25'],
    ['an already-encoded space (encoded again)', 'a%20b', 'a%2520b'],
    ['an encoded dot beside other text', '%2e%2ex', '%252e%252ex'],
    ['a malformed escape', '%zz', '%25zz'],
    ['a trailing lone percent after encoded dots', '%2e%2e%', '%252e%252e%25'],
    ['query and fragment characters', 'a?b#c', 'a%3Fb%23c'],
    ['sub-delimiters', "a+b&c=d;e,f@g!h'i(j)k*l~m", "a%2Bb%26c%3Dd%3Be%2Cf@g!h'i(j)k*l~m"],
    ['Cyrillic', 'ключ', '%D0%BA%D0%BB%D1%8E%D1%87'],
    ['Latin-1', 'café', 'caf%C3%A9'],
    ['an astral emoji (a surrogate pair)', '😀', '%F0%9F%98%80'],
  ])('encodes %s', (_label, value, expected) => {
    expect(encodePathSegment('key', value)).toBe(expected);
  });
});
