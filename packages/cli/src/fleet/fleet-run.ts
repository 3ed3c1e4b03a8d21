import { type ApplyJournal, type EcsMetadataClient, runBatchOf } from '@ecs-metadata/client';
import { AbortError, checkDesiredChange, type DesiredServerChange, type MetadataKeyRules, planMetadataChanges } from '@ecs-metadata/core';
import type { BatchCounts } from '../batch/progress.js';
import { type BatchEnding, mapOutcomes, streamBatch, summaryEnd } from '../batch/stream-batch.js';
import type { CliIo } from '../io.js';
import { type FleetLine, fleetLineRenderer } from './fleet-lines.js';

/**
 * The loop of `plan` and `apply`: per server of the desired-state file, check its change (a bad key
 * is that server's error; nothing is sent for it), read it, plan, and (apply) carry the plan out
 * through `client.applyMetadataPlan`; print one line per server as it completes, a progress line
 * on a terminal, a summary line, and return get's batch exit code.
 *
 * Ctrl-C and `--fail-fast` stop taking servers; the servers in flight finish (a write cancelled
 * on the wire may still land, and the journal must say what happened) and are printed.
 */

/** What a `plan` or `apply` run was asked to do. */
export interface FleetRunOptions {
  readonly format: 'ndjson' | 'text';
  readonly concurrency: number;
  readonly failFast: boolean;
  readonly keyRules: MetadataKeyRules;
  readonly allowPlatformKeys: boolean;
  /** Servers it names (for the progress line's ETA). */
  readonly total: number;
  /** Apply: where before-states go, `--force`, servers an interrupted run finished. Plan when absent. */
  readonly apply?: { readonly journal: ApplyJournal; readonly force: boolean; readonly completed: ReadonlySet<string> } | undefined;
}

/** Counts of a `plan` or `apply` run beside the batch's own (done, failed). */
export interface FleetCounts {
  changes: number;
  unchanged: number;
  skipped: number;
  added: number;
  changed: number;
  removed: number;
}

/**
 * Runs the loop (see the module comment) with the batch contract of {@link streamBatch}.
 *
 * @returns the exit code: 0, 7 when some servers failed or were skipped, the failure's code when
 *   every server failed or at `--fail-fast`, 130 when interrupted; `plan` leaves 9 to its caller.
 */
export async function runFleet(
  changes: AsyncIterable<DesiredServerChange>,
  client: EcsMetadataClient,
  io: CliIo,
  options: FleetRunOptions,
): Promise<{ code: number; counts: FleetCounts }> {
  const counts: FleetCounts = { changes: 0, unchanged: 0, skipped: 0, added: 0, changed: 0, removed: 0 };
  let stopped = false;
  async function* untilStopped(): AsyncGenerator<DesiredServerChange, void, undefined> {
    for await (const change of changes) {
      if (stopped || io.signal.aborted) {
        return;
      }
      yield change;
    }
  }
  // No signal for the batch: stopping is done by the input (see the module comment).
  const work = (change: DesiredServerChange): Promise<FleetLine> => runServer(change, client, io, options);
  const results = runBatchOf(untilStopped(), (change) => change.serverId, work, { concurrency: options.concurrency });
  const code = await streamBatch(
    {
      outcomes: mapOutcomes(results, (result): FleetLine => {
        const line: FleetLine = result.error === undefined ? result.value : { serverId: result.serverId, status: 'failed', error: result.error };
        count(counts, line);
        return line;
      }),
      render: fleetLineRenderer(options.format, io),
      total: () => options.total,
      failFast: options.failFast,
      stopTaking: () => {
        stopped = true;
      },
      fellShort: (line) => line.status === 'skipped',
      summary: (batchCounts, elapsedMs, ending) => summaryLine(options.apply === undefined ? 'plan' : 'apply', { ...batchCounts, ...counts }, elapsedMs, ending),
    },
    io,
  );
  return { code, counts };
}

async function runServer(desired: DesiredServerChange, client: EcsMetadataClient, io: CliIo, options: FleetRunOptions): Promise<FleetLine> {
  const { serverId } = desired;
  if (options.apply?.completed.has(serverId) === true) {
    return { serverId, status: 'already-applied' };
  }
  checkDesiredChange(desired, { keyRules: options.keyRules, force: options.allowPlatformKeys });
  const current = await client.getServerMetadata(serverId, { signal: io.signal });
  const plan = planMetadataChanges(desired, current);
  if (plan.writes.length === 0) {
    return { serverId, status: 'unchanged', plan };
  }
  if (options.apply === undefined) {
    return { serverId, status: 'changes', plan };
  }
  const { journal, force } = options.apply;
  const applyOptions = { journal, force, keyRules: options.keyRules, allowPlatformKeys: options.allowPlatformKeys, signal: io.signal };
  for await (const outcome of client.applyMetadataPlan([plan], applyOptions)) {
    switch (outcome.status) {
      case 'applied':
      case 'unchanged':
        return { serverId, status: outcome.status, plan: outcome.plan };
      case 'skipped':
        return { serverId, status: 'skipped', plan, current: outcome.current };
      case 'failed':
        return { serverId, status: 'failed', plan, error: outcome.error };
    }
  }
  // Interrupted before this server's re-read: nothing was written.
  return { serverId, status: 'failed', plan, error: new AbortError('Interrupted before this server was written') };
}

function count(counts: FleetCounts, line: FleetLine): void {
  if (line.status === 'failed') {
    return; // the batch counts its failures
  }
  if (line.status === 'skipped') {
    counts.skipped += 1;
  } else if (line.status === 'unchanged' || line.status === 'already-applied') {
    counts.unchanged += 1;
  } else if (line.plan !== undefined) {
    counts.changes += 1;
    counts.added += Object.keys(line.plan.added).length;
    counts.changed += Object.keys(line.plan.changed).length;
    counts.removed += Object.keys(line.plan.removed).length;
  }
}

/**
 * `ecs-metadata: plan: 12 of 3000 servers to change (+5 ~3 -4 keys), 2988 unchanged, 0 failed, in 0:15 (197/s)`;
 * `apply` says `applied` and counts the skipped.
 */
export function summaryLine(mode: 'plan' | 'apply', counts: BatchCounts & FleetCounts, elapsedMs: number, ending: BatchEnding): string {
  const keys = `(+${counts.added} ~${counts.changed} -${counts.removed} keys)`;
  const main =
    mode === 'plan'
      ? `${counts.changes} of ${counts.done} servers to change ${keys}, ${counts.unchanged} unchanged, ${counts.failed} failed`
      : `${counts.changes} of ${counts.done} servers applied ${keys}, ${counts.unchanged} unchanged, ${counts.skipped} skipped (changed since the plan), ${counts.failed} failed`;
  return `ecs-metadata: ${mode}: ${main}, ${summaryEnd(counts, elapsedMs, ending)}`;
}
