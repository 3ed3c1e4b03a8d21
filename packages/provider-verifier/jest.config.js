import { fileURLToPath } from 'node:url';
import { jestPreset } from '../../jest.preset.js';

const stateHome = fileURLToPath(new URL('./jest.setup-state.js', import.meta.url));

export default { ...jestPreset, displayName: 'provider-verifier', setupFiles: [...jestPreset.setupFiles, stateHome] };
