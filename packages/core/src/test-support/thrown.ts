import { type EcsApiError, ValidationError } from '../errors.js';

/** What `fn` threw, as a plain object of its class, message and own fields (toEqual ignores them on errors). */
export function thrownBy(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof Error)) {
      throw new Error(`expected an Error, got ${String(error)}`, { cause: error });
    }
    return { type: error.constructor, ...error, message: error.message };
  }
  throw new Error('expected a throw');
}

/** The plain-object form of a ValidationError, to compare with {@link thrownBy}'s result. */
export function validationError(parameter: string, reason: string): Record<string, unknown> {
  return { type: ValidationError, name: 'ValidationError', parameter, message: `Invalid ${parameter}: ${reason}` };
}

/** The whole expected projection of an {@link EcsApiError} that was not retried. */
export function apiError(
  type: new (...args: never[]) => EcsApiError,
  fields: {
    message: string;
    status: number;
    code: string | undefined;
    serverMessage: string;
    requestId: string | undefined;
    bodyExcerpt: string;
  },
  extra: { retryAfterMs?: number | undefined } = {},
): Record<string, unknown> {
  return { type, name: type.name, attempts: 1, ...fields, ...extra };
}
