/**
 * Shared jest configuration for every package. Packages are ESM-only, so jest runs in its native
 * ESM mode (`--experimental-vm-modules`, set by each package's `test` script) and @swc/jest strips
 * TypeScript without changing the module format. Dependencies (ky, our own packages' dist) load as
 * real ES modules; nothing in node_modules is transformed.
 */
import { fileURLToPath } from 'node:url';

const setupFile = fileURLToPath(new URL('./jest.setup.js', import.meta.url));

export const jestPreset = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  setupFiles: [setupFile],
  testTimeout: 30_000,
};
