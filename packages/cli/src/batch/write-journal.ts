import type { EcsMetadataClient, Metadata } from '@ecs-metadata/client';
import { defaultFleetJournalPath, FleetJournal } from '@ecs-metadata/client/journal';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/**
 * The fleet journal of the commands that write many servers (`apply`, batch `set` and `unset`;
 * DECISIONS 2026-12-06 "Where state lives"): created before the first request that writes, its
 * path printed with the command that undoes it, so a kill at any instant can be rolled back.
 */

/** Which command writes the journal: it names the default file. */
export type JournalingCommand = 'apply' | 'set' | 'unset';

/**
 * Creates a new fleet journal at `path` (default `$XDG_STATE_HOME/ecs-metadata/<command>-<time>-<pid>.ndjson`)
 * for the client's endpoint and project, and prints `ecs-metadata: journal: PATH (undo: ...)` on stderr.
 *
 * @param source what the journal is for (the desired-state file of `apply`, the command line of `set`).
 * @throws {UsageError} naming the path when it cannot be created (it exists, a folder is missing rights).
 */
export async function createWriteJournal(
  command: JournalingCommand,
  path: string | undefined,
  source: string,
  client: EcsMetadataClient,
  io: CliIo,
): Promise<FleetJournal> {
  const file = path ?? defaultFleetJournalPath(command, io.env);
  const journal = await FleetJournal.create(file, { endpoint: client.endpoint, projectId: client.projectId }, source).catch(
    (error: unknown) => {
      throw new UsageError(`cannot create the journal ${file}: ${(error as Error).message}`, { cause: error });
    },
  );
  io.stderr.write(`ecs-metadata: journal: ${journal.file} (undo: ecs-metadata rollback ${journal.file})\n`);
  return journal;
}

/**
 * Reads one server's map and journals it as its before-state (durable before this resolves), so the
 * write that follows can be undone whatever happens to it.
 *
 * @returns the map the server held.
 * @throws {Error} without a journal: a batch that writes runs only with one (a bug otherwise).
 */
export async function journalBeforeState(
  client: EcsMetadataClient,
  journal: FleetJournal | undefined,
  serverId: string,
  signal: AbortSignal,
): Promise<Metadata> {
  if (journal === undefined) {
    throw new Error('a batch that writes runs with its journal');
  }
  const before = await client.getServerMetadata(serverId, { signal });
  await journal.recordBefore(serverId, before);
  return before;
}
