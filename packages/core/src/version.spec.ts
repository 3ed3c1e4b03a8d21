import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { DEFAULT_USER_AGENT, TOOLKIT_VERSION } from './version.js';

const packageJson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };

describe('TOOLKIT_VERSION', () => {
  it("equals packages/core/package.json's version", () => {
    expect(packageJson.name).toBe('@ecs-metadata/core');
    expect(TOOLKIT_VERSION).toBe(packageJson.version);
  });

  it('is sent in the default User-Agent', () => {
    expect(DEFAULT_USER_AGENT).toBe(`ecs-metadata/${packageJson.version}`);
  });
});
