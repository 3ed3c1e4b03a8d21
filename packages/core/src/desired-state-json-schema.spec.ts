import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { desiredStateJsonSchema } from './desired-state-json-schema.js';

describe('desired-state.schema.json', () => {
  it('is the JSON Schema of desiredStateFileSchema (regenerate: npm run build -w packages/core && npm run schema -w packages/core)', () => {
    const shipped: unknown = JSON.parse(readFileSync(new URL('../desired-state.schema.json', import.meta.url), 'utf8'));
    expect(shipped).toEqual(desiredStateJsonSchema());
  });

  it('describes the entry rules the refinements check (one target, a change, no exact map with set/unset)', () => {
    const entry = (desiredStateJsonSchema()['$defs'] as Record<string, { allOf: unknown[]; additionalProperties: boolean }>)['DesiredServerState'];
    expect(entry?.additionalProperties).toBe(false);
    expect(entry?.allOf).toHaveLength(3);
  });
});
