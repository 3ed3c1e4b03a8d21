import { DEFAULT_BATCH_CONCURRENCY } from '@ecs-metadata/client';
import { defaultFleetJournalPath, FleetJournal, readFleetJournal, rollbackFromJournal } from '@ecs-metadata/client/journal';
import { ROLLBACK_COMMAND } from '../command-table.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';
import { type FleetLine, fleetLineRenderer } from '../fleet/fleet-lines.js';
import { parseBatchFormat, parseConcurrency } from '../batch/batch-flags.js';
import { mapOutcomes, streamBatch, summaryEnd } from '../batch/stream-batch.js';
import { loadConnectionConfig, openClient } from './metadata-client.js';
import { refuseJournal } from '../fleet/fleet-command.js';

/** `ecs-metadata rollback JOURNAL`: restores every server the journal names, read back and compared. */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(ROLLBACK_COMMAND, args);
  const [path, extra] = positionals;
  if (path === undefined || extra !== undefined) {
    throw new UsageError(`rollback takes one JOURNAL; got ${positionals.length === 0 ? 'none' : `"${positionals.join(' ')}"`}`);
  }
  const format = parseBatchFormat(values.output, io);
  const concurrency = values.concurrency === undefined ? DEFAULT_BATCH_CONCURRENCY : parseConcurrency(values.concurrency);
  const config = await loadConnectionConfig(values, io);
  const client = await openClient(config, values, io);
  try {
    const identity = { endpoint: client.endpoint, projectId: client.projectId };
    // Checked (and refused with the reason) before the rollback's own journal or any request.
    const contents = await readFleetJournal(path, identity).catch(refuseJournal);
    const journalPath = values.journal ?? defaultFleetJournalPath('rollback', io.env);
    const journal = await FleetJournal.create(journalPath, identity, path);
    io.stderr.write(`ecs-metadata: journal of this rollback: ${journal.file}\n`);
    const counts = { restored: 0, unchanged: 0, changedSince: [] as string[] };
    try {
      const outcomes = rollbackFromJournal(client, path, { concurrency, signal: io.signal, journal });
      return await streamBatch(
        {
          outcomes: mapOutcomes(outcomes, (outcome): FleetLine => {
            if (outcome.status !== 'failed') {
              counts[outcome.status] += 1;
            }
            if (outcome.changedSince === true) {
              counts.changedSince.push(outcome.serverId);
            }
            return { serverId: outcome.serverId, status: outcome.status, changedSince: outcome.changedSince, error: outcome.error };
          }),
          render: fleetLineRenderer(format, io),
          total: () => contents.servers.size,
          failFast: false,
          summary: (batchCounts, elapsedMs, ending) => {
            const changed = counts.changedSince.length === 0 ? '' : `; ${counts.changedSince.length} had been changed by someone else since the apply (restored anyway; what they held is in this rollback's journal): ${counts.changedSince.join(', ')}`;
            return `ecs-metadata: rollback: ${counts.restored} of ${batchCounts.done} servers restored (read back equal), ${counts.unchanged} unchanged, ${batchCounts.failed} failed${changed}, ${summaryEnd(batchCounts, elapsedMs, ending)}`;
          },
        },
        io,
      );
    } finally {
      await journal.close();
    }
  } finally {
    client.close();
  }
}
