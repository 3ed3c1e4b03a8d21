import { jestPreset } from '../../jest.preset.js';

export default {
  ...jestPreset,
  displayName: 'contract-tests',
  // Parallel workers drop interactions from the shared pact file (PACT-GUIDE "Jest and Nx").
  maxWorkers: 1,
  globalSetup: '<rootDir>/global-setup.js',
};
