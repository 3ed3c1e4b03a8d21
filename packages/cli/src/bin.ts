#!/usr/bin/env node
import { restartForBatchHeap } from './batch-heap.js';
import { ExitCode } from './exit-codes.js';
import { main } from './main.js';

// A streamed batch restarts here, before anything is read or written, in a heap sized for it.
restartForBatchHeap();

const controller = new AbortController();
let interrupted = false;
process.on('SIGINT', () => {
  if (interrupted) {
    process.exit(130); // a second Ctrl-C does not wait for clean-up
  }
  interrupted = true;
  controller.abort(new Error('interrupted'));
});
process.on('SIGTERM', () => controller.abort(new Error('terminated')));
// Node ignores SIGPIPE, so a closed stdout is an 'error' event, a stack trace if unhandled.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') {
    process.exit(ExitCode.OutputClosed);
  }
  process.stderr.write(`ecs-metadata: cannot write the output: ${error.message}\n`);
  process.exit(1);
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  signal: controller.signal,
  // Opened only by a command that reads it (`set … -`): an open stdin would keep the others waiting.
  get stdin() {
    return process.stdin;
  },
});
process.exitCode = interrupted && code !== 0 ? 130 : code;
