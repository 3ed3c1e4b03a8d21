import type { IdSource } from '../batch/id-source.js';
import { answeredIdsOf, endCutLineOfOutput, skipAnswered } from '../batch/resume.js';
import { ndjsonLine, ndjsonResult, textLine, textResult, toMetadataResult } from '../batch/result-lines.js';
import { runServerBatch, type ServerBatchFlags } from '../batch/server-batch.js';
import type { BatchOutcome } from '../batch/stream-batch.js';
import type { CliIo } from '../io.js';

/** What a batch `get` was asked to do. */
export interface BatchGetPlan {
  readonly sources: readonly IdSource[];
  readonly flags: ServerBatchFlags;
  /** `--key K`: read only this item of every server (`{"serverId","value"}` lines). */
  readonly key?: string | undefined;
  /** `--resume FILE`: skip the ids that FILE (an earlier run's NDJSON output) answered. */
  readonly resume?: string | undefined;
}

/** One server's item: its value, or its own error (its 404 when the key is missing). */
type ItemOutcome = BatchOutcome & { readonly value?: string };

/**
 * Reads the metadata (or, with `key`, one item) of every server of `plan.sources` and streams one
 * line per server to stdout as results arrive, with progress and a summary on stderr
 * ({@link runServerBatch}).
 *
 * @returns the exit code: 0 when every server was read, 7 when some failed, the first failure's
 *   code when all failed (or with `--fail-fast`, at the first failure).
 * @throws {AbortError} when interrupted (exit 130), after the summary.
 * @throws {UsageError} when the `resume` file cannot be read or is not an earlier run's output.
 */
export async function runBatchGet(plan: BatchGetPlan, io: CliIo): Promise<number> {
  // The earlier output is read whole before anything is sent (a bad file costs no login), and before
  // the first new line, so `--resume out.ndjson >> out.ndjson` works.
  const answered = plan.resume === undefined ? undefined : await answeredIdsOf(plan.resume);
  if (plan.resume !== undefined) {
    await endCutLineOfOutput(plan.resume, io.stdout, (text) => io.stdout.write(text));
  }
  const common = {
    sources: plan.sources,
    flags: plan.flags,
    done: 'read',
    ...(answered === undefined ? {} : { filterIds: (ids: AsyncIterable<string>) => skipAnswered(ids, answered) }),
  };
  const { key } = plan;
  if (key === undefined) {
    return runServerBatch(
      {
        ...common,
        work: (client, serverId, signal) => client.getServerMetadata(serverId, { signal }),
        outcome: toMetadataResult,
        ndjson: ndjsonLine,
        text: textLine,
      },
      io,
    );
  }
  return runServerBatch(
    {
      ...common,
      // Nova's key rules, as for one server: a key with a space set on OpenStack can be read.
      work: (client, serverId, signal) => client.getServerMetadataItem(serverId, key, { signal, keyRules: 'nova' }),
      outcome: (result): ItemOutcome =>
        result.error === undefined
          ? { serverId: result.serverId, value: result.value }
          : { serverId: result.serverId, error: result.error },
      ndjson: (outcome, secrets) => ndjsonResult(outcome.serverId, outcome.error, () => ({ value: outcome.value }), secrets),
      text: (outcome, secrets) => textResult(outcome.serverId, outcome.error, () => outcome.value ?? '', secrets),
    },
    io,
  );
}
