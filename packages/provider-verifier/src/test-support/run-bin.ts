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

/** The official broker client (`@pact-foundation/pact-cli`, a root devDependency). */
export const PACT_BROKER_BIN = fileURLToPath(new URL('../../../../node_modules/.bin/pact-broker', import.meta.url));

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
  return runProcess(process.execPath, [BIN, ...args], env, timeoutMs, onStart);
}

/**
 * Spawns `pact-broker ...args` with a clean environment (PATH plus `env`) and no HTTP retries, so
 * a broker that fails answers at once instead of after a minute of back-off.
 */
export function runPactBroker(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 25_000): Promise<BinRun> {
  return runProcess(PACT_BROKER_BIN, args, { PACT_BROKER_HTTP_RETRIES: '0', ...env }, timeoutMs);
}

/** Spawns `command ...args` (in `cwd`) with PATH, `PACT_DO_NOT_TRACK` and `env` only, killed after `timeoutMs`. */
export function runProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs: number,
  onStart?: (child: ChildProcess) => void,
  cwd?: string,
): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      env: { PATH: process.env.PATH ?? '', PACT_DO_NOT_TRACK: 'true', XDG_STATE_HOME: TEST_STATE_HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd,
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
