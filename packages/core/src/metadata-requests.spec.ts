import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { signAkSkRequest } from './aksk-signature.js';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
import {
  buildDeleteServerMetadataItemRequest,
  buildDeleteServerMetadataItemV1Request,
  buildGetServerMetadataItemRequest,
  buildReplaceServerMetadataRequest,
  buildSetServerMetadataItemRequest,
  buildUpdateServerMetadataRequest,
  buildUpdateServerMetadataV1Request,
  checkMetadataMap,
  metadataKeySegment,
  nativeServerUrl,
} from './metadata-requests.js';
import { PLATFORM_METADATA_KEYS } from './internal/platform-keys.js';
import type { EcsRequest } from './request.js';
import type { MetadataKeyRules } from './schemas.js';
import { thrownBy, validationError } from './test-support/thrown.js';

const ENDPOINT = 'https://ecs.cn-north-4.myhuaweicloud.com';
const TARGET = { endpoint: ENDPOINT, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID };
const NOVA = `${ENDPOINT}/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata`;
const NATIVE = `${ENDPOINT}/v1/${EXAMPLE_PROJECT_ID}/cloudservers/${EXAMPLE_SERVER_ID}/metadata`;
const HEADERS = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'User-Agent': 'ecs-metadata/0.1.0',
  'X-Project-Id': EXAMPLE_PROJECT_ID,
};
const HUAWEI_KEY_RULE = 'may contain only A-Z a-z 0-9 - _ : .';
const NOVA_KEY_RULE = 'may contain only A-Z a-z 0-9 - _ : . and space';
const platformKey = (key: string): string => `${JSON.stringify(key)} is a platform key, managed by the cloud; pass force: true to write or delete it`;
const manyItems = (count: number): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, 'v']));

