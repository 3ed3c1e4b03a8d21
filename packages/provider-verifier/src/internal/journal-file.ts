import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/**
 * A crash journal on disk (DECISIONS 2026-12-06 "Where state lives"): one JSON record per line
 * (NDJSON), each written and fsync'd before the change it describes is made, in a file only its
 * owner can read (0600) in a directory only its owner can enter (0700). Whatever kills the
 * process, the journal holds every record whose change may have happened.
 *
 * Nothing here knows what the records mean: the verifier's metadata journal and, later, the
 * fleet `apply` (issue 17) put their own records in it. It belongs in core once a second user
 * exists.
 */

/** One record: an object with a `type`. */
export interface JournalRecord {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** A journal that cannot be used: missing header, a corrupt or truncated line, another target's. */
export class JournalError extends Error {
  override name = 'JournalError';
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
 * with a newline (a record without one was cut short by a crash while being written).
 *
 * @returns the records, or `undefined` when the file does not exist.
 * @throws {JournalError} naming the file and the line for a corrupt or truncated record.
 */
export async function readJournal(file: string): Promise<JournalRecord[] | undefined> {
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
  if (!text.endsWith('\n')) {
    const lines = text.split('\n').length;
    throw new JournalError(file, `line ${lines} is truncated (no newline): the record was cut short while being written`);
  }
  return text
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
}

/** Deletes a journal whose changes were all undone. */
export async function removeJournal(file: string): Promise<void> {
  await rm(file, { force: true });
}
