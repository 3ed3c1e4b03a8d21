import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import type { ValidationError } from './errors.js';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
import {
  apiVersionSchema,
  buildGetServerMetadataRequest,
  buildHeaders,
  DEFAULT_API_VERSION,
  type GetServerMetadataParams,
  parseWith,
  resolveTarget,
  serverUrl,
} from './request.js';
import { thrownBy, validationError } from './test-support/thrown.js';

const ENDPOINT = 'https://ecs.cn-north-4.myhuaweicloud.com';
const SEED: GetServerMetadataParams = { endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID };
const SEED_PATH = `${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata`;
const HEADERS = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'User-Agent': 'ecs-metadata/0.1.0',
  'X-Project-Id': EXAMPLE_PROJECT_ID,
};
const PROJECT_ID_MESSAGE = 'must be 1-64 characters of lower-case hex digits and "-" (e.g. 9c53a566cb3443ab910cf0daebca90c4)';
const USER_AGENT_MESSAGE = 'must be a non-empty single line of printable Latin-1 characters';

describe('buildGetServerMetadataRequest (spec §3.1)', () => {
  it('builds the seed request with the default prefix v2.1', () => {
    expect(DEFAULT_API_VERSION).toBe('v2.1');
    expect(buildGetServerMetadataRequest(SEED)).toStrictEqual({
      method: 'GET',
      url: `${ENDPOINT}/v2.1/${SEED_PATH}`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('builds the v2.1 request', () => {
    expect(buildGetServerMetadataRequest({ ...SEED, apiVersion: 'v2.1' })).toStrictEqual({
      method: 'GET',
      url: `${ENDPOINT}/v2.1/${SEED_PATH}`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('builds the v2 request', () => {
    expect(buildGetServerMetadataRequest({ ...SEED, apiVersion: 'v2' })).toStrictEqual({
      method: 'GET',
      url: `${ENDPOINT}/v2/${SEED_PATH}`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('drops a trailing slash of the endpoint', () => {
    expect(buildGetServerMetadataRequest({ ...SEED, endpoint: `${ENDPOINT}/` })).toStrictEqual({
      method: 'GET',
      url: `${ENDPOINT}/v2.1/${SEED_PATH}`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('keeps a base path of the endpoint', () => {
    expect(buildGetServerMetadataRequest({ ...SEED, endpoint: 'https://gw.example/compute/', apiVersion: 'v2' })).toStrictEqual({
      method: 'GET',
      url: `https://gw.example/compute/v2/${SEED_PATH}`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('builds a loopback request for the mock, with a caller-chosen User-Agent', () => {
    expect(
      buildGetServerMetadataRequest({
        endpoint: 'http://127.0.0.1:8774',
        projectId: 'abc-123',
        serverId: 'my server',
        userAgent: 'my-tool/1.0 (+https://example.com; café)\tx',
      }),
    ).toStrictEqual({
      method: 'GET',
      url: 'http://127.0.0.1:8774/v2.1/abc-123/servers/my%20server/metadata',
      headers: {
        Accept: 'application/json',
        'Content-Type': 'application/json',
        'User-Agent': 'my-tool/1.0 (+https://example.com; café)\tx',
        'X-Project-Id': 'abc-123',
      },
      body: undefined,
    });
  });

  it('percent-encodes a server id that is not a UUID', () => {
    expect(buildGetServerMetadataRequest({ ...SEED, serverId: 'ключ:1' }).url).toBe(
      `${ENDPOINT}/v2.1/${EXAMPLE_PROJECT_ID}/servers/%D0%BA%D0%BB%D1%8E%D1%87:1/metadata`,
    );
  });

  it.each([
    ['ftp:', 'ftp://ecs.example.com', 'scheme must be https or http, got "ftp:"'],
    ['a relative URL', '/v2.1', '"/v2.1" is not an absolute URL (e.g. https://ecs.cn-north-4.myhuaweicloud.com)'],
    ['a query', `${ENDPOINT}/?region=cn-north-4`, 'must not have a query string or fragment'],
    ['an empty query', `${ENDPOINT}?`, 'must not have a query string or fragment'],
    ['credentials', 'https://ak:sk@ecs.example.com', 'must not carry credentials; pass them as auth options'],
  ])('refuses an endpoint with %s', (_label, endpoint, reason) => {
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...SEED, endpoint }))).toEqual(validationError('endpoint', reason));
  });

  it.each([
    ['v3', 'v3', 'Invalid option: expected one of "v2"|"v2.1" (got "v3")'],
    ['2.1 without v', '2.1', 'Invalid option: expected one of "v2"|"v2.1" (got "2.1")'],
    ['a number', 2.1, 'Invalid option: expected one of "v2"|"v2.1" (got 2.1)'],
  ])('refuses apiVersion %s', (_label, apiVersion, reason) => {
    expect(
      thrownBy(() => buildGetServerMetadataRequest({ ...SEED, apiVersion: apiVersion as GetServerMetadataParams['apiVersion'] })),
    ).toEqual(validationError('apiVersion', reason));
  });

  it.each([
    ['empty', '', `${PROJECT_ID_MESSAGE} (got "")`],
    ['upper-case', 'ABC', `${PROJECT_ID_MESSAGE} (got "ABC")`],
    ['a traversal', '../x', `${PROJECT_ID_MESSAGE} (got "../x")`],
    ['with CRLF', 'abc\r\nX-Injected: 1', `${PROJECT_ID_MESSAGE} (got "abc\\r\\nX-Injected: 1")`],
    ['null', null, 'Invalid input: expected string, received null (got null)'],
    ['an object', {}, 'Invalid input: expected string, received object (got an object)'],
    ['a number', 5, 'Invalid input: expected string, received number (got 5)'],
  ])('refuses a projectId that is %s', (_label, projectId, reason) => {
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...SEED, projectId: projectId as string }))).toEqual(
      validationError('projectId', reason),
    );
  });

  it.each([
    ['empty', '', 'must not be empty (got "")'],
    ['256 characters, shown truncated', 's'.repeat(256), `must be at most 255 characters (got "${'s'.repeat(80)}…")`],
    ['..', '..', '".." is a relative path segment'],
    ['.', '.', '"." is a relative path segment'],
    ['%2e%2e', '%2e%2e', '"%2e%2e" is a relative path segment'],
    ['../x', '../x', 'must not contain "/" or "\\" (got "../x")'],
    ['a/b', 'a/b', 'must not contain "/" or "\\" (got "a/b")'],
    ['a\\b', 'a\\b', 'must not contain "/" or "\\" (got "a\\b")'],
    ['a%2Fb', 'a%2Fb', 'must not contain "/" or "\\" (got "a%2Fb")'],
    ['CRLF', 'x\r\nX-Injected: 1', 'must not contain control characters (CR, LF, NUL, ...)'],
    ['NUL', 'x\0', 'must not contain control characters (CR, LF, NUL, ...)'],
  ])('refuses a serverId that is %s', (_label, serverId, reason) => {
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...SEED, serverId }))).toEqual(validationError('serverId', reason));
  });

  it.each([
    ['CR LF', 'ua\r\nX-Injected: 1'],
    ['LF', 'ua\n'],
    ['CR', 'ua\r'],
    ['NUL', 'ua\0'],
    ['another control character', 'ua\u0001'],
    ['DEL', 'ua\u007f'],
    ['characters beyond Latin-1', 'агент/1.0'],
    ['the empty string', ''],
    ['only spaces', '   '],
  ])('refuses a userAgent with %s', (_label, userAgent) => {
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...SEED, userAgent }))).toEqual(
      validationError('userAgent', USER_AGENT_MESSAGE),
    );
  });

  it('checks the URL parts before the User-Agent, endpoint first', () => {
    expect(thrownBy(() => buildGetServerMetadataRequest({ endpoint: 'ftp://x', projectId: 'X', serverId: '..', userAgent: '\n' }))).toEqual(
      validationError('endpoint', 'scheme must be https or http, got "ftp:"'),
    );
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...SEED, projectId: 'X', serverId: '..', userAgent: '\n' }))).toEqual(
      validationError('projectId', `${PROJECT_ID_MESSAGE} (got "X")`),
    );
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...SEED, serverId: '..', userAgent: '\n' }))).toEqual(
      validationError('serverId', '".." is a relative path segment'),
    );
  });
});

