import { describe, expect, it } from '@jest/globals';
import { ConflictError, NotFoundError, ResponseValidationError } from './errors.js';
import { getServerMetadataExpectation, interpretResponse } from './interpret-response.js';
import {
  ANY_SUCCESS_STATUS,
  deleteServerMetadataItemExpectation,
  deleteServerMetadataItemV1Expectation,
  getServerMetadataItemExpectation,
  isMetadataItemNotFound,
  replaceServerMetadataExpectation,
  setServerMetadataItemExpectation,
  updateServerMetadataExpectation,
  updateServerMetadataV1Expectation,
} from './metadata-expectations.js';
import { thrownBy } from './test-support/thrown.js';

const JSON_TYPE = { 'Content-Type': 'application/json' };
const REQUEST_ID = 'req-0d0c5a5e-8a3b-4f0a-9d3e-6f1b2c3d4e5f';

function invalid(path: string, reason: string, status: number, body: string): Record<string, unknown> {
  return { type: ResponseValidationError, name: 'ResponseValidationError', message: `Invalid response body at ${path}: ${reason}`, path, status, requestId: undefined, bodyExcerpt: body };
}

function notFound(message: string, code: string | undefined = 'itemNotFound'): NotFoundError {
  return new NotFoundError({ status: 404, code, message, requestId: REQUEST_ID, bodyExcerpt: '' });
}

describe('getServerMetadataItemExpectation (spec §3.2)', () => {
  it('gives the value of the requested key', () => {
    expect(interpretResponse(200, JSON_TYPE, '{"meta":{"wj":"True"}}', getServerMetadataItemExpectation('wj'))).toBe('True');
    expect(interpretResponse(200, JSON_TYPE, '{"meta":{"a b":""}}', getServerMetadataItemExpectation('a b'))).toBe('');
  });

  it.each([
    ['another key', '{"meta":{"other":"x"}}', '$.meta', 'must hold exactly the requested key "wj", got ["other"]'],
    ['two keys', '{"meta":{"wj":"True","x":"y"}}', '$.meta', 'must hold exactly the requested key "wj", got ["wj","x"]'],
    ['no key', '{"meta":{}}', '$.meta', 'must hold exactly the requested key "wj", got []'],
    ['a non-string value', '{"meta":{"wj":true}}', '$.meta.wj', 'Invalid input: expected string, received boolean'],
    ['the list shape', '{"metadata":{"wj":"True"}}', '$.meta', 'Invalid input: expected record, received undefined'],
  ])('refuses %s', (_label, body, path, reason) => {
    expect(thrownBy(() => interpretResponse(200, JSON_TYPE, body, getServerMetadataItemExpectation('wj')))).toEqual(invalid(path, reason, 200, body));
  });

  it('expects 200 only', () => {
    expect(getServerMetadataItemExpectation('wj').successStatuses).toEqual([200]);
    expect(thrownBy(() => interpretResponse(204, JSON_TYPE, '', getServerMetadataItemExpectation('wj')))).toEqual(
      invalid('$', 'unexpected status 204 (expected 200)', 204, ''),
    );
  });
});

describe('setServerMetadataItemExpectation (spec §3.5)', () => {
  it('gives the value the server echoed', () => {
    expect(interpretResponse(200, JSON_TYPE, '{"meta":{"wj":"False"}}', setServerMetadataItemExpectation('wj'))).toBe('False');
  });

  it('refuses an echo of another key', () => {
    const body = '{"meta":{"WJ":"False"}}';
    expect(thrownBy(() => interpretResponse(200, JSON_TYPE, body, setServerMetadataItemExpectation('wj')))).toEqual(
      invalid('$.meta', 'must hold exactly the requested key "wj", got ["WJ"]', 200, body),
    );
  });
});

describe('the whole-map expectations (spec §3.3, §3.4, §3.7)', () => {
  it.each([
    ['merge', updateServerMetadataExpectation],
    ['replace', replaceServerMetadataExpectation],
    ['native merge', updateServerMetadataV1Expectation],
  ])('%s: 200 {"metadata": {...}} gives the map', (_label, expectation) => {
    expect(expectation).toBe(getServerMetadataExpectation);
    expect(interpretResponse(200, JSON_TYPE, '{"metadata":{"wj":"True","owner":"li"}}', expectation)).toStrictEqual({ wj: 'True', owner: 'li' });
  });
});

describe('the delete expectations (spec §3.6, §3.8)', () => {
  it('Nova: 204 without a body, nothing else', () => {
    expect(deleteServerMetadataItemExpectation).toEqual({ successStatuses: [204], schema: undefined, parse: undefined });
    expect(interpretResponse(204, {}, '', deleteServerMetadataItemExpectation)).toBeUndefined();
    expect(thrownBy(() => interpretResponse(200, JSON_TYPE, '{}', deleteServerMetadataItemExpectation))).toEqual(
      invalid('$', 'unexpected status 200 (expected 204)', 200, '{}'),
    );
  });

  it('native: any 2xx, a body ignored', () => {
    expect(ANY_SUCCESS_STATUS).toHaveLength(100);
    expect([ANY_SUCCESS_STATUS[0], ANY_SUCCESS_STATUS.at(-1)]).toEqual([200, 299]);
    for (const status of [200, 202, 204]) {
      expect(interpretResponse(status, {}, status === 204 ? '' : 'ok', deleteServerMetadataItemV1Expectation)).toBeUndefined();
    }
  });
});

describe('isMetadataItemNotFound', () => {
  it('tells a missing key from a missing server', () => {
    expect(isMetadataItemNotFound(notFound('Metadata item was not found'))).toBe(true);
    expect(isMetadataItemNotFound(notFound('The metadata item wj does not exist.', 'Ecs.0005'))).toBe(true);
    expect(isMetadataItemNotFound(notFound('Instance 998af54b-5762-4041-abc1-f98a2c27b3a2 could not be found.'))).toBe(false);
    expect(isMetadataItemNotFound(notFound('The ECS does not exist.', 'Ecs.0114'))).toBe(false);
    expect(isMetadataItemNotFound(notFound('The resource could not be found.'))).toBe(false);
  });

  it('is false for anything but a NotFoundError', () => {
    expect(isMetadataItemNotFound(new ConflictError({ status: 409, code: 'x', message: 'Metadata item was not found', requestId: undefined, bodyExcerpt: '' }))).toBe(false);
    expect(isMetadataItemNotFound(new Error('Metadata item was not found'))).toBe(false);
    expect(isMetadataItemNotFound(undefined)).toBe(false);
  });
});
