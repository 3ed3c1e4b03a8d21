/**
 * `@ecs-metadata/client/journal`: crash journals on disk (NDJSON, 0600, fsync'd per record) and the
 * fleet journal of `applyMetadataPlan`, with {@link rollbackFromJournal} to undo an apply. A
 * subpath of its own so that the main entry stays what most users need.
 *
 * @packageDocumentation
 */
export {
  createJournal,
  JournalError,
  readJournal,
  readJournalFile,
  removeJournal,
  reopenJournal,
  stateDirectory,
  type JournalRecord,
  type JournalWriter,
  type ReadJournalOptions,
} from './journal-file.js';
export {
  defaultFleetJournalPath,
  FleetJournal,
  readFleetJournal,
  rollbackFromJournal,
  type FleetJournalContents,
  type JournalIdentity,
  type JournaledServer,
  type RollbackOptions,
  type RollbackOutcome,
} from './fleet-journal.js';
