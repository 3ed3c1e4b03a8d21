import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@ecs-metadata/core';
import { parseTimeoutMs } from './timeout-setting.js';

describe('parseTimeoutMs', () => {
  it.each([
    ['1', 1],
    ['2000', 2000],
    ['007', 7],
  ])('reads %j as %i ms', (value, ms) => {
    expect(parseTimeoutMs('--timeout', value)).toBe(ms);
  });

  it.each(['', '0', '-1', '1.5', '1e3', '5s', ' 5', '0x10', '99999999999999999999'])('refuses %j, naming the setting and the value', (value) => {
    let thrown: unknown;
    try {
      parseTimeoutMs('--timeout', value);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ setting: '--timeout', message: `--timeout must be a positive number of milliseconds; got "${value}"` });
  });
});