describe('serverUrl', () => {
  it('joins endpoint, prefix, project and encoded server', () => {
    expect(serverUrl({ endpoint: 'http://127.0.0.1:8774/', projectId: 'abc', apiVersion: 'v2' }, 'a b')).toBe(
      'http://127.0.0.1:8774/v2/abc/servers/a%20b',
    );
    expect(serverUrl({ endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID }, EXAMPLE_SERVER_ID)).toBe(
      `${ENDPOINT}/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}`,
    );
  });
});

describe('buildHeaders', () => {
  it('sends what the AK/SK signer signs plus the transport headers', () => {
    expect(buildHeaders({ endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID })).toStrictEqual(HEADERS);
  });

  it('takes the caller User-Agent', () => {
    expect(buildHeaders({ endpoint: ENDPOINT, projectId: 'abc', userAgent: 'ci/2' })).toStrictEqual({
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'User-Agent': 'ci/2',
      'X-Project-Id': 'abc',
    });
  });
});

describe('apiVersionSchema', () => {
  it('lists the two Nova prefixes', () => {
    expect(apiVersionSchema.options).toEqual(['v2', 'v2.1']);
  });
});

describe('parseWith', () => {
  it('returns the parsed value', () => {
    expect(parseWith(z.object({ a: z.string() }), 'options', { a: 'x', b: 1 })).toEqual({ a: 'x' });
  });

  it('names the failing path inside the value and keeps the ZodError as cause', () => {
    let caught: unknown;
    try {
      parseWith(z.object({ a: z.object({ b: z.string() }) }), 'options', { a: { b: 1 } });
    } catch (error) {
      caught = error;
    }
    expect(thrownBy(() => parseWith(z.object({ a: z.object({ b: z.string() }) }), 'options', { a: { b: 1 } }))).toEqual(
      validationError('options', 'Invalid input: expected string, received number at a.b (got an object)'),
    );
    expect((caught as ValidationError).cause).toBeInstanceOf(z.ZodError);
  });

  it('describes undefined and booleans', () => {
    expect(thrownBy(() => parseWith(z.string(), 'name', undefined))).toEqual(
      validationError('name', 'Invalid input: expected string, received undefined (got undefined)'),
    );
    expect(thrownBy(() => parseWith(z.string(), 'name', true))).toEqual(
      validationError('name', 'Invalid input: expected string, received boolean (got true)'),
    );
  });

  it('falls back to a generic reason when a failure carries no issue', () => {
    const silent = { safeParse: () => ({ success: false, error: { issues: [] } }) } as unknown as z.ZodType<string>;
    expect(thrownBy(() => parseWith(silent, 'name', 'x'))).toEqual(validationError('name', 'invalid value (got "x")'));
  });
});

