import { jestPreset } from '../../jest.preset.js';

export default { ...jestPreset, displayName: 'cli' };
