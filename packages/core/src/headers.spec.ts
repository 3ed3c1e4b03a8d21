import { describe, expect, it } from '@jest/globals';
import { type HeaderSource, parseRetryAfter, readHeader, readRequestIdHeader, REQUEST_ID_HEADERS } from './headers.js';

const GATEWAY_ID = '4faba0b7f7cb4e829b18773718289b99';
const OPENSTACK_ID = 'req-0d0c5a5e-8a3b-4f0a-9d3e-6f1b2c3d4e5f';
const COMPUTE_ID = 'req-11111111-2222-4333-8444-555555555555';

describe('readHeader', () => {
  it('reads a fetch Headers case-insensitively', () => {
    const headers = new Headers({ 'Content-Type': 'application/json', 'Retry-After': '5' });
    expect(readHeader(headers, 'content-type')).toBe('application/json');
    expect(readHeader(headers, 'RETRY-AFTER')).toBe('5');
  });

  it('joins repeated values of a fetch Headers', () => {
    const headers = new Headers();
    headers.append('Vary', 'OpenStack-API-Version');
    headers.append('Vary', 'X-OpenStack-Nova-API-Version');
    expect(readHeader(headers, 'vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  });

  it('gives undefined for a header a fetch Headers lacks', () => {
    expect(readHeader(new Headers(), 'Location')).toBeUndefined();
  });

  it('reads a plain record with odd casing', () => {
    expect(readHeader({ 'cOnTeNt-TyPe': 'text/html' }, 'Content-Type')).toBe('text/html');
  });

  it('joins an array value of a plain record', () => {
    expect(readHeader({ vary: ['a', 'b'] }, 'Vary')).toBe('a, b');
  });

  it('skips undefined entries of a plain record', () => {
    expect(readHeader({ 'Retry-After': undefined, 'retry-after': '7' }, 'Retry-After')).toBe('7');
    expect(readHeader({ 'Retry-After': undefined }, 'Retry-After')).toBeUndefined();
  });

  it('gives undefined for a header a plain record lacks', () => {
    expect(readHeader({}, 'Location')).toBeUndefined();
  });
});

describe('readRequestIdHeader (spec §7 precedence)', () => {
  it('lists the headers most specific first', () => {
    expect(REQUEST_ID_HEADERS).toEqual(['X-Request-Id', 'X-Openstack-Request-Id', 'X-Compute-Request-Id']);
  });

  const cases: [string, Record<string, string>, string | undefined][] = [
    ['X-Request-Id over the Nova headers', { 'X-Compute-Request-Id': COMPUTE_ID, 'X-Openstack-Request-Id': OPENSTACK_ID, 'X-Request-Id': GATEWAY_ID }, GATEWAY_ID],
    ['X-Openstack-Request-Id over X-Compute-Request-Id', { 'X-Compute-Request-Id': COMPUTE_ID, 'X-Openstack-Request-Id': OPENSTACK_ID }, OPENSTACK_ID],
    ['X-Compute-Request-Id alone', { 'X-Compute-Request-Id': COMPUTE_ID }, COMPUTE_ID],
    ['the next header when X-Request-Id is empty', { 'X-Request-Id': '', 'X-Openstack-Request-Id': OPENSTACK_ID }, OPENSTACK_ID],
    ['nothing', { 'Content-Type': 'application/json' }, undefined],
  ];

  it.each(cases)('takes %s from a fetch Headers', (_label, record, expected) => {
    expect(readRequestIdHeader(new Headers(record))).toBe(expected);
  });

  it.each(cases)('takes %s from a plain record with odd casing', (_label, record, expected) => {
    const oddlyCased: HeaderSource = Object.fromEntries(
      Object.entries(record).map(([name, value], index) => [index % 2 === 0 ? name.toLowerCase() : name.toUpperCase(), value]),
    );
    expect(readRequestIdHeader(oddlyCased)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const NOW = Date.UTC(2015, 9, 21, 7, 27, 30);

  it.each([
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['blank', '   ', undefined],
    ['zero seconds', '0', 0],
    ['delta-seconds', '120', 120_000],
    ['delta-seconds with whitespace', ' 7 ', 7_000],
    ['fractional seconds', '1.5', 1_500],
    ['an HTTP-date 30 s ahead', 'Wed, 21 Oct 2015 07:28:00 GMT', 30_000],
    ['an HTTP-date in the past (never negative)', 'Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ['an HTTP-date equal to now', 'Wed, 21 Oct 2015 07:27:30 GMT', 0],
    ['an ISO date 2 s ahead', '2015-10-21T07:27:32Z', 2_000],
    ['words', 'soon', undefined],
    ['a malformed number', '1e-3x', undefined],
  ])('parses %s', (_label, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  it('measures an HTTP-date from the current clock by default', () => {
    const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
    const result = parseRetryAfter(inOneMinute);
    expect(result).toBeGreaterThan(55_000);
    expect(result).toBeLessThanOrEqual(60_000);
  });

  it('needs no clock for delta-seconds', () => {
    expect(parseRetryAfter('3')).toBe(3_000);
  });
});
