// The verifier journals originals under $XDG_STATE_HOME: in tests, a fresh directory per test file,
// never the machine's ~/.local/state.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.XDG_STATE_HOME = mkdtempSync(join(tmpdir(), 'pv-state-'));
