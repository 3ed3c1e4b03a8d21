import { ConfigError } from '@ecs-metadata/core';

/**
 * A per-request timeout as a command line or a setting gives it (`--timeout 5000`): a positive
 * whole number of milliseconds, nothing else (`5s`, `1e3`, `0`, `-1` are refused). The one
 * reading of the flag for `ecs-metadata` and `ecs-metadata-verify`.
 *
 * @param setting - the flag or setting the value came from (`--timeout`); the error names it.
 * @throws {ConfigError} (`setting`) naming the setting and the value refused.
 */
export function parseTimeoutMs(setting: string, value: string): number {
  const ms = Number(value);
  if (!/^\d+$/u.test(value) || !Number.isSafeInteger(ms) || ms <= 0) {
    throw new ConfigError(setting, `${setting} must be a positive number of milliseconds; got "${value}"`);
  }
  return ms;
}