describe('buildGetServerMetadataItemRequest (spec §3.2)', () => {
  it('builds GET .../metadata/{key}', () => {
    expect(buildGetServerMetadataItemRequest({ ...TARGET, key: 'wj' })).toStrictEqual({ method: 'GET', url: `${NOVA}/wj`, headers: HEADERS, body: undefined });
  });

  it('builds the v2 request and reads a platform key without force', () => {
    expect(buildGetServerMetadataItemRequest({ ...TARGET, apiVersion: 'v2', key: 'os_type' })).toStrictEqual({
      method: 'GET',
      url: `${ENDPOINT}/v2/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata/os_type`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('sends ":" and "." raw and a space (Nova rules) as %20, as the spec vectors do', () => {
    expect(buildGetServerMetadataItemRequest({ ...TARGET, key: 'os:type.v1' }).url).toBe(`${NOVA}/os:type.v1`);
    expect(buildGetServerMetadataItemRequest({ ...TARGET, key: 'a b', keyRules: 'nova' }).url).toBe(`${NOVA}/a%20b`);
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['with a space (Huawei rules)', 'a b', `${HUAWEI_KEY_RULE} (got "a b")`],
    ['a traversal', '../x', `${HUAWEI_KEY_RULE} (got "../x")`],
    ['with a slash', 'a/b', `${HUAWEI_KEY_RULE} (got "a/b")`],
    ['with a backslash', 'a\\b', `${HUAWEI_KEY_RULE} (got "a\\\\b")`],
    ['percent-encoded', '%2e%2e', `${HUAWEI_KEY_RULE} (got "%2e%2e")`],
    ['with CR LF', 'a\r\nb', `${HUAWEI_KEY_RULE} (got "a\\r\\nb")`],
    ['with NUL', 'a\0', `${HUAWEI_KEY_RULE} (got "a\\u0000")`],
    ['non-ASCII', 'ключ', `${HUAWEI_KEY_RULE} (got "ключ")`],
    ['256 characters', 'k'.repeat(256), `must be 1-255 characters (got "${'k'.repeat(80)}…")`],
    ['.', '.', '"." is a relative path segment'],
    ['..', '..', '".." is a relative path segment'],
    ['a number', 5, 'Invalid input: expected string, received number (got 5)'],
  ])('refuses a key that is %s', (_label, key, reason) => {
    expect(thrownBy(() => buildGetServerMetadataItemRequest({ ...TARGET, key: key as string }))).toEqual(validationError('key', reason));
  });

  it('refuses under Nova rules what Nova refuses, and a tab', () => {
    expect(thrownBy(() => buildGetServerMetadataItemRequest({ ...TARGET, key: 'a\tb', keyRules: 'nova' }))).toEqual(
      validationError('key', `${NOVA_KEY_RULE} (got "a\\tb")`),
    );
    expect(thrownBy(() => buildGetServerMetadataItemRequest({ ...TARGET, key: 'a/b', keyRules: 'nova' }))).toEqual(
      validationError('key', `${NOVA_KEY_RULE} (got "a/b")`),
    );
  });

  it('refuses unknown key rules', () => {
    expect(thrownBy(() => buildGetServerMetadataItemRequest({ ...TARGET, key: 'wj', keyRules: 'openstack' as MetadataKeyRules }))).toEqual(
      validationError('keyRules', 'Invalid option: expected one of "huawei"|"nova" (got "openstack")'),
    );
  });

  it('checks the server before the key, and the key before the User-Agent', () => {
    expect(thrownBy(() => buildGetServerMetadataItemRequest({ ...TARGET, serverId: '..', key: '', userAgent: '\n' }))).toEqual(
      validationError('serverId', '".." is a relative path segment'),
    );
    expect(thrownBy(() => buildGetServerMetadataItemRequest({ ...TARGET, key: '', userAgent: '\n' }))).toEqual(validationError('key', 'must not be empty'));
  });
});

describe('buildUpdateServerMetadataRequest (spec §3.3) and buildReplaceServerMetadataRequest (§3.4)', () => {
  it('builds the merge: POST with {"metadata": {...}}, compact JSON in the caller\'s key order', () => {
    expect(buildUpdateServerMetadataRequest({ ...TARGET, metadata: { key1: 'value1', wj: 'True' } })).toStrictEqual({
      method: 'POST',
      url: NOVA,
      headers: HEADERS,
      body: '{"metadata":{"key1":"value1","wj":"True"}}',
    });
  });

  it('builds the replace: PUT with the same body, also on v2', () => {
    expect(buildReplaceServerMetadataRequest({ ...TARGET, apiVersion: 'v2', metadata: { key1: 'value1', key2: 'value2' } })).toStrictEqual({
      method: 'PUT',
      url: `${ENDPOINT}/v2/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata`,
      headers: HEADERS,
      body: '{"metadata":{"key1":"value1","key2":"value2"}}',
    });
  });

  it('accepts the empty map (a no-op merge, a clearing replace), 128 items and the limits of §4.1', () => {
    expect(buildUpdateServerMetadataRequest({ ...TARGET, metadata: {} }).body).toBe('{"metadata":{}}');
    expect(buildReplaceServerMetadataRequest({ ...TARGET, metadata: {} }).body).toBe('{"metadata":{}}');
    expect(JSON.parse(buildUpdateServerMetadataRequest({ ...TARGET, metadata: manyItems(128) }).body as string).metadata).toEqual(
      manyItems(128),
    );
    const long = { ['k'.repeat(255)]: 'v'.repeat(255), empty: '', 'os:type.v1': 'Linux', __proto__x: 'ok' };
    expect(JSON.parse(buildReplaceServerMetadataRequest({ ...TARGET, metadata: long }).body as string)).toEqual({ metadata: long });
  });

  it('counts characters, not UTF-16 units or bytes: 255 emoji are a valid value', () => {
    const value = '😀'.repeat(255);
    expect(buildUpdateServerMetadataRequest({ ...TARGET, metadata: { wj: value } }).body).toBe(JSON.stringify({ metadata: { wj: value } }));
  });

  it('allows a space in keys only under Nova rules', () => {
    expect(buildUpdateServerMetadataRequest({ ...TARGET, metadata: { 'a b': 'c' }, keyRules: 'nova' }).body).toBe('{"metadata":{"a b":"c"}}');
    expect(thrownBy(() => buildUpdateServerMetadataRequest({ ...TARGET, metadata: { 'a b': 'c' } }))).toEqual(
      validationError('metadata', `key "a b" ${HUAWEI_KEY_RULE}`),
    );
  });

  it.each([
    ['an empty key', { '': 'v' }, `key "" ${HUAWEI_KEY_RULE} and must be 1-255 characters`],
    ['a key of 256 characters', { ['k'.repeat(256)]: 'v' }, `key "${'k'.repeat(256)}" must be 1-255 characters`],
    ['a key with "/"', { 'a/b': 'v' }, `key "a/b" ${HUAWEI_KEY_RULE}`],
    ['a key with non-ASCII', { ключ: 'v' }, `key "ключ" ${HUAWEI_KEY_RULE}`],
    ['a value of 256 characters', { wj: 'x'.repeat(256) }, 'the value of "wj" must be at most 255 characters'],
    ['a number value', { wj: 1 }, 'the value of "wj" must be a string (got number)'],
    ['a boolean value', { wj: true }, 'the value of "wj" must be a string (got boolean)'],
    ['a null value', { wj: null }, 'the value of "wj" must be a string (got null)'],
    ['an object value', { wj: {} }, 'the value of "wj" must be a string (got object)'],
    ['129 items', manyItems(129), 'holds 129 items; at most 128 may be sent at once'],
    ['a list', ['a'], 'must be an object of string keys to string values (got a list)'],
    ['null', null, 'must be an object of string keys to string values (got null)'],
    ['a string', 'wj=True', 'must be an object of string keys to string values (got string)'],
    ['a platform key', { os_type: 'Linux' }, `key ${platformKey('os_type')}`],
  ])('refuses %s before any request', (_label, metadata, reason) => {
    for (const build of [buildUpdateServerMetadataRequest, buildReplaceServerMetadataRequest]) {
      expect(thrownBy(() => build({ ...TARGET, metadata: metadata as Record<string, string> }))).toEqual(validationError('metadata', reason));
    }
  });

  it('writes every platform key of spec §4.3 with force, and refuses each without it', () => {
    for (const key of PLATFORM_METADATA_KEYS) {
      expect(thrownBy(() => buildUpdateServerMetadataRequest({ ...TARGET, metadata: { [key]: 'x' } }))).toEqual(
        validationError('metadata', `key ${platformKey(key)}`),
      );
      expect(buildUpdateServerMetadataRequest({ ...TARGET, metadata: { [key]: 'x' }, force: true }).body).toBe(JSON.stringify({ metadata: { [key]: 'x' } }));
    }
  });

  it('sends only own enumerable entries', () => {
    const inherited = Object.create({ inherited: 'no' }) as Record<string, string>;
    inherited['own'] = 'yes';
    expect(buildUpdateServerMetadataRequest({ ...TARGET, metadata: inherited }).body).toBe('{"metadata":{"own":"yes"}}');
  });
});

describe('buildSetServerMetadataItemRequest (spec §3.5)', () => {
  it('builds PUT .../metadata/{key} with {"meta": {key: value}}', () => {
    expect(buildSetServerMetadataItemRequest({ ...TARGET, key: 'wj', value: 'False' })).toStrictEqual({
      method: 'PUT',
      url: `${NOVA}/wj`,
      headers: HEADERS,
      body: '{"meta":{"wj":"False"}}',
    });
  });

  it('puts the raw key in the body and the encoded key in the path', () => {
    expect(buildSetServerMetadataItemRequest({ ...TARGET, key: 'a b', value: '', keyRules: 'nova' })).toStrictEqual({
      method: 'PUT',
      url: `${NOVA}/a%20b`,
      headers: HEADERS,
      body: '{"meta":{"a b":""}}',
    });
    expect(JSON.parse(buildSetServerMetadataItemRequest({ ...TARGET, key: '__proto__', value: 'v' }).body as string)).toEqual(
      JSON.parse('{"meta":{"__proto__":"v"}}'),
    );
  });

  it.each([
    ['key', { key: 'os_type', value: 'Linux' }, platformKey('os_type')],
    ['key', { key: 'a b', value: 'v' }, `${HUAWEI_KEY_RULE} (got "a b")`],
    ['value', { key: 'wj', value: 'x'.repeat(256) }, `must be at most 255 characters (got "${'x'.repeat(80)}…")`],
    ['value', { key: 'wj', value: 1 }, 'Invalid input: expected string, received number (got 1)'],
  ])('refuses a bad %s: %j', (parameter, input, reason) => {
    expect(thrownBy(() => buildSetServerMetadataItemRequest({ ...TARGET, ...(input as { key: string; value: string }) }))).toEqual(
      validationError(parameter, reason),
    );
  });

  it('writes a platform key with force', () => {
    expect(buildSetServerMetadataItemRequest({ ...TARGET, key: 'os_type', value: 'Linux', force: true }).body).toBe('{"meta":{"os_type":"Linux"}}');
  });
});

describe('buildDeleteServerMetadataItemRequest (spec §3.6)', () => {
  it('builds DELETE .../metadata/{key} without a body', () => {
    expect(buildDeleteServerMetadataItemRequest({ ...TARGET, key: 'wj' })).toStrictEqual({ method: 'DELETE', url: `${NOVA}/wj`, headers: HEADERS, body: undefined });
  });

  it('refuses a platform key without force, and deletes it with force', () => {
    expect(thrownBy(() => buildDeleteServerMetadataItemRequest({ ...TARGET, key: 'virtual_env_type' }))).toEqual(
      validationError('key', platformKey('virtual_env_type')),
    );
    expect(buildDeleteServerMetadataItemRequest({ ...TARGET, key: 'virtual_env_type', force: true }).url).toBe(`${NOVA}/virtual_env_type`);
  });

  it('refuses a traversal key', () => {
    expect(thrownBy(() => buildDeleteServerMetadataItemRequest({ ...TARGET, key: '..', keyRules: 'nova' }))).toEqual(
      validationError('key', '".." is a relative path segment'),
    );
  });
});

describe('the ECS native calls (spec §3.7, §3.8)', () => {
  it('builds POST /v1/{project}/cloudservers/{server}/metadata', () => {
    expect(buildUpdateServerMetadataV1Request({ ...TARGET, metadata: { key1: 'value1' } })).toStrictEqual({
      method: 'POST',
      url: NATIVE,
      headers: HEADERS,
      body: '{"metadata":{"key1":"value1"}}',
    });
  });

  it('builds DELETE /v1/{project}/cloudservers/{server}/metadata/{key}', () => {
    expect(buildDeleteServerMetadataItemV1Request({ ...TARGET, key: 'key1' })).toStrictEqual({
      method: 'DELETE',
      url: `${NATIVE}/key1`,
      headers: HEADERS,
      body: undefined,
    });
  });

  it('applies the same checks as the Nova calls', () => {
    expect(thrownBy(() => buildUpdateServerMetadataV1Request({ ...TARGET, metadata: manyItems(129) }))).toEqual(
      validationError('metadata', 'holds 129 items; at most 128 may be sent at once'),
    );
    expect(thrownBy(() => buildDeleteServerMetadataItemV1Request({ ...TARGET, key: 'os_bit' }))).toEqual(validationError('key', platformKey('os_bit')));
    expect(thrownBy(() => buildDeleteServerMetadataItemV1Request({ ...TARGET, serverId: 'a/b', key: 'wj' }))).toEqual(
      validationError('serverId', 'must not contain "/" or "\\" (got "a/b")'),
    );
  });

  it('nativeServerUrl validates endpoint, project and server in that order', () => {
    expect(nativeServerUrl({ endpoint: 'http://127.0.0.1:8774/', projectId: 'abc' }, 'a b')).toBe('http://127.0.0.1:8774/v1/abc/cloudservers/a%20b');
    expect(thrownBy(() => nativeServerUrl({ endpoint: 'ftp://x', projectId: 'X' }, '..'))).toEqual(validationError('endpoint', 'scheme must be https or http, got "ftp:"'));
    expect(thrownBy(() => nativeServerUrl({ endpoint: ENDPOINT, projectId: 'X' }, '..'))).toEqual(
      validationError('projectId', 'must be 1-64 characters of lower-case hex digits and "-" (e.g. 9c53a566cb3443ab910cf0daebca90c4) (got "X")'),
    );
    expect(thrownBy(() => nativeServerUrl({ endpoint: ENDPOINT, projectId: 'abc' }, ''))).toEqual(validationError('serverId', 'must not be empty (got "")'));
  });
});

describe('metadataKeySegment and checkMetadataMap', () => {
  it('names the parameter it is given', () => {
    expect(metadataKeySegment('os:type', undefined, 'KEY')).toBe('os:type');
    expect(thrownBy(() => metadataKeySegment('', 'nova', 'KEY'))).toEqual(validationError('KEY', 'must not be empty'));
  });

  it('returns a plain copy', () => {
    const input = { b: '2', a: '1' };
    const copy = checkMetadataMap(input);
    expect(copy).toStrictEqual({ b: '2', a: '1' });
    expect(copy).not.toBe(input);
    expect(Object.keys(copy)).toEqual(['b', 'a']);
  });

  // The map goes through metadataMapSchema, whose records check every own key: zod's own record
  // would skip `__proto__` (see ownKeysRecordSchema).
  it('checks and keeps an own "__proto__" item as any other', () => {
    const valid = JSON.parse('{"__proto__": "x", "wj": "True"}') as unknown;
    expect(Object.entries(checkMetadataMap(valid))).toEqual([['__proto__', 'x'], ['wj', 'True']]);
    expect(thrownBy(() => checkMetadataMap(JSON.parse('{"__proto__": 1}')))).toEqual(validationError('metadata', 'the value of "__proto__" must be a string (got number)'));
  });
});

// The spec's AK/SK vectors (§9.3) were computed by the official SDK for these very calls: the
// builders must put the same bytes on the wire, or a signature over them would not match.
describe('the builders against the AK/SK vectors of spec §9.3', () => {
  interface Vector {
    id: string;
    input: {
      ak: string;
      sk: string;
      endpoint: string;
      method: string;
      path_params: Record<string, string>;
      project_id: string;
      body_object: unknown;
    };
    request: { url_path: string; body: string | null };
    authorization: string;
  }
  const file = JSON.parse(readFileSync(new URL('../test-vectors/aksk-signing.json', import.meta.url), 'utf8')) as {
    fixed_inputs: { timestamp_iso: string };
    vectors: Vector[];
  };
  const vector = (id: string): Vector => file.vectors.find((candidate) => candidate.id === id) as Vector;
  const target = (v: Vector): { endpoint: string; projectId: string; serverId: string } => ({
    endpoint: v.input.endpoint,
    projectId: v.input.project_id,
    serverId: v.input.path_params['server_id'] as string,
  });
  const metadataOf = (v: Vector): Record<string, string> => (v.input.body_object as { metadata: Record<string, string> }).metadata;
  const sign = (request: EcsRequest, v: Vector): string | undefined => {
    const url = new URL(request.url);
    const headers = { 'Content-Type': request.headers['Content-Type'] as string, Host: url.host, 'X-Project-Id': request.headers['X-Project-Id'] as string };
    return signAkSkRequest({
      method: request.method,
      url: request.url,
      headers,
      body: request.body,
      ak: v.input.ak,
      sk: v.input.sk,
      date: new Date(file.fixed_inputs.timestamp_iso),
    })['Authorization'];
  };

  it.each([
    ['nova-v2.1-show-metadata-item', (v: Vector) => buildGetServerMetadataItemRequest({ ...target(v), key: v.input.path_params['key'] as string })],
    ['nova-v2.1-show-metadata-item-reserved-chars', (v: Vector) => buildGetServerMetadataItemRequest({ ...target(v), key: v.input.path_params['key'] as string })],
    [
      'nova-v2.1-show-metadata-item-space-in-key',
      (v: Vector) => buildGetServerMetadataItemRequest({ ...target(v), key: v.input.path_params['key'] as string, keyRules: 'nova' }),
    ],
    ['nova-v2.1-update-metadata', (v: Vector) => buildUpdateServerMetadataRequest({ ...target(v), metadata: metadataOf(v) })],
    ['nova-v2.1-replace-metadata', (v: Vector) => buildReplaceServerMetadataRequest({ ...target(v), metadata: metadataOf(v) })],
    [
      'nova-v2.1-set-metadata-item',
      (v: Vector) =>
        buildSetServerMetadataItemRequest({
          ...target(v),
          key: v.input.path_params['key'] as string,
          value: (v.input.body_object as { meta: Record<string, string> }).meta[v.input.path_params['key'] as string] as string,
        }),
    ],
    ['nova-v2.1-delete-metadata-item', (v: Vector) => buildDeleteServerMetadataItemRequest({ ...target(v), key: v.input.path_params['key'] as string })],
    ['ecs-v1-update-metadata-sdk', (v: Vector) => buildUpdateServerMetadataV1Request({ ...target(v), metadata: metadataOf(v) })],
    ['ecs-v1-delete-metadata-sdk', (v: Vector) => buildDeleteServerMetadataItemV1Request({ ...target(v), key: v.input.path_params['key'] as string })],
  ])('%s: same method, path, body and signature', (id, build) => {
    const v = vector(id);
    const request = build(v);
    expect([request.method, new URL(request.url).pathname, request.body ?? null]).toEqual([
      v.input.method,
      v.request.url_path,
      v.request.body,
    ]);
    expect(sign(request, v)).toBe(v.authorization);
  });
});
