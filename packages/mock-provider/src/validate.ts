import { formatJsonPath, ValidationError } from '@ecs-metadata/core';
import type { z } from 'zod';

/** The first issue of a zod failure as a field name (`metadata.wj`) and a reason. */
export function describeIssue(error: z.ZodError, parameter: string): { field: string; reason: string } {
  const issue = error.issues[0];
  if (issue === undefined) {
    return { field: parameter === '' ? 'body' : parameter, reason: 'invalid value' };
  }
  let path: PropertyKey[] = [...issue.path];
  let reason = issue.message;
  // zod reports a bad record key as "Invalid key in record" and a stray property without its name:
  // dig out the part that tells the user what to fix.
  if (issue.code === 'invalid_key' && issue.issues[0] !== undefined) {
    reason = `key ${issue.issues[0].message}`;
  } else if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) {
    path = [...path, issue.keys[0]];
    reason = 'unrecognized field';
  }
  const jsonPath = formatJsonPath(path);
  if (parameter !== '') {
    return { field: `${parameter}${jsonPath.slice(1)}`, reason };
  }
  return { field: jsonPath === '$' ? 'body' : jsonPath.slice(1).replace(/^\./u, ''), reason };
}

/**
 * Parses `value` with `schema`; a failure is a {@link ValidationError} naming the failing field
 * (`parameter` followed by the JSON path, e.g. `rule.match.serverId`; with `parameter` empty, just
 * the path, e.g. `metadata.wj`).
 *
 * @throws {ValidationError}
 */
export function parseInput<T>(schema: z.ZodType<T>, parameter: string, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const { field, reason } = describeIssue(result.error, parameter);
    throw new ValidationError(field, reason, { cause: result.error });
  }
  return result.data;
}
