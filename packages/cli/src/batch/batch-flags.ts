import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { BATCH_OUTPUT_FORMATS, type BatchOutputFormat } from '../commands/batch-formats.js';
import type { IdSource } from './id-source.js';

/**
 * The id sources of a batch: the ids given as arguments (`-` reads stdin) in order, then
 * `--from-file` (`-` reads stdin as well).
 *
 * @throws {UsageError} when stdin is named twice.
 */
export function idSourcesOf(ids: readonly string[], fromFile: string | undefined): IdSource[] {
  const sources: IdSource[] = ids.map((arg) => (arg === '-' ? { kind: 'stdin' } : { kind: 'id', id: arg }));
  if (fromFile !== undefined) {
    sources.push(fromFile === '-' ? { kind: 'stdin' } : { kind: 'file', path: fromFile });
  }
  if (sources.filter((source) => source.kind === 'stdin').length > 1) {
    throw new UsageError('stdin can be read once: give "-" (or --from-file -) only once');
  }
  return sources;
}

/** Whether these sources make a batch: several ids, stdin or a file (one id alone is a single-server call). */
export function isBatch(sources: readonly IdSource[]): boolean {
  return sources.length !== 1 || sources[0]?.kind !== 'id';
}

/**
 * `--output` of a batch: `ndjson` or `text`; by default text on a terminal, NDJSON in a pipe.
 *
 * @throws {UsageError} naming the value otherwise.
 */
export function parseBatchFormat(value: string | undefined, io: CliIo): BatchOutputFormat {
  if (value === undefined) {
    return io.stdout.isTTY === true ? 'text' : 'ndjson';
  }
  if (!(BATCH_OUTPUT_FORMATS as readonly string[]).includes(value)) {
    throw new UsageError(`--output with several servers must be one of ${BATCH_OUTPUT_FORMATS.join(', ')}; got "${value}"`);
  }
  return value as BatchOutputFormat;
}

/**
 * `--concurrency`: a whole number from 1 to 1024.
 *
 * @throws {UsageError} naming the value otherwise.
 */
export function parseConcurrency(value: string): number {
  const concurrency = Number(value);
  if (!/^\d+$/u.test(value) || concurrency < 1 || concurrency > 1024) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 1024; got "${value}"`);
  }
  return concurrency;
}
