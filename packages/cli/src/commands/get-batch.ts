import { AbortError, type EcsMetadataClient, type EcsMetadataError } from '@ecs-metadata/client';
import { countIds, countStdinIds, type IdSource, idsOf } from '../batch/id-source.js';
import { type BatchCounts, formatDuration, ProgressLine } from '../batch/progress.js';
import { ndjsonLine, textLine } from '../batch/result-lines.js';
import { ExitCode, exitCodeFor } from '../exit-codes.js';
import type { CliIo, OutputStream } from '../io.js';

import type { BatchOutputFormat } from './batch-formats.js';

/** What a batch `get` was asked to do. */
export interface BatchGetPlan {
  sources: readonly IdSource[];
  format: BatchOutputFormat;
  concurrency: number;
  failFast: boolean;
}

/**
 * Reads the metadata of every server of `plan.sources` and streams one line per server to stdout
 * as results arrive (completion order); a progress line on stderr when stderr is a terminal; a
 * summary line on stderr at the end (also when interrupted).
 *
 * @returns the exit code: 0 when every server was read, 7 when some failed, the first failure's
 *   code when all failed (or with `failFast`, at the first failure).
 * @throws {AbortError} when interrupted (exit 130), after the summary.
 */
export async function runBatchGet(plan: BatchGetPlan, client: EcsMetadataClient, io: CliIo): Promise<number> {
  const counts: BatchCounts = { done: 0, failed: 0 };
  let firstFailure: EcsMetadataError | undefined;
  const startedAt = Date.now();
  const progress = io.stderr.isTTY === true ? new ProgressLine(io.stderr, () => counts) : undefined;
  if (progress !== undefined) {
    void totalOf(plan.sources, io).then((total) => {
      progress.total = total;
    });
  }
  const line = plan.format === 'ndjson' ? ndjsonLine : textLine;
  let outcome: 'finished' | 'interrupted' | 'stopped' = 'finished';
  try {
    for await (const result of client.getServerMetadataMany(idsOf(plan.sources, io), {
      concurrency: plan.concurrency,
      signal: io.signal,
    })) {
      counts.done += 1;
      if (result.error !== undefined) {
        counts.failed += 1;
        firstFailure ??= result.error;
      }
      await write(io.stdout, line(result));
      if (result.error !== undefined && plan.failFast) {
        outcome = 'stopped';
        break; // leaving the loop aborts the requests in flight
      }
    }
  } catch (error) {
    if (error instanceof AbortError && io.signal.aborted) {
      outcome = 'interrupted';
    }
    throw error;
  } finally {
    progress?.stop();
    io.stderr.write(`${summaryLine(counts, Date.now() - startedAt, outcome)}\n`);
  }
  if (counts.failed === 0 || firstFailure === undefined) {
    return ExitCode.Ok;
  }
  return plan.failFast || counts.failed === counts.done ? exitCodeFor(firstFailure) : ExitCode.PartialFailure;
}

/** `ecs-metadata: 2998 of 3000 servers read, 2 failed, in 0:15 (197/s)`. */
export function summaryLine(counts: BatchCounts, elapsedMs: number, outcome: 'finished' | 'interrupted' | 'stopped'): string {
  const rate = elapsedMs > 0 ? (counts.done * 1000) / elapsedMs : 0;
  const ending = outcome === 'interrupted' ? ' (interrupted)' : outcome === 'stopped' ? ' (stopped at the first failure: --fail-fast)' : '';
  return `ecs-metadata: ${counts.done - counts.failed} of ${counts.done} servers read, ${counts.failed} failed, in ${formatDuration(elapsedMs / 1000)} (${rate.toFixed(0)}/s)${ending}`;
}

// Waits when the pipe is full, so a slow reader of stdout holds the batch back instead of memory.
async function write(stream: OutputStream, text: string): Promise<void> {
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
