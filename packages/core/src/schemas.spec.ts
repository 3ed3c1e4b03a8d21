import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
import {
  gatewayErrorSchema,
  huaweiErrorSchema,
  MAX_METADATA_ITEMS,
  metadataKeySchema,
  metadataMapSchema,
  metadataResponseSchema,
  metadataSchema,
  metadataValueSchema,
  novaFaultSchema,
  novaMetadataKeySchema,
  projectIdSchema,
  serverIdSchema,
} from './schemas.js';

/** The issues of a failed parse, reduced to what a caller sees: where and why. */
function issuesOf(schema: z.ZodType, value: unknown): { path: PropertyKey[]; message: string }[] {
  const result = schema.safeParse(value);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  }
  return result.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
}

/** `count` distinct valid items: `k0`…`k{count-1}` → `v`. */
function itemsOf(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, index) => [`k${index}`, 'v']));
}

const PROJECT_ID_MESSAGE = 'must be 1-64 characters of lower-case hex digits and "-" (e.g. 9c53a566cb3443ab910cf0daebca90c4)';
const HUAWEI_KEY_CHARACTERS = 'may contain only A-Z a-z 0-9 - _ : .';
const NOVA_KEY_CHARACTERS = 'may contain only A-Z a-z 0-9 - _ : . and space';
const KEY_LENGTH = 'must be 1-255 characters';

describe('projectIdSchema (DECISIONS "Ids": [0-9a-f-]{1,64})', () => {
  it.each([
    ['the documentation example', EXAMPLE_PROJECT_ID],
    ['one character', '0'],
    ['dashes, as Nova routes them', '9c53a566-cb34-43ab-910c-f0daebca90c4'],
    ['64 characters', 'a'.repeat(64)],
  ])('accepts %s', (_label, value) => {
    expect(projectIdSchema.parse(value)).toBe(value);
  });

  it.each([
    ['the empty string', ''],
    ['65 characters', 'a'.repeat(65)],
    ['upper-case hex', '9C53A566CB3443AB910CF0DAEBCA90C4'],
    ['a non-hex letter', '9c53a566cb3443ab910cf0daebca90cg'],
    ['a path traversal', '../x'],
    ['a slash', 'abc/def'],
    ['a trailing newline', 'abc\n'],
    ['a space', 'abc def'],
    ['a region name', 'cn-north-4'],
  ])('refuses %s', (_label, value) => {
    expect(issuesOf(projectIdSchema, value)).toEqual([{ path: [], message: PROJECT_ID_MESSAGE }]);
  });

  it('refuses a non-string', () => {
    expect(issuesOf(projectIdSchema, 42)).toEqual([{ path: [], message: 'Invalid input: expected string, received number' }]);
  });
});

describe('serverIdSchema (any path-safe string; Nova answers 404 for non-UUIDs)', () => {
  it.each([
    ['the documentation example', EXAMPLE_SERVER_ID],
    ['a non-UUID', 'not-a-uuid'],
    ['one character', 'x'],
    ['255 characters', 's'.repeat(255)],
  ])('accepts %s', (_label, value) => {
    expect(serverIdSchema.parse(value)).toBe(value);
  });

  it.each([
    ['the empty string', '', 'must not be empty'],
    ['256 characters', 's'.repeat(256), 'must be at most 255 characters'],
  ])('refuses %s', (_label, value, message) => {
    expect(issuesOf(serverIdSchema, value)).toEqual([{ path: [], message }]);
  });

  it('refuses a non-string', () => {
    expect(issuesOf(serverIdSchema, null)).toEqual([{ path: [], message: 'Invalid input: expected string, received null' }]);
  });
});

describe('metadataKeySchema (Huawei set: A-Z a-z 0-9 - _ : ., 1-255)', () => {
  it.each([
    ['the seed key', 'wj'],
    ['every allowed punctuation', 'os:type.v1-a_b'],
    ['digits only', '0123456789'],
    ['one character', 'k'],
    ['255 characters', 'k'.repeat(255)],
    ['a platform key', 'metering.image_id'],
  ])('accepts %s', (_label, key) => {
    expect(metadataKeySchema.parse(key)).toBe(key);
  });

  it.each([
    ['a space (Nova only)', 'a b'],
    ['a slash', 'a/b'],
    ['non-ASCII letters', 'ключ'],
    ['an emoji', '😀'],
    ['a percent sign', '100%'],
    ['a newline', 'a\n'],
  ])('refuses %s', (_label, key) => {
    expect(issuesOf(metadataKeySchema, key)).toEqual([{ path: [], message: HUAWEI_KEY_CHARACTERS }]);
  });

  it('refuses 256 characters', () => {
    expect(issuesOf(metadataKeySchema, 'k'.repeat(256))).toEqual([{ path: [], message: KEY_LENGTH }]);
  });

  it('refuses the empty key with both reasons', () => {
    expect(issuesOf(metadataKeySchema, '')).toEqual([
      { path: [], message: HUAWEI_KEY_CHARACTERS },
      { path: [], message: KEY_LENGTH },
    ]);
  });

  it('refuses a non-string', () => {
    expect(issuesOf(metadataKeySchema, 1)).toEqual([{ path: [], message: 'Invalid input: expected string, received number' }]);
  });
});

