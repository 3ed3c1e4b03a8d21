import { describe, expect, it } from '@jest/globals';
import type { z } from 'zod';
import { isPlatformMetadataKey, PLATFORM_METADATA_KEYS } from './internal/platform-keys.js';
import {
  metadataItemRequestBodySchema,
  metadataItemResponseSchema,
  metadataKeyRulesSchema,
  metadataRequestBodySchema,
  novaMetadataMapSchema,
} from './schemas.js';

function issuesOf(schema: z.ZodType, value: unknown): { code: string; path: PropertyKey[]; message: string }[] {
  const result = schema.safeParse(value);
  if (result.success) {
    throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  }
  return result.error.issues.map((issue) => ({ code: issue.code, path: issue.path, message: issue.message }));
}

const itemsOf = (count: number): Record<string, string> => Object.fromEntries(Array.from({ length: count }, (_, index) => [`k ${index}`, 'v']));

describe('metadataKeyRulesSchema', () => {
  it('lists the two key rules of spec §4.1', () => {
    expect(metadataKeyRulesSchema.options).toEqual(['huawei', 'nova']);
  });
});

describe('novaMetadataMapSchema (upstream Nova: space allowed, 128 items)', () => {
  it('accepts keys with spaces, up to 128 items', () => {
    expect(novaMetadataMapSchema.parse(itemsOf(128))).toEqual(itemsOf(128));
  });

  it('refuses 129 items', () => {
    expect(issuesOf(novaMetadataMapSchema, itemsOf(129))).toEqual([{ code: 'custom', path: [], message: 'must hold at most 128 items' }]);
  });
});

describe('metadataRequestBodySchema (spec §3.3, §3.4, §3.7)', () => {
  it('accepts {"metadata": {...}} and the empty map', () => {
    expect(metadataRequestBodySchema.parse({ metadata: { wj: 'True' } })).toEqual({ metadata: { wj: 'True' } });
    expect(metadataRequestBodySchema.parse({ metadata: {} })).toEqual({ metadata: {} });
  });

  it('refuses another top-level property, as Nova v2.1 does', () => {
    expect(issuesOf(metadataRequestBodySchema, { metadata: {}, extra: 1 })).toEqual([{ code: 'unrecognized_keys', path: [], message: 'Unrecognized key: "extra"' }]);
  });

  it('refuses a missing map, a space in a key and a non-string value', () => {
    expect(issuesOf(metadataRequestBodySchema, {})).toEqual([{ code: 'invalid_type', path: ['metadata'], message: 'Invalid input: expected record, received undefined' }]);
    expect(issuesOf(metadataRequestBodySchema, { metadata: { 'a b': 'c' } })[0]).toMatchObject({ code: 'invalid_key', path: ['metadata', 'a b'] });
    expect(issuesOf(metadataRequestBodySchema, { metadata: { wj: true } })).toEqual([
      { code: 'invalid_type', path: ['metadata', 'wj'], message: 'Invalid input: expected string, received boolean' },
    ]);
  });
});

describe('metadataItemRequestBodySchema (spec §3.5)', () => {
  it('accepts exactly one item', () => {
    expect(metadataItemRequestBodySchema.parse({ meta: { wj: 'False' } })).toEqual({ meta: { wj: 'False' } });
  });

  it.each([
    ['no item', { meta: {} }],
    ['two items', { meta: { a: '1', b: '2' } }],
  ])('refuses %s', (_label, body) => {
    expect(issuesOf(metadataItemRequestBodySchema, body)).toEqual([{ code: 'custom', path: ['meta'], message: 'must hold exactly one item' }]);
  });

  it('refuses another top-level property', () => {
    expect(issuesOf(metadataItemRequestBodySchema, { meta: { a: '1' }, metadata: {} })).toEqual([
      { code: 'unrecognized_keys', path: [], message: 'Unrecognized key: "metadata"' },
    ]);
  });
});

describe('metadataItemResponseSchema (spec §3.2, §3.5)', () => {
  it('accepts {"meta": {...}} and keeps extra fields out', () => {
    expect(metadataItemResponseSchema.parse({ meta: { wj: 'True' }, extra: 1 })).toEqual({ meta: { wj: 'True' } });
  });

  it('refuses a non-string value', () => {
    expect(issuesOf(metadataItemResponseSchema, { meta: { wj: 1 } })).toEqual([
      { code: 'invalid_type', path: ['meta', 'wj'], message: 'Invalid input: expected string, received number' },
    ]);
  });
});

describe('PLATFORM_METADATA_KEYS (spec §4.3)', () => {
  it('lists the 23 keys of the table, frozen', () => {
    expect(PLATFORM_METADATA_KEYS).toHaveLength(23);
    expect(new Set(PLATFORM_METADATA_KEYS).size).toBe(23);
    expect(Object.isFrozen(PLATFORM_METADATA_KEYS)).toBe(true);
  });

  it.each(['os_type', 'virtual_env_type', 'metering.image_id', '__support_agent_list', 'BYOL', 'EcmResStatus'])('knows %s', (key) => {
    expect(isPlatformMetadataKey(key)).toBe(true);
  });

  it.each(['wj', 'OS_TYPE', 'byol', 'metering', 'os_type '])('does not count %j', (key) => {
    expect(isPlatformMetadataKey(key)).toBe(false);
  });
});
