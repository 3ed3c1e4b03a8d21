#!/usr/bin/env node
import { fileURLToPath } from 'node:url';
import { runVerifyCli } from './cli.js';
import { superviseWorker, watchSupervisor, WORKER_ENV } from './internal/supervisor.js';

if (process.env[WORKER_ENV] !== '1') {
  // This process only filters the worker's output (Pact's included): redacted, no colour codes
  // unless on a terminal. The worker below does the verification.
  superviseWorker(fileURLToPath(import.meta.url), process.argv.slice(2));
} else {
  delete process.env[WORKER_ENV];
  watchSupervisor();
  await runWorker();
}

/** The verification itself, in the worker process. */
async function runWorker(): Promise<void> {
  const controller = new AbortController();
  let interrupted = false;
  const interrupt = (signal: NodeJS.Signals): void => {
    if (interrupted) {
      // A second signal does not wait for the metadata to be restored. Not process.exit(): it
      // would wait for Pact's native run; the default action ends the process at once.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    interrupted = true;
    controller.abort(new Error(signal === 'SIGINT' ? 'interrupted' : 'terminated'));
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  const code = await runVerifyCli(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    signal: controller.signal,
  });
  // Exit by running out of work, never process.exit(): while Pact's native verifier still runs
  // (after an interrupt, until the connections cut by the request filter end it), process.exit()
  // would hang. Should it not end within 5 s, the signal's default action ends the process.
  process.exitCode = code;
  if (interrupted) {
    const signal = code === 143 ? 'SIGTERM' : 'SIGINT';
    setTimeout(() => {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }, 5000).unref();
  }
}
