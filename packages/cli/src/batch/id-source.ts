import { createReadStream, fstatSync, ReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';
import { escapeLine } from '../terminal.js';

/** Where a batch's server ids come from, in order: ids given as arguments, a file, or stdin (`-`). */
export type IdSource = { kind: 'id'; id: string } | { kind: 'file'; path: string } | { kind: 'stdin' };

/** The longest a server id can be (core's `serverIdSchema`). */
const MAX_ID_LENGTH = 255;

/**
 * Splits a stream of text chunks into lines, lazily and in bounded memory and time: one chunk at a
 * time plus at most {@link MAX_ID_LENGTH} + 1 characters of the current line. Lines are trimmed (a
 * CRLF file works); blank lines are skipped. A line longer than any id is cut there and marked with
 * `…`: still too long, it becomes that line's own error (echoed cut, not whole), and the rest of it
 * is skipped without being held (a 50 MB line costs one pass).
 */
export async function* linesOf(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let head = ''; // the current line so far, leading blanks dropped, at most MAX_ID_LENGTH + 1 characters
  let cut = false; // the current line went past that
  const take = (part: string): void => {
    if (!cut) {
      head = head === '' ? part.trimStart() : head + part;
      if (head.length > MAX_ID_LENGTH) {
        head = head.slice(0, MAX_ID_LENGTH + 1);
        cut = true;
      }
    }
  };
  const finish = (): string | undefined => {
    const line = cut ? `${head}…` : head.trim();
    head = '';
    cut = false;
    return line === '' ? undefined : line;
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      take(text.slice(start, newline));
      const line = finish();
      if (line !== undefined) {
        yield line;
      }
      start = newline + 1;
    }
    take(text.slice(start));
  }
  take(decoder.decode());
  const last = finish();
  if (last !== undefined) {
    yield last;
  }
}

/**
 * The ids of every source, in order, read lazily (a file or stdin is read as the batch pulls).
 *
 * @throws {UsageError} naming the file when it cannot be read, or stdin when there is none.
 */
export async function* idsOf(sources: readonly IdSource[], io: CliIo): AsyncGenerator<string, void, undefined> {
  for (const source of sources) {
    if (source.kind === 'id') {
      yield source.id;
    } else if (source.kind === 'stdin') {
      if (io.stdin === undefined) {
        throw new UsageError('"-" reads server ids from stdin, but there is no stdin');
      }
      yield* linesOf(io.stdin);
    } else {
      yield* linesOf(readable(source.path));
    }
  }
}

/** Counts the ids of a file without holding it (for the progress bar's total and ETA). */
export async function countIds(path: string): Promise<number> {
  let count = 0;
  const lines = linesOf(readable(path));
  while (!(await lines.next()).done) {
    count += 1;
  }
  return count;
}

/**
 * Counts the ids of stdin when it is a regular file (`get - < ids.txt`), else `undefined` (a pipe can
 * be read only once). Reads the file by position (pread), so the batch's own reading of stdin, from
 * the shared offset, is not disturbed.
 */
export async function countStdinIds(stdin: unknown): Promise<number | undefined> {
  // Node opens stdin redirected from a file as an fs.ReadStream on fd 0 (a pipe or a terminal is not one).
  const fd = stdin instanceof ReadStream ? (stdin as { fd?: unknown }).fd : undefined;
  if (typeof fd !== 'number') {
    return undefined;
  }
  try {
    if (!fstatSync(fd).isFile()) {
      return undefined;
    }
  } catch {
    return undefined;
  }
  let count = 0;
  const lines = linesOf(createReadStream('', { fd, start: 0, autoClose: false }) as AsyncIterable<Uint8Array>);
  while (!(await lines.next()).done) {
    count += 1;
  }
  return count;
}

async function* readable(path: string): AsyncGenerator<Uint8Array, void, undefined> {
  try {
    for await (const chunk of createReadStream(path)) {
      yield chunk as Uint8Array;
    }
  } catch (error) {
    throw cannotRead(path, error);
  }
}

/**
 * Checks that each file source can be read, before the batch starts: a missing file is a usage
 * error on its own, not a batch of 0 servers followed by the error.
 *
 * @throws {UsageError} naming the file and why (exit 2).
 */
export async function checkFileSources(sources: readonly IdSource[]): Promise<void> {
  for (const source of sources) {
    if (source.kind === 'file') {
      const stats = await stat(source.path).catch((error: unknown) => {
        throw cannotRead(source.path, error);
      });
      if (stats.isDirectory()) {
        throw new UsageError(`--from-file ${escapeLine(source.path)}: is a directory, not a file of server ids`);
      }
    }
  }
}

const REASONS: Readonly<Record<string, string>> = { ENOENT: 'no such file', EACCES: 'permission denied', EISDIR: 'is a directory', ENOTDIR: 'a part of the path is not a directory' };

function cannotRead(path: string, error: unknown): UsageError {
  const code = (error as { code?: unknown }).code;
  const reason = (typeof code === 'string' ? REASONS[code] : undefined) ?? (error as Error).message;
  return new UsageError(`--from-file ${escapeLine(path)}: cannot read it: ${reason}`, { cause: error });
}
