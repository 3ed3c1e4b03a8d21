import { type EcsMetadataClient, runBatch } from '@ecs-metadata/client';
import { type IdSource, idsOf } from '../batch/id-source.js';
import { answeredIdsOf, endCutLineOfOutput, skipAnswered } from '../batch/resume.js';
import { ndjsonLine, ndjsonResult, textLine, textResult } from '../batch/result-lines.js';
import { type BatchOutcome, mapOutcomes, streamBatch } from '../batch/stream-batch.js';
import type { CliIo } from '../io.js';
import type { BatchOutputFormat } from './batch-formats.js';

/** What a batch `get` was asked to do. */
export interface BatchGetPlan {
  sources: readonly IdSource[];
  format: BatchOutputFormat;
  concurrency: number;
  failFast: boolean;
  /** `--key K`: read only this item of every server (`{"serverId","value"}` lines). */
  key?: string | undefined;
  /** `--resume FILE`: skip the ids that FILE (an earlier run's NDJSON output) answered. */
  resume?: string | undefined;
}

/** One server's item: its value, or its own error (its 404 when the key is missing). */
type ItemOutcome = BatchOutcome & { readonly value?: string };

/**
 * Reads the metadata (or, with `key`, one item) of every server of `plan.sources` and streams one
 * line per server to stdout as results arrive, with progress and a summary on stderr
 * ({@link streamBatch}).
 *
 * @returns the exit code: 0 when every server was read, 7 when some failed, the first failure's
 *   code when all failed (or with `failFast`, at the first failure).
 * @throws {AbortError} when interrupted (exit 130), after the summary.
 * @throws {UsageError} when the `resume` file cannot be read or is not an earlier run's output.
 */
export async function runBatchGet(plan: BatchGetPlan, client: EcsMetadataClient, io: CliIo): Promise<number> {
  // The earlier output is read whole before the batch starts, so `--resume out.ndjson >> out.ndjson` works.
  const answered = plan.resume === undefined ? undefined : await answeredIdsOf(plan.resume);
  if (plan.resume !== undefined) {
    await endCutLineOfOutput(plan.resume, io.stdout, (text) => io.stdout.write(text));
  }
  const ids = answered === undefined ? idsOf(plan.sources, io) : skipAnswered(idsOf(plan.sources, io), answered);
  const options = { concurrency: plan.concurrency, signal: io.signal };
  const { key } = plan;
  if (key === undefined) {
    return streamBatch({ ...plan, done: 'read', outcomes: client.getServerMetadataMany(ids, options), render: plan.format === 'ndjson' ? ndjsonLine : textLine }, io);
  }
  // Nova's key rules, as for one server: a key with a space set on OpenStack can be read.
  const outcomes = mapOutcomes(runBatch(ids, (serverId, signal) => client.getServerMetadataItem(serverId, key, { signal, keyRules: 'nova' }), options), (result) =>
    result.error === undefined ? { serverId: result.serverId, value: result.value } : { serverId: result.serverId, error: result.error },
  );
  return streamBatch({ ...plan, done: 'read', outcomes, render: plan.format === 'ndjson' ? itemNdjsonLine : itemTextLine }, io);
}

function itemNdjsonLine(outcome: ItemOutcome): string {
  return ndjsonResult(outcome.serverId, outcome.error, () => ({ value: outcome.value }));
}

function itemTextLine(outcome: ItemOutcome): string {
  return textResult(outcome.serverId, outcome.error, () => outcome.value ?? '');
}
