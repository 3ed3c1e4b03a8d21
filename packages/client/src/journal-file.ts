import { Buffer } from 'node:buffer';
import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rm, truncate } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * A crash journal on disk (DECISIONS 2026-12-06 "Where state lives"): one JSON record per line
 * (NDJSON), each written and fsync'd before the change it describes is made, in a file only its
 * owner can read (0600) in a directory only its owner can enter (0700). Whatever kills the
 * process, the journal holds every record whose change may have happened.
 *
 * Nothing here knows what the records mean: the verifier's metadata journal and the fleet
 * `apply` journal (`fleet-journal.ts`) put their own records in it. It lives in the client (core
 * does no I/O) behind the `@ecs-metadata/client/journal` subpath, so the main entry stays small.
 */

/** One record: an object with a `type`. */
export interface JournalRecord {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A journal that cannot be used: missing header, a corrupt or truncated line, another target's. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
  /** The journal file. */
  readonly file: string;

  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.file = file;
  }
}

/**
 * `$XDG_STATE_HOME/ecs-metadata`, by default `~/.local/state/ecs-metadata` (the XDG base
 * directory default; a relative `XDG_STATE_HOME` is ignored, as the specification says).
 */
export function stateDirectory(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env['XDG_STATE_HOME'];
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env['HOME'] || homedir(), '.local', 'state');
  return join(base, 'ecs-metadata');
}

/** An open journal, appended to record by record. */
export interface JournalWriter {
  /** The file. */
  readonly file: string;
  /** Writes one record and its newline, then fsyncs: when this resolves, the record survives a crash. */
  append(record: JournalRecord): Promise<void>;
  /** Closes the file (it stays on disk). */
  close(): Promise<void>;
}

/**
 * Creates `file` (it must not exist: an existing journal is recovered first, never overwritten),
 * mode 0600, its directory 0700 when created, and writes `header` as the first record.
 *
 * @throws the file system's error (`EEXIST` when the file exists).
 */
export async function createJournal(file: string, header: JournalRecord): Promise<JournalWriter> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const handle = await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_APPEND, 0o600);
  const writer = journalWriter(file, handle);
  try {
    await writer.append(header);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return writer;
}

/**
 * Opens an existing journal to append to it (an interrupted run resumed). A last record cut short
 * by a crash while it was being written (no newline) is cut off first: its change was never made,
 * since a change is made only once its record is on disk.
 *
 * @returns the writer, and whether a truncated last record was cut off.
 * @throws the file system's error (`ENOENT` when the file does not exist).
 */
export async function reopenJournal(file: string): Promise<{ writer: JournalWriter; droppedTruncatedRecord: boolean }> {
  const text = await readFile(file, 'utf8');
  const end = text.lastIndexOf('\n') + 1;
  const droppedTruncatedRecord = end < text.length;
  if (droppedTruncatedRecord) {
    await truncate(file, Buffer.byteLength(text.slice(0, end)));
  }
  const handle = await open(file, constants.O_WRONLY | constants.O_APPEND);
  return { writer: journalWriter(file, handle), droppedTruncatedRecord };
}

/** Options of {@link readJournal}. */
export interface ReadJournalOptions {
  /**
   * What a last record without its newline (cut short by a crash while being written) means:
   * `refuse` (default) throws, so that a human looks; `ignore` leaves it out, for a journal whose
   * records are written before their change (so that record's change never happened).
   */
  readonly truncatedLastRecord?: 'refuse' | 'ignore';
}

function journalWriter(file: string, handle: FileHandle): JournalWriter {
  let chain: Promise<void> = Promise.resolve();
  return {
    file,
    append: (record) => {
      // One write call per record, and records in order even when appends overlap.
      const next = chain.then(async () => {
        await handle.write(`${JSON.stringify(record)}\n`);
        await handle.sync();
      });
      chain = next.catch(() => undefined);
      return next;
    },
    close: async () => {
      await chain;
      await handle.close();
    },
  };
}

/**
 * Reads a journal: every line must be a JSON object with a string `type`, and the last must end
 * with a newline (a record without one was cut short by a crash while being written; see
 * {@link ReadJournalOptions.truncatedLastRecord}).
 *
 * @returns the records, or `undefined` when the file does not exist.
 * @throws {JournalError} naming the file and the line for a corrupt or truncated record.
 */
export async function readJournal(file: string, options: ReadJournalOptions = {}): Promise<JournalRecord[] | undefined> {
  return (await readJournalFile(file, options))?.records;
}

/**
 * {@link readJournal}, also saying whether a truncated last record was left out (with
 * `truncatedLastRecord: 'ignore'`).
 *
 * @throws {JournalError} as {@link readJournal}.
 */
export async function readJournalFile(
  file: string,
  options: ReadJournalOptions = {},
): Promise<{ records: JournalRecord[]; truncatedLastRecord: boolean } | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw new JournalError(file, `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  if (text === '') {
    throw new JournalError(file, 'is empty: it has no header record');
  }
  const truncatedLastRecord = !text.endsWith('\n');
  if (truncatedLastRecord) {
    const lines = text.split('\n').length;
    if (options.truncatedLastRecord !== 'ignore' || lines === 1) {
      throw new JournalError(file, `line ${lines} is truncated (no newline): the record was cut short while being written`);
    }
    text = text.slice(0, text.lastIndexOf('\n') + 1);
  }
  const records = text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        throw new JournalError(file, `line ${index + 1} is not JSON`);
      }
      if (typeof record !== 'object' || record === null || Array.isArray(record) || typeof (record as { type?: unknown }).type !== 'string') {
        throw new JournalError(file, `line ${index + 1} is not a journal record (an object with a "type")`);
      }
      return record as JournalRecord;
    });
  return { records, truncatedLastRecord };
}

/** Deletes a journal whose changes were all undone. */
export async function removeJournal(file: string): Promise<void> {
  await rm(file, { force: true });
}