describe('novaMetadataKeySchema (upstream Nova set: Huawei set plus space)', () => {
  it.each([
    ['a space', 'a b'],
    ['a lone space', ' '],
    ['the seed key', 'wj'],
    ['255 characters with spaces', 'k '.repeat(127) + 'k'],
  ])('accepts %s', (_label, key) => {
    expect(novaMetadataKeySchema.parse(key)).toBe(key);
  });

  it.each([
    ['a slash', 'a/b'],
    ['a tab', 'a\tb'],
    ['non-ASCII letters', 'clé'],
  ])('refuses %s', (_label, key) => {
    expect(issuesOf(novaMetadataKeySchema, key)).toEqual([{ path: [], message: NOVA_KEY_CHARACTERS }]);
  });

  it('refuses 256 characters', () => {
    expect(issuesOf(novaMetadataKeySchema, ' '.repeat(256))).toEqual([{ path: [], message: KEY_LENGTH }]);
  });

  it('refuses the empty key', () => {
    expect(issuesOf(novaMetadataKeySchema, '')).toEqual([
      { path: [], message: NOVA_KEY_CHARACTERS },
      { path: [], message: KEY_LENGTH },
    ]);
  });
});

describe('metadataValueSchema (string of 0-255 Unicode code points)', () => {
  it.each([
    ['the empty string', ''],
    ['the seed value', 'True'],
    ['255 ASCII characters', 'v'.repeat(255)],
    ['255 astral code points (510 UTF-16 units)', '😀'.repeat(255)],
    ['255 Latin-1 letters', 'é'.repeat(255)],
    ['spaces, slashes and newlines', 'a b/c\nd'],
  ])('accepts %s', (_label, value) => {
    expect(metadataValueSchema.parse(value)).toBe(value);
  });

  it.each([
    ['256 ASCII characters', 'v'.repeat(256)],
    ['256 astral code points', '😀'.repeat(256)],
  ])('refuses %s', (_label, value) => {
    expect(issuesOf(metadataValueSchema, value)).toEqual([{ path: [], message: 'must be at most 255 characters' }]);
  });

  it.each([
    ['a number', 1, 'number'],
    ['a boolean', true, 'boolean'],
    ['null', null, 'null'],
    ['an object', {}, 'object'],
  ])('refuses %s', (_label, value, received) => {
    expect(issuesOf(metadataValueSchema, value)).toEqual([
      { path: [], message: `Invalid input: expected string, received ${received}` },
    ]);
  });
});

describe('metadataMapSchema (what a client may send)', () => {
  it('has the limit of spec §4.1', () => {
    expect(MAX_METADATA_ITEMS).toBe(128);
  });

  it('accepts the empty map and the seed map', () => {
    expect(metadataMapSchema.parse({})).toEqual({});
    expect(metadataMapSchema.parse({ wj: 'True' })).toEqual({ wj: 'True' });
  });

  it('accepts 128 items', () => {
    expect(metadataMapSchema.parse(itemsOf(128))).toEqual(itemsOf(128));
  });

  it('refuses 129 items', () => {
    expect(issuesOf(metadataMapSchema, itemsOf(129))).toEqual([{ path: [], message: 'must hold at most 128 items' }]);
  });

  it('refuses a key outside the Huawei set, naming it', () => {
    expect(issuesOf(metadataMapSchema, { 'a b': 'x' })).toEqual([{ path: ['a b'], message: 'Invalid key in record' }]);
  });

  it('refuses a non-string value, naming its key', () => {
    expect(issuesOf(metadataMapSchema, { wj: true })).toEqual([
      { path: ['wj'], message: 'Invalid input: expected string, received boolean' },
    ]);
  });

  it('refuses an over-long value, naming its key', () => {
    expect(issuesOf(metadataMapSchema, { wj: 'v'.repeat(256) })).toEqual([
      { path: ['wj'], message: 'must be at most 255 characters' },
    ]);
  });

  it('refuses a list', () => {
    expect(issuesOf(metadataMapSchema, ['wj'])).toEqual([
      { path: [], message: 'Invalid input: expected record, received array' },
    ]);
  });
});

