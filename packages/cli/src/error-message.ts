import { AbortError, ValidationError } from '@ecs-metadata/core';

/**
 * The library speaks of its options (`force: true`); a user of the command line typed
 * flags and arguments. Each pair: the library's words, the command line's.
 */
const LIBRARY_TO_CLI: readonly (readonly [RegExp, string])[] = [
  [/pass force: true to/gu, 'pass --force to'],
];

/**
 * What the CLI says for an error, in its own words: "interrupted" for Ctrl-C (not the library's
 * "aborted by the caller"), flags where the library names options; otherwise the error's message.
 * Not yet masked or escaped: the caller does that.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof AbortError) {
    return 'interrupted';
  }
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ValidationError) {
    return LIBRARY_TO_CLI.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), message);
  }
  return message;
}
