/**
 * Property specs of response interpretation (spec §5-§7) under hostile answers: any status, content
 * type, headers and body (arbitrary JSON, near-misses of every fault and success body, arbitrary
 * bytes decoded as the client decodes them) either gives the call's result, exactly as the body
 * holds it, or throws one of our typed errors; a non-2xx never gives a result. Seeds and run
 * counts: `test-support/property-runs.ts`.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { z } from 'zod';
import { EcsApiError, EcsMetadataError } from './errors.js';
import type { HeaderSource } from './headers.js';
import { getServerMetadataExpectation, interpretResponse, type ResponseExpectation } from './interpret-response.js';
import {
  deleteServerMetadataItemExpectation,
  deleteServerMetadataItemV1Expectation,
  getServerMetadataItemExpectation,
  replaceServerMetadataExpectation,
  setServerMetadataItemExpectation,
  updateServerMetadataExpectation,
  updateServerMetadataV1Expectation,
} from './metadata-expectations.js';
import { ownKeysRecordSchema } from './schemas.js';
import { hostileString } from './test-support/hostile-strings.js';
import { propertyParameters } from './test-support/property-runs.js';

type Shape = 'map' | 'item' | 'none';
interface Call {
  readonly name: string;
  readonly shape: Shape;
  readonly expectation: ResponseExpectation<unknown>;
  readonly key?: string;
}

// Keys that an object literal or a schema library may treat specially, next to ordinary ones.
const SPECIAL_KEYS = ['wj', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a b', ''] as const;
const itemKey = fc.oneof(fc.constantFrom(...SPECIAL_KEYS), hostileString);

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.constantFrom<Call>(
    { name: 'get', shape: 'map', expectation: getServerMetadataExpectation },
    { name: 'merge', shape: 'map', expectation: updateServerMetadataExpectation },
    { name: 'replace', shape: 'map', expectation: replaceServerMetadataExpectation },
    { name: 'native merge', shape: 'map', expectation: updateServerMetadataV1Expectation },
    { name: 'delete item', shape: 'none', expectation: deleteServerMetadataItemExpectation as ResponseExpectation<unknown> },
    { name: 'native delete item', shape: 'none', expectation: deleteServerMetadataItemV1Expectation as ResponseExpectation<unknown> },
  ),
  itemKey.map((key): Call => ({ name: 'get item', shape: 'item', key, expectation: getServerMetadataItemExpectation(key) })),
  itemKey.map((key): Call => ({ name: 'set item', shape: 'item', key, expectation: setServerMetadataItemExpectation(key) })),
);

const status = fc.oneof(
  { arbitrary: fc.constantFrom(200, 201, 202, 204, 206, 299, 301, 302, 400, 401, 403, 404, 409, 413, 415, 429, 500, 503), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 999 }), weight: 1 },
);

const contentType = fc.oneof(
  fc.constantFrom('application/json', 'application/json; charset=UTF-8', 'APPLICATION/JSON', 'application/problem+json', 'application/jsonx', 'text/html', 'text/plain', ''),
  hostileString,
);

const headerValue = fc.oneof(hostileString, fc.array(hostileString, { maxLength: 2 }));
const headers: fc.Arbitrary<HeaderSource> = fc
  .record(
    {
      'content-type': contentType,
      'Retry-After': fc.oneof(fc.constantFrom('0', '1.5', '9'.repeat(400), 'Wed, 21 Oct 2015 07:28:00 GMT', '-1'), hostileString),
      'x-openstack-request-id': headerValue,
      'X-Request-Id': headerValue,
      Location: hostileString,
    },
    { requiredKeys: [] },
  )
  .chain((record) =>
    // Half the time as a fetch Headers, which refuses some values: then the plain record it is.
    fc.boolean().map((asFetchHeaders): HeaderSource => {
      if (!asFetchHeaders) {
        return record;
      }
      try {
        return new Headers(Object.entries(record).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value as string)]));
      } catch {
        return record;
      }
    }),
  );

const anyJson = fc.jsonValue({ maxDepth: 3 });
const jsonOrString = fc.oneof(anyJson, hostileString);
const entries = (values: fc.Arbitrary<unknown>): fc.Arbitrary<Record<string, unknown>> =>
  fc.dictionary(fc.oneof(fc.constantFrom(...SPECIAL_KEYS), hostileString), values, { maxKeys: 4 });

// Near-misses of every body the API sends (spec §6.1-§6.3 faults, the two success shapes).
const shapedBody: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ metadata: fc.oneof(entries(hostileString), entries(jsonOrString), anyJson) }, { requiredKeys: [] }),
  fc.record({ meta: fc.oneof(entries(hostileString), entries(jsonOrString), anyJson) }, { requiredKeys: [] }),
  fc.dictionary(
    fc.oneof(fc.constantFrom('itemNotFound', 'badRequest', 'overLimit', 'computeFault'), hostileString),
    fc.record({ code: jsonOrString, message: jsonOrString, retryAfter: jsonOrString }, { requiredKeys: [] }),
    { maxKeys: 2 },
  ),
  fc.record({
    error: fc.oneof(fc.record({ code: jsonOrString, message: jsonOrString, title: jsonOrString }, { requiredKeys: [] }), anyJson),
  }),
  fc.record({ error_code: jsonOrString, error_msg: jsonOrString, request_id: jsonOrString }, { requiredKeys: [] }),
  // webob's body (Nova's router and size limit): {"code": "404 Not Found", "title": ..., "message": ...}.
  fc.record({ code: jsonOrString, title: jsonOrString, message: jsonOrString }, { requiredKeys: [] }),
);

// JSON text that no value serialises to: own `__proto__` keys, deep nesting, duplicate keys, cut-off text.
const rawJsonText = fc.oneof(
  fc.tuple(fc.constantFrom('metadata', 'meta'), fc.oneof(hostileString.map((value) => JSON.stringify(value)), anyJson.map((value) => JSON.stringify(value))))
    .map(([field, value]) => `{"${field}":{"__proto__":${value},"wj":"True"}}`),
  fc.constantFrom('{"metadata":{"wj":"a","wj":"b"}}', `${'['.repeat(5000)}${']'.repeat(5000)}`, '{"metadata":', '', ' ', 'null', '"metadata"', '\ufeff{"metadata":{}}'),
  fc.tuple(shapedBody.map((value) => JSON.stringify(value) ?? ''), fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
);

const bodyText = fc.oneof(
  { arbitrary: shapedBody.map((value) => JSON.stringify(value) ?? ''), weight: 4 },
  { arbitrary: anyJson.map((value) => JSON.stringify(value)), weight: 2 },
  { arbitrary: rawJsonText, weight: 2 },
  // Arbitrary bytes as the client reads them (fetch's text(): UTF-8, malformed sequences replaced).
  { arbitrary: fc.uint8Array({ maxLength: 256 }).map((bytes) => new TextDecoder().decode(bytes)), weight: 1 },
  { arbitrary: hostileString, weight: 1 },
);

/** The own enumerable entries of the object at `field` of a JSON text, as the body holds them. */
function ownEntriesAt(text: string, field: string): [string, unknown][] {
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const inner = Object.getOwnPropertyDescriptor(parsed, field)?.value as Record<string, unknown>;
  return Object.entries(inner);
}

