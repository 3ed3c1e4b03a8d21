import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, answerOf, JSON_HEADERS, metadataPath, rawRequest, sendJson as send } from './test-support/http.js';

const LIST = metadataPath();
const item = (key: string, version = 'v2.1'): string => `${metadataPath({ version })}/${key}`;
const UNKNOWN_SERVER = 'b8a7f1c2-0000-4000-8000-000000000000';
const KEY_PATTERN = "'^[a-zA-Z0-9-_:. ]{1,255}$'";

const badRequest = (message: string): unknown => ({ badRequest: { code: 400, message } });
const itemNotFound = { itemNotFound: { code: 404, message: 'Metadata item was not found' } };
const serverNotFound = (serverId: string): unknown => ({ itemNotFound: { code: 404, message: `Instance ${serverId} could not be found.` } });
const manyItems = (count: number, prefix = 'k'): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, index) => [`${prefix}${index}`, 'v']));


const answer = answerOf;

describe('the Nova metadata family at the mock (spec §3.2-§3.6)', () => {
  let mock: MockProvider;
  const stored = (): Record<string, string> | undefined => mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.metadata;

  beforeAll(async () => {
    mock = await startMockProvider({ port: 0 });
  });
  afterAll(async () => {
    await mock.close();
  });
  beforeEach(() => {
    mock.admin.reset();
  });

  describe('show one item (§3.2)', () => {
    it('answers {"meta": {key: value}} on /v2.1 and /v2', async () => {
      expect(answer(await send(mock, 'GET', item('wj')))).toEqual([200, { meta: { wj: 'True' } }]);
      expect(answer(await send(mock, 'GET', item('wj', 'v2')))).toEqual([200, { meta: { wj: 'True' } }]);
    });

    it('takes ":" and "." raw and a space as %20', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { 'os:type.v1': 'Linux', 'a b': 'c' } });
      expect(answer(await send(mock, 'GET', item('os:type.v1')))).toEqual([200, { meta: { 'os:type.v1': 'Linux' } }]);
      expect(answer(await send(mock, 'GET', item('os%3Atype.v1')))).toEqual([200, { meta: { 'os:type.v1': 'Linux' } }]);
      expect(answer(await send(mock, 'GET', item('a%20b')))).toEqual([200, { meta: { 'a b': 'c' } }]);
    });

    it('answers 404 "Metadata item was not found" for an unknown key, and the server 404 first', async () => {
      expect(answer(await send(mock, 'GET', item('nope')))).toEqual([404, itemNotFound]);
      expect(answer(await send(mock, 'GET', `${metadataPath({ serverId: UNKNOWN_SERVER })}/wj`))).toEqual([404, serverNotFound(UNKNOWN_SERVER)]);
    });

    it('does not take inherited names for keys', async () => {
      expect(answer(await send(mock, 'GET', item('constructor')))).toEqual([404, itemNotFound]);
      expect(answer(await send(mock, 'GET', item('__proto__')))).toEqual([404, itemNotFound]);
    });

    it('reads a locked or building server', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True' }, locked: true, vmState: 'building' });
      expect(answer(await send(mock, 'GET', item('wj')))).toEqual([200, { meta: { wj: 'True' } }]);
    });
  });

  describe('merge (§3.3)', () => {
    it('answers 200 with the complete map and keeps the other keys', async () => {
      expect(answer(await send(mock, 'POST', LIST, { metadata: { owner: 'li', env: 'prod' } }))).toEqual([200, { metadata: { wj: 'True', owner: 'li', env: 'prod' } }]);
      expect(stored()).toEqual({ wj: 'True', owner: 'li', env: 'prod' });
      expect(answer(await send(mock, 'POST', LIST, { metadata: { wj: 'False' } }))).toEqual([200, { metadata: { wj: 'False', owner: 'li', env: 'prod' } }]);
    });

    it('treats {} as a no-op, on /v2 as well', async () => {
      expect(answer(await send(mock, 'POST', metadataPath({ version: 'v2' }), { metadata: {} }))).toEqual([200, { metadata: { wj: 'True' } }]);
    });

    it('allows a space in keys (Nova rules), 255-character keys and values and empty values', async () => {
      const metadata = { 'a b': '', ['k'.repeat(255)]: 'v'.repeat(255) };
      expect(answer(await send(mock, 'POST', LIST, { metadata }))).toEqual([200, { metadata: { wj: 'True', ...metadata } }]);
    });

    it('answers 403 forbidden when the map would exceed 128 items, and changes nothing', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: manyItems(128) });
      const forbidden = { forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } };
      expect(answer(await send(mock, 'POST', LIST, { metadata: { owner: 'li' } }))).toEqual([403, forbidden]);
      expect(Object.keys(stored() ?? {})).toHaveLength(128);
      // Overwriting an existing key does not grow the map.
      expect((await send(mock, 'POST', LIST, { metadata: { k0: 'new' } })).status).toBe(200);
    });

    it('answers 403 for 129 items in one request (the quota, not the schema, refuses it)', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: {} });
      expect((await send(mock, 'POST', LIST, { metadata: manyItems(129) })).status).toBe(403);
      expect((await send(mock, 'PUT', LIST, { metadata: manyItems(129) })).status).toBe(403);
      expect((await send(mock, 'PUT', LIST, { metadata: manyItems(128) })).status).toBe(200);
    });
  });

  describe('replace (§3.4)', () => {
    it('answers 200 with exactly the new map', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True', old: 'x' } });
      expect(answer(await send(mock, 'PUT', LIST, { metadata: { owner: 'li' } }))).toEqual([200, { metadata: { owner: 'li' } }]);
      expect(stored()).toEqual({ owner: 'li' });
    });

    it('clears the map with {}, but virtual_env_type survives (spec §4.3)', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True', virtual_env_type: 'FusionCompute' } });
      expect(answer(await send(mock, 'PUT', LIST, { metadata: {} }))).toEqual([200, { metadata: { virtual_env_type: 'FusionCompute' } }]);
    });
  });

  describe('set one item (§3.5)', () => {
    it('answers 200 echoing {"meta": ...} and leaves the other keys', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True', other: 'x' } });
      expect(answer(await send(mock, 'PUT', item('wj'), { meta: { wj: 'False' } }))).toEqual([200, { meta: { wj: 'False' } }]);
      expect(answer(await send(mock, 'PUT', item('a%20b'), { meta: { 'a b': 'new' } }))).toEqual([200, { meta: { 'a b': 'new' } }]);
      expect(stored()).toEqual({ wj: 'False', other: 'x', 'a b': 'new' });
    });

    it('answers 400 "Request body and URI mismatch" before looking the server up', async () => {
      const mismatch = badRequest('Request body and URI mismatch');
      expect(answer(await send(mock, 'PUT', item('wj'), { meta: { other: 'x' } }))).toEqual([400, mismatch]);
      expect(answer(await send(mock, 'PUT', `${metadataPath({ serverId: UNKNOWN_SERVER })}/wj`, { meta: { other: 'x' } }))).toEqual([400, mismatch]);
      expect(stored()).toEqual({ wj: 'True' });
    });

    it.each([
      ['no item', { meta: {} }, 'Invalid input for field/attribute meta. Value: {}. {} does not have enough properties'],
      ['two items', { meta: { wj: 'a', x: 'b' } }, "Invalid input for field/attribute meta. Value: {'wj': 'a', 'x': 'b'}. {'wj': 'a', 'x': 'b'} has too many properties"],
      ['metadata instead of meta', { metadata: { wj: 'a' } }, "'meta' is a required property"],
      ['a non-string value', { meta: { wj: false } }, "Invalid input for field/attribute wj. Value: False. False is not of type 'string'"],
    ])('answers 400 for %s', async (_label, body, message) => {
      expect(answer(await send(mock, 'PUT', item('wj'), body))).toEqual([400, badRequest(message)]);
    });

    it('answers 403 when a new key would be the 129th', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: manyItems(128) });
      expect((await send(mock, 'PUT', item('new'), { meta: { new: 'x' } })).status).toBe(403);
      expect((await send(mock, 'PUT', item('k1'), { meta: { k1: 'x' } })).status).toBe(200);
    });
  });

  describe('delete one item (§3.6)', () => {
    it('answers 204 without a body, then 404 for the same key', async () => {
      const deleted = await send(mock, 'DELETE', item('wj'), undefined, AUTH_HEADERS);
      expect([deleted.status, deleted.text, deleted.headers['content-length']]).toEqual([204, '', undefined]);
      expect(stored()).toEqual({});
      expect(answer(await send(mock, 'DELETE', item('wj'), undefined, AUTH_HEADERS))).toEqual([404, itemNotFound]);
    });

    it('answers 404 for an unknown server before the key', async () => {
      expect(answer(await send(mock, 'DELETE', `${metadataPath({ serverId: UNKNOWN_SERVER })}/wj`, undefined, AUTH_HEADERS))).toEqual([
        404,
        serverNotFound(UNKNOWN_SERVER),
      ]);
    });
  });

  describe('the constraint table of spec §4.1, sent raw', () => {
    it.each([
      ['a key with "/"', { 'a/b': 'v' }, `Invalid input for field/attribute metadata. Value: {'a/b': 'v'}. 'a/b' does not match any of the regexes: ${KEY_PATTERN}`],
      ['a non-ASCII key', { ключ: 'v' }, `Invalid input for field/attribute metadata. Value: {'ключ': 'v'}. 'ключ' does not match any of the regexes: ${KEY_PATTERN}`],
      ['an empty key', { '': 'v' }, `Invalid input for field/attribute metadata. Value: {'': 'v'}. '' does not match any of the regexes: ${KEY_PATTERN}`],
      [
        'a key of 256 characters',
        { ['k'.repeat(256)]: 'v' },
        `Invalid input for field/attribute metadata. Value: {'${'k'.repeat(256)}': 'v'}. '${'k'.repeat(256)}' does not match any of the regexes: ${KEY_PATTERN}`,
      ],
      ['two bad keys', { 'b!': '1', 'a!': '2' }, `Invalid input for field/attribute metadata. Value: {'b!': '1', 'a!': '2'}. 'a!', 'b!' do not match any of the regexes: ${KEY_PATTERN}`],
      ['a value of 256 characters', { wj: 'x'.repeat(256) }, `Invalid input for field/attribute wj. Value: ${'x'.repeat(256)}. '${'x'.repeat(256)}' is too long`],
      ['a number value', { wj: 1 }, "Invalid input for field/attribute wj. Value: 1. 1 is not of type 'string'"],
      ['a null value', { wj: null }, "Invalid input for field/attribute wj. Value: None. None is not of type 'string'"],
      ['a boolean value', { wj: true }, "Invalid input for field/attribute wj. Value: True. True is not of type 'string'"],
      ['a list value', { wj: ['a'] }, "Invalid input for field/attribute wj. Value: ['a']. ['a'] is not of type 'string'"],
      ['a bad key with a quote', { "it's": 'v' }, `Invalid input for field/attribute metadata. Value: {"it's": 'v'}. "it's" does not match any of the regexes: ${KEY_PATTERN}`],
    ])('answers 400 for %s in merge and replace', async (_label, metadata, message) => {
      for (const method of ['POST', 'PUT']) {
        expect(answer(await send(mock, method, LIST, { metadata }))).toEqual([400, badRequest(message)]);
      }
      expect(stored()).toEqual({ wj: 'True' });
    });

    it.each([
      ['an extra top-level property', { metadata: {}, extra: 1 }, "Additional properties are not allowed ('extra' was unexpected)"],
      ['two extra properties', { metadata: {}, a: 1, b: 2 }, "Additional properties are not allowed ('a', 'b' were unexpected)"],
      ['no metadata', { meta: { wj: 'x' } }, "'metadata' is a required property"],
      ['a list body', [], "[] is not of type 'object'"],
      ['a list as metadata', { metadata: ['wj'] }, "Invalid input for field/attribute metadata. Value: ['wj']. ['wj'] is not of type 'object'"],
      ['a string as metadata', { metadata: 'wj=True' }, "Invalid input for field/attribute metadata. Value: wj=True. 'wj=True' is not of type 'object'"],
      ['null as metadata', { metadata: null }, "Invalid input for field/attribute metadata. Value: None. None is not of type 'object'"],
    ])('answers 400 for %s', async (_label, body, message) => {
      expect(answer(await send(mock, 'POST', LIST, body))).toEqual([400, badRequest(message)]);
    });

    it('answers 400 "Malformed request body" for invalid JSON and invalid UTF-8, and validates an empty body as None', async () => {
      expect(answer(await send(mock, 'POST', LIST, '{"metadata":'))).toEqual([400, badRequest('Malformed request body')]);
      const res = await rawRequest(mock.url, LIST, { method: 'POST', headers: JSON_HEADERS, body: Buffer.from([0x7b, 0xff, 0x7d]) });
      expect(answer(res)).toEqual([400, badRequest('Malformed request body')]);
      expect(answer(await send(mock, 'POST', LIST, ''))).toEqual([400, badRequest("None is not of type 'object'")]);
      expect(answer(await send(mock, 'PUT', item('wj'), ''))).toEqual([400, badRequest("None is not of type 'object'")]);
    });

    it('answers 415 badMediaType for a content type that is not JSON', async () => {
      for (const contentType of ['application/xml', 'application/x-www-form-urlencoded', 'text/html']) {
        const res = await send(mock, 'POST', LIST, { metadata: { a: 'b' } }, { ...AUTH_HEADERS, 'Content-Type': contentType });
        expect(answer(res)).toEqual([415, { badMediaType: { code: 415, message: 'Unsupported Content-Type' } }]);
      }
      expect(stored()).toEqual({ wj: 'True' });
    });

    it('takes a JSON body with charset, Nova\'s own type, text/plain or no content type', async () => {
      for (const contentType of ['application/json;charset=UTF-8', 'application/vnd.openstack.compute+json', 'text/plain', undefined]) {
        const headers = contentType === undefined ? AUTH_HEADERS : { ...AUTH_HEADERS, 'Content-Type': contentType };
        expect((await send(mock, 'POST', LIST, { metadata: { a: 'b' } }, headers)).status).toBe(200);
      }
    });

    it('checks the body before the server: a bad body for an unknown server is a 400', async () => {
      expect((await send(mock, 'POST', metadataPath({ serverId: UNKNOWN_SERVER }), { metadata: { wj: 1 } })).status).toBe(400);
      expect(answer(await send(mock, 'POST', metadataPath({ serverId: UNKNOWN_SERVER }), { metadata: {} }))).toEqual([404, serverNotFound(UNKNOWN_SERVER)]);
    });
  });

  describe('server state (spec §4.2) and the protected key (§4.3)', () => {
    const writes: [string, string, unknown][] = [
      ['POST', LIST, { metadata: { owner: 'li' } }],
      ['PUT', LIST, { metadata: { owner: 'li' } }],
      ['PUT', item('wj'), { meta: { wj: 'False' } }],
      ['DELETE', item('wj'), undefined],
    ];

    it('answers 409 "Instance <id> is locked" to every write of a locked server', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True' }, locked: true });
      for (const [method, path, body] of writes) {
        expect(answer(await send(mock, method, path, body))).toEqual([409, { conflictingRequest: { code: 409, message: `Instance ${EXAMPLE_SERVER_ID} is locked` } }]);
      }
      expect(stored()).toEqual({ wj: 'True' });
    });

    it.each(['building', 'error', 'rescued', 'shelved', 'soft-delete'])('answers 409 to writes while the vm_state is %s', async (vmState) => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True' }, vmState });
      for (const [method, path, body] of writes) {
        const action = method === 'DELETE' ? 'delete metadata' : 'update metadata';
        expect(answer(await send(mock, method, path, body))).toEqual([
          409,
          { conflictingRequest: { code: 409, message: `Cannot '${action}' instance ${EXAMPLE_SERVER_ID} while it is in vm_state ${vmState}` } },
        ]);
      }
    });

    it.each(['active', 'stopped', 'paused', 'suspended'])('allows writes while the vm_state is %s', async (vmState) => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { wj: 'True' }, vmState });
      expect((await send(mock, 'POST', LIST, { metadata: { a: 'b' } })).status).toBe(200);
      expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.vmState).toBe(vmState);
    });

    it('checks a missing key before the lock when deleting, as Nova does', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: {}, locked: true });
      expect(answer(await send(mock, 'DELETE', item('wj'), undefined, AUTH_HEADERS))).toEqual([404, itemNotFound]);
    });

    it('answers 400 to writing or deleting virtual_env_type', async () => {
      mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: { virtual_env_type: 'FusionCompute' } });
      const refused = [400, badRequest('The metadata key virtual_env_type cannot be added, changed or deleted.')];
      expect(answer(await send(mock, 'POST', LIST, { metadata: { virtual_env_type: 'KVM' } }))).toEqual(refused);
      expect(answer(await send(mock, 'PUT', LIST, { metadata: { virtual_env_type: 'KVM' } }))).toEqual(refused);
      expect(answer(await send(mock, 'PUT', item('virtual_env_type'), { meta: { virtual_env_type: 'KVM' } }))).toEqual(refused);
      expect(answer(await send(mock, 'DELETE', item('virtual_env_type'), undefined, AUTH_HEADERS))).toEqual(refused);
      expect(stored()).toEqual({ virtual_env_type: 'FusionCompute' });
    });

    it('treats the other platform keys as ordinary keys', async () => {
      expect(answer(await send(mock, 'POST', LIST, { metadata: { os_type: 'Linux' } }))).toEqual([200, { metadata: { wj: 'True', os_type: 'Linux' } }]);
      expect((await send(mock, 'DELETE', item('os_type'), undefined, AUTH_HEADERS)).status).toBe(204);
    });
  });

  it('authenticates writes first: no token → 401, another project → 400', async () => {
    expect((await send(mock, 'POST', LIST, { metadata: {} }, { 'Content-Type': 'application/json' })).status).toBe(401);
    mock.admin.addToken('other-token', '0123456789abcdef0123456789abcdef');
    const res = await send(mock, 'DELETE', item('wj'), undefined, { 'X-Auth-Token': 'other-token' });
    expect(res.status).toBe(400);
    expect(stored()).toEqual({ wj: 'True' });
  });

  describe('the lock and unlock server actions (Nova POST /servers/{id}/action)', () => {
    const ACTION = `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/action`;
    const locked = (): boolean | undefined => mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.locked;

    it('locks with 202 and an empty body; a locked server refuses metadata writes with 409; unlock lifts it', async () => {
      expect(answer(await send(mock, 'POST', ACTION, { lock: null }))).toEqual([202, '']);
      expect(locked()).toBe(true);
      expect(answer(await send(mock, 'PUT', LIST, { metadata: { a: 'b' } }))).toEqual([
        409,
        { conflictingRequest: { code: 409, message: `Instance ${EXAMPLE_SERVER_ID} is locked` } },
      ]);
      // Locking again is accepted, as Nova does.
      expect(answer(await send(mock, 'POST', ACTION, { lock: { locked_reason: 'verifier' } }))).toEqual([202, '']);
      expect(answer(await send(mock, 'POST', ACTION, { unlock: null }))).toEqual([202, '']);
      expect(locked()).toBe(false);
      expect((await send(mock, 'PUT', LIST, { metadata: { a: 'b' } })).status).toBe(200);
    });

    it('refuses other actions and malformed bodies with 400, an unknown server with 404', async () => {
      expect(answer(await send(mock, 'POST', ACTION, { reboot: { type: 'SOFT' } }))).toEqual([400, badRequest('There is no such action: reboot')]);
      expect((await send(mock, 'POST', ACTION, { lock: null, unlock: null })).status).toBe(400);
      // As Nova 26: unlock takes any argument; lock's is validated from microversion 2.73 on only.
      expect((await send(mock, 'POST', ACTION, { unlock: { locked_reason: 'x' } })).status).toBe(202);
      expect((await send(mock, 'POST', ACTION, { lock: { other: 1 } })).status).toBe(202);
      expect((await send(mock, 'POST', ACTION, { unlock: null })).status).toBe(202);
      expect(answer(await send(mock, 'POST', ACTION.replace(EXAMPLE_SERVER_ID, UNKNOWN_SERVER), { lock: null }))).toEqual([404, serverNotFound(UNKNOWN_SERVER)]);
      expect(locked()).toBe(false);
    });
  });
});
