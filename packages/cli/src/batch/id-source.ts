import { createReadStream, fstatSync, ReadStream } from 'node:fs';
import { UsageError } from '../exit-codes.js';
import type { CliIo } from '../io.js';

/** Where a batch's server ids come from, in order: ids given as arguments, a file, or stdin (`-`). */
export type IdSource = { kind: 'id'; id: string } | { kind: 'file'; path: string } | { kind: 'stdin' };

/**
 * Splits a stream of text chunks into lines, lazily: one chunk in memory at a time, plus the
 * line being assembled. Lines are trimmed (a CRLF file works); blank lines are skipped.
 */
export async function* linesOf(chunks: AsyncIterable<string | Uint8Array>): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder('utf-8');
  let pending = '';
  for await (const chunk of chunks) {
    pending += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== '') {
        yield line;
      }
      newline = pending.indexOf('\n');
    }
  }
  const last = (pending + decoder.decode()).trim();
  if (last !== '') {
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
    throw new UsageError(`--from-file: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}
