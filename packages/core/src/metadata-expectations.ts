import type { z } from 'zod';
import { NotFoundError } from './errors.js';
import { getServerMetadataExpectation, type ResponseExpectation } from './interpret-response.js';
import { type Metadata, metadataItemResponseSchema } from './schemas.js';

/** Every 2xx status: what the ECS native delete may answer (spec §3.8, "any 2xx"). */
export const ANY_SUCCESS_STATUS: readonly number[] = Object.freeze(Array.from({ length: 100 }, (_, index) => 200 + index));

/**
 * The expectation of "show one item" (spec §3.2): 200 `{"meta": {key: value}}` holding exactly the
 * requested key → its value. Another key, or more than one, is a `ResponseValidationError` at `$.meta`.
 */
export function getServerMetadataItemExpectation(key: string): ResponseExpectation<string> {
  return itemExpectation(key);
}

/**
 * The expectation of "set one item" (spec §3.5): 200 echoing `{"meta": {key: value}}` → the value
 * the server stored.
 */
export function setServerMetadataItemExpectation(key: string): ResponseExpectation<string> {
  return itemExpectation(key);
}

/** The expectation of "merge" (spec §3.3): 200 `{"metadata": {...}}` → the complete map after the merge. */
export const updateServerMetadataExpectation: ResponseExpectation<Metadata> = getServerMetadataExpectation;

/** The expectation of "replace all" (spec §3.4): 200 `{"metadata": {...}}` → the new map. */
export const replaceServerMetadataExpectation: ResponseExpectation<Metadata> = getServerMetadataExpectation;

/**
 * The expectation of the ECS native merge (spec §3.7): 200 `{"metadata": {...}}` → the map the
 * server answered with. Whether it is the complete map or only the submitted pairs is not
 * documented: re-read when the full map is needed.
 */
export const updateServerMetadataV1Expectation: ResponseExpectation<Metadata> = getServerMetadataExpectation;

/** The expectation of "delete one item" (spec §3.6): 204, no body. */
export const deleteServerMetadataItemExpectation: ResponseExpectation<void> = Object.freeze({
  successStatuses: [204],
  schema: undefined,
  parse: undefined,
});

/** The expectation of the ECS native delete (spec §3.8): any 2xx; a body, if any, is ignored. */
export const deleteServerMetadataItemV1Expectation: ResponseExpectation<void> = Object.freeze({
  successStatuses: ANY_SUCCESS_STATUS,
  schema: undefined,
  parse: undefined,
});

/**
 * Whether `error` is the 404 of a missing metadata key (spec §3.2, §3.6: Nova's `itemNotFound`
 * "Metadata item was not found"; the mock's native API says "The metadata item ... does not
 * exist."), as opposed to a missing server or path.
 */
export function isMetadataItemNotFound(error: unknown): boolean {
  return error instanceof NotFoundError && /metadata item (was not found|.* does not exist)/iu.test(error.serverMessage);
}

function itemExpectation(key: string): ResponseExpectation<string> {
  const schema = metadataItemResponseSchema.superRefine((body, context) => {
    const keys = Object.keys(body.meta);
    if (keys.length !== 1 || keys[0] !== key) {
      context.addIssue({ code: 'custom', path: ['meta'], message: `must hold exactly the requested key ${JSON.stringify(key)}, got ${JSON.stringify(keys)}` });
    }
  });
  return {
    successStatuses: [200],
    schema,
    parse: (body) => (body as z.infer<typeof metadataItemResponseSchema>).meta[key] as string,
  };
}