describe('resolveTarget: a target validated once', () => {
  it('normalizes and fills every field', () => {
    expect(Object.fromEntries(Object.entries(resolveTarget({ endpoint: `${ENDPOINT}/`, projectId: EXAMPLE_PROJECT_ID })))).toEqual({
      endpoint: ENDPOINT,
      apiVersion: DEFAULT_API_VERSION,
      projectId: EXAMPLE_PROJECT_ID,
      userAgent: expect.stringMatching(/^ecs-metadata\//u),
    });
    expect(Object.isFrozen(resolveTarget({ endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID }))).toBe(true);
  });

  it.each([
    ['endpoint', { endpoint: 'ftp://x', projectId: EXAMPLE_PROJECT_ID }],
    ['projectId', { endpoint: ENDPOINT, projectId: '../x' }],
    ['apiVersion', { endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID, apiVersion: 'v3' as 'v2' }],
    ['userAgent', { endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID, userAgent: 'a\r\nb' }],
  ])('refuses a bad %s', (parameter, target) => {
    expect(thrownBy(() => resolveTarget(target))).toMatchObject({ name: 'ValidationError', parameter });
  });

  it('builds the same request from a resolved target as from the raw one', () => {
    const resolved = resolveTarget({ endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID });
    expect(buildGetServerMetadataRequest({ ...resolved, serverId: EXAMPLE_SERVER_ID })).toEqual(buildGetServerMetadataRequest(SEED));
  });

  it('still validates a field changed after resolving, and the server id every time', () => {
    const resolved = resolveTarget({ endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID });
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...resolved, projectId: '../x', serverId: EXAMPLE_SERVER_ID }))).toMatchObject({ parameter: 'projectId' });
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...resolved, endpoint: 'ftp://x', serverId: EXAMPLE_SERVER_ID }))).toMatchObject({ parameter: 'endpoint' });
    expect(thrownBy(() => buildHeaders({ ...resolved, userAgent: 'a\nb' }))).toMatchObject({ parameter: 'userAgent' });
    expect(thrownBy(() => buildGetServerMetadataRequest({ ...resolved, serverId: '..' }))).toMatchObject({ parameter: 'serverId' });
  });
});