/** The checks of one interpretation, whatever the answer was. */
function expectTypedOutcome(target: Call, code: number, source: HeaderSource, text: string): void {
  let result: unknown;
  try {
    result = interpretResponse(code, source, text, target.expectation);
  } catch (error) {
    expect(error).toBeInstanceOf(EcsMetadataError);
    if (code < 200 || code > 299) {
      expect(error).toBeInstanceOf(EcsApiError);
      expect((error as EcsApiError).status).toBe(code);
    }
    return;
  }
  expect(code).toBeGreaterThanOrEqual(200);
  expect(code).toBeLessThanOrEqual(299);
  if (target.shape === 'none') {
    expect(result).toBeUndefined();
  } else if (target.shape === 'map') {
    // Every key the server sent, `__proto__` included, as an own string property of a plain object.
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.entries(result as object)).toEqual(ownEntriesAt(text, 'metadata'));
    expect(Object.values(result as object).every((value) => typeof value === 'string')).toBe(true);
  } else {
    expect(ownEntriesAt(text, 'meta')).toEqual([[target.key, result]]);
    expect(typeof result).toBe('string');
  }
}

// Success bodies and their near-misses, as text, for the property that aims at the success path.
const successText = fc.oneof(
  fc.record({ metadata: fc.oneof(entries(hostileString), entries(jsonOrString)) }).map((value) => JSON.stringify(value)),
  fc.record({ meta: fc.oneof(entries(hostileString), entries(jsonOrString)) }).map((value) => JSON.stringify(value)),
  itemKey.chain((key) => hostileString.map((value) => JSON.stringify({ meta: { [key]: value } }))),
  rawJsonText,
);

describe('interpretResponse, for a 2xx JSON answer', () => {
  it('gives the call exactly what the body holds, or a ResponseValidationError', () => {
    fc.assert(
      fc.property(call, fc.constantFrom(200, 201, 204), successText, (target, code, text) => {
        expectTypedOutcome(target, code, { 'Content-Type': 'application/json' }, text);
      }),
      propertyParameters(),
    );
  });
});

describe('interpretResponse, for any answer', () => {
  it('gives the call its result exactly as the body holds it, or throws a typed error; a non-2xx never gives a result', () => {
    fc.assert(
      fc.property(call, status, headers, bodyText, (target, code, source, text) => {
        expectTypedOutcome(target, code, source, text);
      }),
      propertyParameters(),
    );
  });
});

describe('regressions found by these properties: a "__proto__" key', () => {
  const json = { 'Content-Type': 'application/json' };

  it('is kept as an own metadata item, in the order sent, leaving the prototype alone', () => {
    const metadata = interpretResponse(200, json, '{"metadata":{"__proto__":"x","wj":"True"}}');
    expect(Object.entries(metadata)).toEqual([
      ['__proto__', 'x'],
      ['wj', 'True'],
    ]);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
  });

  it('with a value that is not a string is refused at its JSON path', () => {
    expect(() => interpretResponse(200, json, '{"metadata":{"__proto__":{"polluted":"yes"}}}')).toThrow(
      'Invalid response body at $.metadata.__proto__: Invalid input: expected string, received object',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('is read as an item, and counts as a second item next to the requested one', () => {
    expect(interpretResponse(200, json, '{"meta":{"__proto__":"x"}}', getServerMetadataItemExpectation('__proto__'))).toBe('x');
    expect(() => interpretResponse(200, json, '{"meta":{"__proto__":"[]","wj":"True"}}', getServerMetadataItemExpectation('wj'))).toThrow(
      'Invalid response body at $.meta: must hold exactly the requested key "wj", got ["__proto__","wj"]',
    );
  });
});

describe('ownKeysRecordSchema, behind the fix', () => {
  it('checks a "__proto__" key against the key schema too, reporting its path', () => {
    const lowerCaseKeys = ownKeysRecordSchema(z.string().regex(/^[a-z]+$/u, 'lower case only'), z.string());
    const result = lowerCaseKeys.safeParse(JSON.parse('{"ok":"1","__proto__":"x"}'));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path, issue.message])).toEqual([[['__proto__'], 'lower case only']]);
  });
});
