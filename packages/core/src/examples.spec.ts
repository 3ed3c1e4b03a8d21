import { describe, expect, it } from '@jest/globals';
import { EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from './examples.js';
import { metadataMapSchema, projectIdSchema, serverIdSchema } from './schemas.js';

describe('reference identifiers of the documentation', () => {
  it('are the spec values', () => {
    expect({ EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, EXAMPLE_METADATA }).toEqual({
      EXAMPLE_PROJECT_ID: '9c53a566cb3443ab910cf0daebca90c4',
      EXAMPLE_SERVER_ID: '998af54b-5762-4041-abc1-f98a2c27b3a2',
      EXAMPLE_METADATA: { wj: 'True' },
    });
  });

  it('pass the schemas a client applies', () => {
    expect(projectIdSchema.parse(EXAMPLE_PROJECT_ID)).toBe(EXAMPLE_PROJECT_ID);
    expect(serverIdSchema.parse(EXAMPLE_SERVER_ID)).toBe(EXAMPLE_SERVER_ID);
    expect(metadataMapSchema.parse(EXAMPLE_METADATA)).toEqual({ wj: 'True' });
  });

  it('cannot be changed by a test or a fixture', () => {
    expect(Object.isFrozen(EXAMPLE_METADATA)).toBe(true);
  });
});