describe('metadataResponseSchema (200 body of "list all metadata")', () => {
  it('accepts {"metadata":{"wj":"True"}}', () => {
    expect(metadataResponseSchema.parse(JSON.parse('{"metadata":{"wj":"True"}}'))).toEqual({ metadata: { wj: 'True' } });
  });

  it('accepts an empty map and platform keys a client may not write', () => {
    expect(metadataResponseSchema.parse({ metadata: {} })).toEqual({ metadata: {} });
    const platform = { charging_mode: '0', 'metering.image_id': 'x', 'a key with spaces': 'y' };
    expect(metadataResponseSchema.parse({ metadata: platform })).toEqual({ metadata: platform });
    expect(metadataSchema.parse(platform)).toEqual(platform);
  });

  it('refuses a numeric value', () => {
    expect(issuesOf(metadataResponseSchema, { metadata: { wj: 1 } })).toEqual([
      { path: ['metadata', 'wj'], message: 'Invalid input: expected string, received number' },
    ]);
  });

  it('refuses a boolean value', () => {
    expect(issuesOf(metadataResponseSchema, { metadata: { wj: true } })).toEqual([
      { path: ['metadata', 'wj'], message: 'Invalid input: expected string, received boolean' },
    ]);
  });

  it('refuses a list', () => {
    expect(issuesOf(metadataResponseSchema, { metadata: ['wj'] })).toEqual([
      { path: ['metadata'], message: 'Invalid input: expected record, received array' },
    ]);
  });

  it('refuses {} without metadata', () => {
    expect(issuesOf(metadataResponseSchema, {})).toEqual([
      { path: ['metadata'], message: 'Invalid input: expected record, received undefined' },
    ]);
  });

  it('refuses a body that is a list', () => {
    expect(issuesOf(metadataResponseSchema, [])).toEqual([
      { path: [], message: 'Invalid input: expected object, received array' },
    ]);
  });
});

describe('novaFaultSchema (spec §6.1)', () => {
  it('accepts a Nova fault', () => {
    const body = { itemNotFound: { code: 404, message: `Instance ${EXAMPLE_SERVER_ID} could not be found.` } };
    expect(novaFaultSchema.parse(body)).toEqual(body);
  });

  it('keeps extra fields such as retryAfter', () => {
    const body = { overLimit: { code: 429, message: 'This request was rate-limited.', retryAfter: '30' } };
    expect(novaFaultSchema.parse(body)).toEqual(body);
  });

  it.each([
    ['two top-level keys', { a: { code: 400, message: 'x' }, b: { code: 400, message: 'y' } }],
    ['no top-level key', {}],
  ])('refuses %s', (_label, body) => {
    expect(issuesOf(novaFaultSchema, body)).toEqual([{ path: [], message: 'a Nova fault has exactly one top-level key' }]);
  });

  it.each([
    ['a string code', { badRequest: { code: '400', message: 'x' } }],
    ['a fractional code', { badRequest: { code: 400.5, message: 'x' } }],
    ['no message', { badRequest: { code: 400 } }],
    ['a gateway body', { error_code: 'APIG.0301', error_msg: 'x' }],
  ])('refuses %s', (_label, body) => {
    expect(novaFaultSchema.safeParse(body).success).toBe(false);
  });
});

describe('huaweiErrorSchema (spec §6.2, and Keystone)', () => {
  it('accepts a Huawei ECS error with details', () => {
    const body = { error: { code: 'Ecs.0114', message: 'The ECS does not exist.', details: [{ code: 'x', message: 'y' }] } };
    expect(huaweiErrorSchema.parse(body)).toEqual(body);
  });

  it('accepts a Keystone error with a numeric code and a title', () => {
    const body = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };
    expect(huaweiErrorSchema.parse(body)).toEqual(body);
  });

  it.each([
    ['no code', { error: { message: 'x' } }],
    ['a boolean code', { error: { code: true, message: 'x' } }],
    ['a string error', { error: 'x' }],
    ['a numeric message', { error: { code: 'Ecs.0005', message: 5 } }],
  ])('refuses %s', (_label, body) => {
    expect(huaweiErrorSchema.safeParse(body).success).toBe(false);
  });
});

describe('gatewayErrorSchema (spec §6.3)', () => {
  it('accepts a gateway error', () => {
    const body = {
      error_code: 'APIG.0301',
      error_msg: 'Incorrect IAM authentication information: verify aksk signature fail',
      request_id: '4faba0b7f7cb4e829b18773718289b99',
    };
    expect(gatewayErrorSchema.parse(body)).toEqual(body);
  });

  it('accepts a bare error_code', () => {
    expect(gatewayErrorSchema.parse({ error_code: 'APIGW.0308' })).toEqual({ error_code: 'APIGW.0308' });
  });

  it.each([
    ['no error_code', { error_msg: 'x' }],
    ['a numeric error_code', { error_code: 301 }],
    ['a numeric request_id', { error_code: 'APIG.0301', request_id: 1 }],
  ])('refuses %s', (_label, body) => {
    expect(gatewayErrorSchema.safeParse(body).success).toBe(false);
  });
});
