import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { BATCH_OUTPUT_FORMATS, type BatchOutputFormat } from '../commands/batch-formats.js';

/** The flags of every command that works on many servers (get, plan, apply, rollback). */

/** `--output` of a batch: `ndjson` in a pipe and `text` on a terminal by default. */
export function parseBatchFormat(value: string | undefined, io: CliIo): BatchOutputFormat {
  if (value === undefined) {
    return io.stdout.isTTY === true ? 'text' : 'ndjson';
  }
  if (!(BATCH_OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output with several servers must be one of ${BATCH_OUTPUT_FORMATS.join(', ')}; got "${value}"`);
  }
  return value as BatchOutputFormat;
}

/** `--concurrency N`: 1 to 1024. */
export function parseConcurrency(value: string): number {
  const concurrency = Number(value);
  if (!/^\d+$/u.test(value) || concurrency < 1 || concurrency > 1024) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 1024; got "${value}"`);
  }
  return concurrency;
}
