/** Whether a parsed JSON value is an object (not `null`, not a list): the one check before reading its fields. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
