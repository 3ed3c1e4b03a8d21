import { AbortError, type EcsMetadataError } from '@ecs-metadata/client';
import { ExitCode, exitCodeFor } from '../exit-codes.js';
import type { CliIo, OutputStream } from '../io.js';
import { countIds, countStdinIds, type IdSource } from './id-source.js';
import { type BatchCounts, formatDuration, ProgressLine } from './progress.js';

/** One server's outcome as a batch command streams it: a success, or that server's own error. */
export interface BatchOutcome {
  readonly serverId: string;
  readonly error?: EcsMetadataError | undefined;
}

/** How a batch command streams its outcomes: the batch contract of `get`, `set` and `unset`. */
export interface BatchStream<R extends BatchOutcome> {
  /** The outcomes, in completion order; leaving the loop (at `failFast`) must stop the work in flight. */
  readonly outcomes: AsyncIterable<R>;
  /** The output line of one outcome (NDJSON or text), ending with a newline. */
  readonly render: (outcome: R) => string;
  /** Where the ids come from: counted in the background for the progress bar's total and ETA. */
  readonly sources: readonly IdSource[];
  readonly failFast: boolean;
  /** What the summary says the servers were: `read`, `updated`, `unset`. */
  readonly done: string;
}

/** How a batch ended, for the summary line. */
export type BatchEnding = 'finished' | 'interrupted' | 'stopped';

/**
 * Streams one line per outcome to stdout as outcomes arrive, waiting for `drain` (a slow reader holds
 * the batch back rather than memory); a progress line on stderr when stderr is a terminal; a
 * summary line on stderr at the end, also when interrupted (DECISIONS "Fleet reads", "Fleet writes").
 *
 * @returns the exit code: 0 when every server succeeded, 7 when some failed, the first failure's
 *   code when all failed (or with `failFast`, at the first failure).
 * @throws {AbortError} when interrupted (exit 130), after the summary.
 */
export async function streamBatch<R extends BatchOutcome>(batch: BatchStream<R>, io: CliIo): Promise<number> {
  const counts: BatchCounts = { done: 0, failed: 0 };
  let firstFailure: EcsMetadataError | undefined;
  const startedAt = Date.now();
  const progress = io.stderr.isTTY === true ? new ProgressLine(io.stderr, () => counts) : undefined;
  if (progress !== undefined) {
    void totalOf(batch.sources, io).then((total) => {
      progress.total = total;
    });
  }
  let ending: BatchEnding = 'finished';
  try {
    for await (const outcome of batch.outcomes) {
      counts.done += 1;
      if (outcome.error !== undefined) {
        counts.failed += 1;
        firstFailure ??= outcome.error;
      }
      await writeWithBackpressure(io.stdout, batch.render(outcome));
      if (outcome.error !== undefined && batch.failFast) {
        ending = 'stopped';
        break; // leaving the loop aborts the requests in flight
      }
    }
  } catch (error) {
    if (error instanceof AbortError && io.signal.aborted) {
      ending = 'interrupted';
    }
    throw error;
  } finally {
    progress?.stop();
    io.stderr.write(`${summaryLine(counts, Date.now() - startedAt, ending, batch.done)}\n`);
  }
  if (counts.failed === 0 || firstFailure === undefined) {
    return ExitCode.Ok;
  }
  return batch.failFast || counts.failed === counts.done ? exitCodeFor(firstFailure) : ExitCode.PartialFailure;
}

/** Maps each outcome of a batch as it streams (leaving the loop still stops the batch behind it). */
export async function* mapOutcomes<T, R>(source: AsyncIterable<T>, map: (item: T) => R): AsyncGenerator<R, void, undefined> {
  for await (const item of source) {
    yield map(item);
  }
}

/** `ecs-metadata: 2998 of 3000 servers read, 2 failed, in 0:15 (197/s)`. */
export function summaryLine(counts: BatchCounts, elapsedMs: number, ending: BatchEnding, done = 'read'): string {
  const rate = elapsedMs > 0 ? (counts.done * 1000) / elapsedMs : 0;
  const suffix = ending === 'interrupted' ? ' (interrupted)' : ending === 'stopped' ? ' (stopped at the first failure: --fail-fast)' : '';
  return `ecs-metadata: ${counts.done - counts.failed} of ${counts.done} servers ${done}, ${counts.failed} failed, in ${formatDuration(elapsedMs / 1000)} (${rate.toFixed(0)}/s)${suffix}`;
}

/** Writes `text`, waiting when the pipe is full, so a slow reader of stdout holds the batch back instead of memory. */
export async function writeWithBackpressure(stream: OutputStream, text: string): Promise<void> {
  if (!stream.write(text) && stream.once !== undefined) {
    await new Promise<void>((resolve) => stream.once?.('drain', resolve));
  }
}

// The total when it can be known without holding the ids: arguments, files, and stdin when it is a
// file (`get - < ids.txt`), not a pipe.
async function totalOf(sources: readonly IdSource[], io: CliIo): Promise<number | undefined> {
  let total = 0;
  for (const source of sources) {
    if (source.kind === 'stdin') {
      total += (await countStdinIds(io.stdin).catch(() => undefined)) ?? Number.NaN;
    } else {
      total += source.kind === 'id' ? 1 : await countIds(source.path).catch(() => Number.NaN);
    }
  }
  return Number.isNaN(total) ? undefined : total;
}
