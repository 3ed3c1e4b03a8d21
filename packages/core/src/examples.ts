/**
 * The reference identifiers of the API documentation (spec, "Reference identifiers"): used by the
 * mock provider's default fixture, `ecs-metadata demo`, the contract's examples and the docs.
 */
export const EXAMPLE_PROJECT_ID = '9c53a566cb3443ab910cf0daebca90c4';
/** The documentation's example server. */
export const EXAMPLE_SERVER_ID = '998af54b-5762-4041-abc1-f98a2c27b3a2';
/** The documentation's example metadata, `{"wj": "True"}`. */
export const EXAMPLE_METADATA: Readonly<Record<string, string>> = Object.freeze({ wj: 'True' });
