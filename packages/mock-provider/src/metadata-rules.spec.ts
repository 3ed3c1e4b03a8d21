import { describe, expect, it } from '@jest/globals';
import { checkItemBody, checkMetadataBody, pythonRepr, schemaViolationMessage } from './metadata-rules.js';

describe('pythonRepr (how Nova quotes values in its messages)', () => {
  it.each([
    [null, 'None'],
    [undefined, 'None'],
    [true, 'True'],
    [false, 'False'],
    [1.5, '1.5'],
    ['wj', "'wj'"],
    ["it's", '"it\'s"'],
    ['say "it\'s"', "'say \"it\\'s\"'"],
    ['a\\b\n\r\t', "'a\\\\b\\n\\r\\t'"],
    [['a', 1, null], "['a', 1, None]"],
    [{ a: { b: [true] } }, "{'a': {'b': [True]}}"],
  ])('%j → %s', (value, repr) => {
    expect(pythonRepr(value)).toBe(repr);
  });
});

describe('the body checks', () => {
  it('give a copy of a valid body', () => {
    expect(checkMetadataBody({ metadata: { 'a b': 'c' } })).toEqual({ metadata: { 'a b': 'c' } });
    expect(checkItemBody({ meta: { wj: '' } })).toEqual({ meta: { wj: '' } });
  });

  it('report the value errors of valid keys before the invalid keys, as jsonschema does', () => {
    expect(checkMetadataBody({ metadata: { 'bad/': 'x', wj: 1 } })).toEqual({ violation: { field: 'wj', value: 1, reason: "1 is not of type 'string'" } });
  });

  it('report the inner violation before the extra top-level property', () => {
    const result = checkMetadataBody({ metadata: { wj: 1 }, extra: true });
    expect('violation' in result && schemaViolationMessage(result.violation)).toBe("Invalid input for field/attribute wj. Value: 1. 1 is not of type 'string'");
  });
});
