import { type BatchResult, DEFAULT_BATCH_CONCURRENCY, type EcsMetadataClient, runBatch } from '@ecs-metadata/client';
import type { FleetJournal } from '@ecs-metadata/client/journal';
import { type ConnectionFlags, loadConnectionConfig, openClient } from '../commands/metadata-client.js';
import type { CliIo } from '../io.js';
import type { SecretRegistry } from '../terminal.js';
import { parseBatchFormat, parseConcurrency } from './batch-flags.js';
import { checkFileSources, countIds, countStdinIds, type IdSource, idsOf } from './id-source.js';
import { type BatchOutcome, mapOutcomes, streamBatch, summaryLine } from './stream-batch.js';

/** The options of a batch command that {@link runServerBatch} reads (the command table's `BATCH_OPTIONS`, `--output`, the connection's). */
export type ServerBatchFlags = ConnectionFlags & { readonly output?: string | undefined; readonly concurrency?: string | undefined; readonly 'fail-fast'?: boolean | undefined };

/** One call per server, and how its outcome is printed: what `get`, `set` and `unset` of many servers differ in. */
export interface ServerBatch<T, R extends BatchOutcome> {
  readonly sources: readonly IdSource[];
  readonly flags: ServerBatchFlags;
  /** What the summary says the servers were: `read`, `updated`, `unset`. */
  readonly done: string;
  /**
   * A batch that writes: opens the journal its `work` records each server's before-state in, with
   * the first id, before that server's first request (see `batch/write-journal.ts`). Closed at the end.
   */
  readonly openJournal?: ((client: EcsMetadataClient) => Promise<FleetJournal>) | undefined;
  /** The call for one server, under the batch's per-call signal; `journal` is the one `openJournal` opened. */
  readonly work: (client: EcsMetadataClient, serverId: string, signal: AbortSignal, journal: FleetJournal | undefined) => Promise<T>;
  /** One server's result as the lines print it. */
  readonly outcome: (result: BatchResult<T>) => R;
  /** One NDJSON line (credentials in a server's message masked with `secrets`). */
  readonly ndjson: (outcome: R, secrets?: SecretRegistry) => string;
  /** One line for a person at a terminal (masked, control characters escaped). */
  readonly text: (outcome: R, secrets?: SecretRegistry) => string;
  /** Filters the ids as they are read (`get --resume` skips answered ones). */
  readonly filterIds?: (ids: AsyncIterable<string>) => AsyncIterable<string>;
}

/**
 * Runs a batch command: checks `--output` and `--concurrency` (exit 2 before anything is sent),
 * opens the client (a password login happens here) and, for a batch that writes, its journal; runs
 * `work` for every id with the client's batch runner (bounded concurrency, lazy input, the adaptive
 * rate limiter) and streams the lines
 * with {@link streamBatch}. The same contract for every command that takes many servers.
 *
 * @returns the exit code: 0, 7, the first failure's code or 130 (see {@link streamBatch}).
 */
export async function runServerBatch<T, R extends BatchOutcome>(batch: ServerBatch<T, R>, io: CliIo): Promise<number> {
  const { flags } = batch;
  const format = parseBatchFormat(flags.output, io);
  const concurrency = flags.concurrency === undefined ? DEFAULT_BATCH_CONCURRENCY : parseConcurrency(flags.concurrency);
  // A missing file of ids is the command's error, before a login and before any summary line.
  await checkFileSources(batch.sources);
  const config = await loadConnectionConfig(flags, io);
  const client = await openClient(config, flags, io);
  let journal: FleetJournal | undefined;
  // The journal is opened with the first id, so a batch of no servers leaves no file behind.
  async function* openingJournal(ids: AsyncIterable<string>): AsyncGenerator<string, void, undefined> {
    for await (const id of ids) {
      journal ??= await batch.openJournal?.(client);
      yield id;
    }
  }
  try {
    const ids = openingJournal(idsOf(batch.sources, io));
    const results = runBatch(
      batch.filterIds === undefined ? ids : batch.filterIds(ids),
      (serverId, signal) => batch.work(client, serverId, signal, journal),
      { concurrency, signal: io.signal },
    );
    return await streamBatch(
      {
        outcomes: mapOutcomes(results, batch.outcome),
        render: (outcome) => (format === 'ndjson' ? batch.ndjson : batch.text)(outcome, io.secrets),
        // Filtered ids have no total worth showing (the count of the input would overstate the
        // work): the progress line then shows the count and the rate, as for a pipe.
        total: () => (batch.filterIds === undefined ? totalOf(batch.sources, io) : undefined),
        failFast: flags['fail-fast'] === true,
        summary: (counts, elapsedMs, ending) => summaryLine(counts, elapsedMs, ending, batch.done),
      },
      io,
    );
  } finally {
    await journal?.close();
    client.close();
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
