import { spawn } from 'node:child_process';
import { createOutputFilter, secretsOf } from './output-filter.js';

/** Set in the worker's environment: the bin then runs the verification itself. */
export const WORKER_ENV = 'ECS_METADATA_VERIFY_WORKER';

/**
 * Runs the bin again as a worker whose stdout and stderr pass through {@link createOutputFilter}:
 * Pact's native core prints to file descriptor 1 directly, so only a parent process can redact
 * it and strip its colour codes. SIGINT and SIGTERM are forwarded (the worker runs in its own
 * process group, so a terminal's Ctrl-C reaches it once, through here); the worker's exit code or
 * signal becomes this process's. The worker's stdin is a pipe from here: should this process be
 * killed, the pipe closes and the worker kills itself the same way, leaving its journal as a
 * SIGKILL of the bin would (see {@link watchSupervisor}).
 */
export function superviseWorker(script: string, argv: readonly string[]): void {
  const stripAnsi = process.stdout.isTTY !== true || (process.env['NO_COLOR'] ?? '') !== '';
  const secrets = secretsOf(argv, process.env);
  const child = spawn(process.execPath, [...process.execArgv, script, ...argv], {
    env: { ...process.env, [WORKER_ENV]: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout.pipe(createOutputFilter({ secrets, stripAnsi })).pipe(process.stdout);
  child.stderr.pipe(createOutputFilter({ secrets, stripAnsi: stripAnsi || process.stderr.isTTY !== true })).pipe(process.stderr);
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('close', (code, signal) => {
    process.removeListener('SIGINT', forward);
    process.removeListener('SIGTERM', forward);
    child.stdin.end();
    if (signal !== null) {
      process.kill(process.pid, signal);
      return;
    }
    process.exitCode = code ?? 1;
  });
}

/**
 * In the worker: when the supervisor's end of stdin closes (it was killed), die at once with
 * SIGKILL, as the bin itself would have: the journal stays for the next run or `--restore`.
 * The pipe does not keep the worker alive.
 */
export function watchSupervisor(): void {
  const stdin = process.stdin as NodeJS.ReadStream & { unref?: () => void };
  stdin.on('end', () => process.kill(process.pid, 'SIGKILL'));
  stdin.on('error', () => process.kill(process.pid, 'SIGKILL'));
  stdin.resume();
  stdin.unref?.();
}
