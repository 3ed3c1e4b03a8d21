import type { EcsMetadataError } from '@ecs-metadata/client';
import { ExitCode, exitCodeFor } from '../exit-codes.js';
import type { CliIo, OutputStream } from '../io.js';
import { type BatchCounts, formatDuration, ProgressLine } from './progress.js';

/** One server's outcome as a batch command streams it: a success, or that server's own error. */
export interface BatchOutcome {
  readonly serverId: string;
  readonly error?: EcsMetadataError | undefined;
}

/**
 * How a batch command streams its outcomes: the batch contract of `get`, `set`, `unset`, `plan`,
 * `apply` and `rollback`.
 */
export interface BatchStream<R extends BatchOutcome> {
  /** The outcomes, in completion order; leaving the loop (at `failFast`) must stop the work in flight. */
  readonly outcomes: AsyncIterable<R>;
  /** The output line of one outcome (NDJSON or text), ending with a newline. */
  readonly render: (outcome: R) => string;
  /**
   * How many servers the batch has, for the progress bar's total and ETA (`undefined`: unknown).
   * Asked only when stderr is a terminal, and not awaited: ids may be counted while the batch runs.
   */
  readonly total: () => Promise<number | undefined> | number | undefined;
  readonly failFast: boolean;
  /**
   * Stops taking servers, for a batch whose writes in flight must finish (a write cancelled on the
   * wire may still land, and its journal must say what happened): at `failFast` the loop goes on
   * until the outcomes end. Without it, leaving the loop stops the work in flight.
   */
  readonly stopTaking?: (() => void) | undefined;
  /** An outcome that is no failure yet leaves the batch short of what was asked (apply's `skipped`): exit 7. */
  readonly fellShort?: ((outcome: R) => boolean) | undefined;
  /** The summary line (without its newline) for the counts at the end. */
  readonly summary: (counts: BatchCounts, elapsedMs: number, ending: BatchEnding) => string;
}

/** How a batch ended, for the summary line. */
export type BatchEnding = 'finished' | 'interrupted' | 'stopped';

/**
 * Streams one line per outcome to stdout as outcomes arrive, waiting for `drain` (a slow reader holds
 * the batch back rather than memory); a progress line on stderr when stderr is a terminal; a
 * summary line on stderr at the end, also when interrupted or failing (DECISIONS "Fleet reads",
 * "Fleet writes"). The one place of the batch contract.
 *
 * @returns the exit code: 0 when every server succeeded, 7 when some failed (or fell short), the
 *   first failure's code when all failed (or with `failFast`, at the first failure), 130 when
 *   interrupted (Ctrl-C), after the summary.
 */
export async function streamBatch<R extends BatchOutcome>(batch: BatchStream<R>, io: CliIo): Promise<number> {
  const counts: BatchCounts = { done: 0, failed: 0 };
  let shortfalls = 0;
  let firstFailure: EcsMetadataError | undefined;
  const startedAt = Date.now();
  const progress = io.stderr.isTTY === true ? new ProgressLine(io.stderr, () => counts) : undefined;
  if (progress !== undefined) {
    void Promise.resolve(batch.total()).then((total) => {
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
      } else if (batch.fellShort?.(outcome) === true) {
        shortfalls += 1;
      }
      await writeWithBackpressure(io.stdout, batch.render(outcome));
      if (outcome.error !== undefined && batch.failFast && ending === 'finished') {
        ending = 'stopped';
        if (batch.stopTaking === undefined) {
          break; // leaving the loop aborts the requests in flight
        }
        batch.stopTaking();
      }
    }
  } catch (error) {
    if (!io.signal.aborted) {
      throw error;
    }
  } finally {
    progress?.stop();
    if (io.signal.aborted) {
      ending = 'interrupted';
    }
    io.stderr.write(`${batch.summary(counts, Date.now() - startedAt, ending)}\n`);
  }
  if (ending === 'interrupted') {
    return ExitCode.Interrupted;
  }
  if (firstFailure !== undefined && (batch.failFast || counts.failed === counts.done)) {
    return exitCodeFor(firstFailure);
  }
  return counts.failed + shortfalls > 0 ? ExitCode.PartialFailure : ExitCode.Ok;
}

/** Maps each outcome of a batch as it streams (leaving the loop still stops the batch behind it). */
export async function* mapOutcomes<T, R>(source: AsyncIterable<T>, map: (item: T) => R): AsyncGenerator<R, void, undefined> {
  for await (const item of source) {
    yield map(item);
  }
}

/** `ecs-metadata: 2998 of 3000 servers read, 2 failed, in 0:15 (197/s)`. */
export function summaryLine(counts: BatchCounts, elapsedMs: number, ending: BatchEnding, done = 'read'): string {
  return `ecs-metadata: ${counts.done - counts.failed} of ${counts.done} servers ${done}, ${counts.failed} failed, ${summaryEnd(counts, elapsedMs, ending)}`;
}

/** The end every summary line shares: `in 0:15 (197/s)`, then how the batch ended unless it finished. */
export function summaryEnd(counts: BatchCounts, elapsedMs: number, ending: BatchEnding): string {
  const rate = elapsedMs > 0 ? (counts.done * 1000) / elapsedMs : 0;
  const suffix = ending === 'interrupted' ? ' (interrupted)' : ending === 'stopped' ? ' (stopped at the first failure: --fail-fast)' : '';
  return `in ${formatDuration(elapsedMs / 1000)} (${rate.toFixed(0)}/s)${suffix}`;
}

/** Writes `text`, waiting when the pipe is full, so a slow reader of stdout holds the batch back instead of memory. */
export async function writeWithBackpressure(stream: OutputStream, text: string): Promise<void> {
  if (!stream.write(text) && stream.once !== undefined) {
    await new Promise<void>((resolve) => stream.once?.('drain', resolve));
  }
}
