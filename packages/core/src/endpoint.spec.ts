import { describe, expect, it } from '@jest/globals';
import { normalizeEndpoint } from './endpoint.js';
import type { ValidationError } from './errors.js';
import { thrownBy, validationError } from './test-support/thrown.js';

const QUERY_OR_FRAGMENT = 'must not have a query string or fragment';
const CREDENTIALS = 'must not carry credentials; pass them as auth options';

describe('normalizeEndpoint', () => {
  it.each([
    ['a Huawei endpoint', 'https://ecs.cn-north-4.myhuaweicloud.com', 'https://ecs.cn-north-4.myhuaweicloud.com'],
    ['a trailing slash', 'https://ecs.cn-north-4.myhuaweicloud.com/', 'https://ecs.cn-north-4.myhuaweicloud.com'],
    ['several trailing slashes', 'https://ecs.cn-north-4.myhuaweicloud.com///', 'https://ecs.cn-north-4.myhuaweicloud.com'],
    ['a base path', 'https://gw.example/compute', 'https://gw.example/compute'],
    ['a base path with a trailing slash', 'https://gw.example/compute/', 'https://gw.example/compute'],
    ['plain HTTP with a port', 'http://127.0.0.1:8774', 'http://127.0.0.1:8774'],
    ['an IPv6 loopback', 'http://[::1]:8774/', 'http://[::1]:8774'],
    ['an upper-case scheme and host', 'HTTPS://ECS.EXAMPLE.COM', 'https://ecs.example.com'],
    ['the default port', 'https://ecs.example.com:443/', 'https://ecs.example.com'],
    ['surrounding whitespace', '  https://ecs.example.com  ', 'https://ecs.example.com'],
  ])('accepts %s', (_label, endpoint, expected) => {
    expect(normalizeEndpoint(endpoint)).toBe(expected);
  });

  it('refuses a relative URL, keeping the parse error as cause', () => {
    let caught: unknown;
    try {
      normalizeEndpoint('/v2.1');
    } catch (error) {
      caught = error;
    }
    expect(thrownBy(() => normalizeEndpoint('/v2.1'))).toEqual(
      validationError('endpoint', '"/v2.1" is not an absolute URL (e.g. https://ecs.cn-north-4.myhuaweicloud.com)'),
    );
    // The URL parser's TypeError comes from Node's own realm, not the test's: compare by name and code.
    const cause = (caught as ValidationError).cause as { name: string; code: string };
    expect({ name: cause.name, code: cause.code }).toEqual({ name: 'TypeError', code: 'ERR_INVALID_URL' });
  });

  it.each([
    ['a host without scheme', 'ecs.cn-north-4.myhuaweicloud.com', '"ecs.cn-north-4.myhuaweicloud.com" is not an absolute URL (e.g. https://ecs.cn-north-4.myhuaweicloud.com)'],
    ['host:port without scheme', 'localhost:8774', 'scheme must be https or http, got "localhost:"'],
    ['ftp', 'ftp://ecs.example.com', 'scheme must be https or http, got "ftp:"'],
    ['file', 'file:///etc/passwd', 'scheme must be https or http, got "file:"'],
    ['javascript', 'javascript:alert(1)', 'scheme must be https or http, got "javascript:"'],
    ['user and password', 'https://user:secret@ecs.example.com', CREDENTIALS],
    ['a user only', 'https://user@ecs.example.com', CREDENTIALS],
    ['a query', 'https://ecs.example.com/?a=1', QUERY_OR_FRAGMENT],
    ['a fragment', 'https://ecs.example.com/#top', QUERY_OR_FRAGMENT],
    ['an empty query', 'https://ecs.example.com/?', QUERY_OR_FRAGMENT],
    ['an empty fragment', 'https://ecs.example.com/compute#', QUERY_OR_FRAGMENT],
  ])('refuses %s', (_label, endpoint, reason) => {
    expect(thrownBy(() => normalizeEndpoint(endpoint))).toEqual(validationError('endpoint', reason));
  });

  it('never echoes the user info of a URL it cannot parse, nor keeps it in the cause', () => {
    expect(thrownBy(() => normalizeEndpoint('http://user:pw@[::1'))).toEqual(
      validationError('endpoint', '"http://****@[::1" is not an absolute URL (e.g. https://ecs.cn-north-4.myhuaweicloud.com)'),
    );
    let caught: unknown;
    try {
      normalizeEndpoint('http://user:pw@[::1');
    } catch (error) {
      caught = error;
    }
    const cause = (caught as ValidationError).cause as object;
    expect(JSON.stringify(cause, Object.getOwnPropertyNames(cause))).not.toContain('pw');
    expect(cause).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_URL' });
  });

  it('refuses the empty string', () => {
    expect(thrownBy(() => normalizeEndpoint(''))).toEqual(
      validationError('endpoint', '"" is not an absolute URL (e.g. https://ecs.cn-north-4.myhuaweicloud.com)'),
    );
  });

  it('names the parameter it was given', () => {
    expect(thrownBy(() => normalizeEndpoint('ftp://x', 'computeEndpoint'))).toEqual(
      validationError('computeEndpoint', 'scheme must be https or http, got "ftp:"'),
    );
  });
});
