import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The real bin, built by this package's `build` target (the test target depends on it). */
export const BIN = fileURLToPath(new URL('../../bin/ecs-metadata-verify.js', import.meta.url));

/** `pacts/` at the workspace root, from this file's location. */
export const PACT_FILE = fileURLToPath(new URL('../../../../pacts/ecs-metadata-client-ecs-metadata-api.json', import.meta.url));
/** The ECS native pact (provider `ecs-native-metadata-api`) beside it. */
export const NATIVE_PACT_FILE = fileURLToPath(new URL('../../../../pacts/ecs-metadata-client-ecs-native-metadata-api.json', import.meta.url));

/**
 * The bins' `XDG_STATE_HOME` (where the verifier journals originals) unless a test sets its own:
 * a fresh directory per test file, never the machine's `~/.local/state`.
 */
export const TEST_STATE_HOME = mkdtempSync(join(tmpdir(), 'pv-state-'));

/** The flags naming a real endpoint, its token, project and server. */
export function endpointArgs(baseUrl: string, token: string, projectId: string, serverId: string): string[] {
  return ['--provider-base-url', baseUrl, '--token', token, '--project-id', projectId, '--server-id', serverId];
}

/** What a run of the bin gave. */
export interface BinRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns `ecs-metadata-verify ...args` with a clean environment (PATH plus `env`, never the
 * caller's), bounded by `timeoutMs`; `onStart` gets the child (to signal it).
 */
export function runBin(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 25_000,
  onStart?: (child: ChildProcess) => void,
): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', PACT_DO_NOT_TRACK: 'true', XDG_STATE_HOME: TEST_STATE_HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    onStart?.(child);
  });
}
