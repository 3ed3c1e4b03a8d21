import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real bin, built by this package's `build` target (the test target depends on it). */
export const BIN = fileURLToPath(new URL('../../bin/ecs-metadata.js', import.meta.url));

/** What a run of the bin produced. */
export interface BinRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** How to run the bin beyond its arguments and environment. */
export interface RunOptions {
  /** Working directory (where `./clouds.yaml` is looked for). */
  cwd?: string | undefined;
  /** Piped to the bin's stdin when given; otherwise stdin is closed. */
  stdin?: string | undefined;
  /** Called with the child once spawned (to signal it, or to read its output early). */
  onStart?: ((child: ChildProcess) => void) | undefined;
}

// HOME and XDG_CONFIG_HOME point nowhere unless a test sets them, so no profile of the machine applies.
const ISOLATED_ENV = { HOME: '/nonexistent/ecs-metadata-spec-home', XDG_CONFIG_HOME: '/nonexistent/ecs-metadata-spec-config' };

/**
 * Spawns `ecs-metadata ...args` with a clean environment (PATH, an isolated HOME and
 * XDG_CONFIG_HOME, plus `env`; never the caller's), so no real profile, clouds.yaml or credential
 * of the machine can leak into a test.
 */
export function runBin(args: readonly string[], env: Record<string, string> = {}, options: RunOptions = {}): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...ISOLATED_ENV, ...env },
      cwd: options.cwd,
      stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin?.end(options.stdin);
    options.onStart?.(child);
  });
}
