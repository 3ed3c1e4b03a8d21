import { FleetJournal } from '@ecs-metadata/client/journal';
import { createWriteJournal } from '../batch/write-journal.js';
import type { DesiredServerChange } from '@ecs-metadata/core';
import { APPLY_COMMAND } from '../command-table.js';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { parseCommandLine } from '../parse.js';
import { desiredChanges } from '../fleet/desired-file.js';
import { openFleetCommand, refuseJournal } from '../fleet/fleet-command.js';
import { runFleet } from '../fleet/fleet-run.js';

/**
 * `ecs-metadata apply FILE`: plans every server and carries the plans out, each server's
 * before-state journaled before its first write; `--dry-run` is `plan`; `--resume JOURNAL` goes on
 * with an interrupted run.
 */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandLine(APPLY_COMMAND, args);
  if (values.resume !== undefined && values.journal !== undefined) {
    throw new UsageError('--resume goes on writing the journal it names: it cannot be given with --journal');
  }
  const { file, client, options } = await openFleetCommand('apply', positionals, values, io);
  try {
    if (values['dry-run'] === true) {
      const { code } = await runFleet(desiredChanges(file), client, io, options);
      io.stderr.write('Dry run: nothing was written.\n');
      return code;
    }
    const identity = { endpoint: client.endpoint, projectId: client.projectId };
    let journal: FleetJournal;
    let completed: ReadonlySet<string> = new Set();
    if (values.resume !== undefined) {
      const resumed = await FleetJournal.resume(values.resume, identity).catch(refuseJournal);
      journal = resumed.journal;
      completed = new Set([...resumed.contents.servers].filter(([, server]) => server.after !== undefined).map(([serverId]) => serverId));
      const midway = resumed.contents.servers.size - completed.size;
      io.stderr.write(`ecs-metadata: resuming ${journal.file}: ${completed.size} servers done earlier (not sent again), ${midway} interrupted midway (re-read and finished)\n`);
      if (resumed.contents.source !== undefined && resumed.contents.source !== file.path) {
        io.stderr.write(`ecs-metadata: note: that journal was written for ${resumed.contents.source}, not ${file.path}\n`);
      }
      if (resumed.contents.truncatedLastRecord) {
        io.stderr.write('ecs-metadata: its last record was cut short by the interruption and was dropped: that write never started\n');
      }
    } else {
      journal = await createWriteJournal('apply', values.journal, file.path, client, io);
    }
    try {
      return (
        await runFleet(desiredChanges(file) as AsyncIterable<DesiredServerChange>, client, io, {
          ...options,
          apply: { journal, force: values.force === true, completed },
        })
      ).code;
    } finally {
      await journal.close();
    }
  } finally {
    client.close();
  }
}
