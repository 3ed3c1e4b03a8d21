import { describe, expect, it } from '@jest/globals';
import { normalizeComputeEndpoint, normalizeEndpoint } from './endpoint.js';
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

describe('normalizeComputeEndpoint: an endpoint as a catalog shows it is never sent with the version twice', () => {
  const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
  const OTHER = '0123456789abcdef0123456789abcdef';
  // label, endpoint, project id of the requests, expected base
  it.each([
    ['no version', 'http://nova:8774', PROJECT, 'http://nova:8774'],
    ['/v2.1', 'http://nova:8774/v2.1', PROJECT, 'http://nova:8774'],
    ['/v2.1/', 'http://nova:8774/v2.1/', PROJECT, 'http://nova:8774'],
    ['/v2', 'http://nova:8774/v2', PROJECT, 'http://nova:8774'],
    ['/v2.1/{project} of the same project', `http://nova:8774/v2.1/${PROJECT}`, PROJECT, 'http://nova:8774'],
    ['/v2/{project}/', `http://nova:8774/v2/${PROJECT}/`, PROJECT, 'http://nova:8774'],
    ['/v2.1/{project} with no project id known yet', `http://nova:8774/v2.1/${PROJECT}`, undefined, 'http://nova:8774'],
    ['a base path before the version', 'https://gw.example/compute/v2.1', PROJECT, 'https://gw.example/compute'],
    ['a base path without a version', 'https://gw.example/compute', PROJECT, 'https://gw.example/compute'],
    ['a $(tenant_id)s template', 'https://ecs.eu-de.otc.t-systems.com/v2.1/$(tenant_id)s', PROJECT, 'https://ecs.eu-de.otc.t-systems.com'],
    ['a %(project_id)s template', 'http://nova:8774/v2.1/%(project_id)s', PROJECT, 'http://nova:8774'],
    ['a version-like host part only', 'https://v2.example', PROJECT, 'https://v2.example'],
    ['a version that is not the last segment', 'https://gw.example/v2.1x', PROJECT, 'https://gw.example/v2.1x'],
  ])('%s', (_label, endpoint, projectId, expected) => {
    expect(normalizeComputeEndpoint(endpoint, projectId)).toBe(expected);
  });

  it.each([
    ['another project', `http://nova:8774/v2.1/${OTHER}`, PROJECT, `"http://nova:8774/v2.1/${OTHER}" names project ${OTHER}, but the project id is ${PROJECT}: drop the project from the endpoint or fix the project id`],
    ['a path past the version', 'http://nova:8774/v2.1/servers', PROJECT, '"http://nova:8774/v2.1/servers" goes past the API version: give it up to /v2.1 or /v2.1/{project_id} (got "/servers" after the version)'],
    ['an invalid URL', 'nova:8774/v2.1', PROJECT, 'scheme must be https or http, got "nova:"'],
  ])('refuses %s, saying why', (_label, endpoint, projectId, reason) => {
    expect(thrownBy(() => normalizeComputeEndpoint(endpoint, projectId))).toEqual(validationError('endpoint', reason));
  });
});
