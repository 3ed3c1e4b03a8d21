import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The real bin, built by this package's `build` target (the test target depends on it).
const BIN = fileURLToPath(new URL('../../bin/ecs-metadata.js', import.meta.url));

/** What a run of the bin produced. */
export interface BinRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Spawns `ecs-metadata ...args` with a clean environment (PATH plus `env`, never the caller's) in
 * `cwd`, so no real profile, clouds.yaml or credential of the machine can leak into a test.
 */
export function runBin(args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env['PATH'] ?? '', ...env }, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
