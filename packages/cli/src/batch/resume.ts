import { createReadStream, fstatSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UsageError } from '../exit-codes.js';

/**
 * `get --resume OUT.ndjson`: the ids an earlier batch's NDJSON output answered, so that a rerun
 * skips them (docs/decisions.md "Fleet writes"): a line with a `serverId` and no `error` is
 * answered; error lines are not (those servers are read again). The file is read as a stream, line
 * by line; only the set of answered ids is held. A line cut short by a killed run (it starts as every
 * result line does, `{"serverId":"`, but does not parse) is skipped, wherever it is: after a resumed
 * run appended to the file it is no longer the last. Any other line is refused, naming file and line.
 *
 * @throws {UsageError} when the file cannot be read or holds a line that is not a batch result.
 */
export async function answeredIdsOf(path: string): Promise<Set<string>> {
  const answered = new Set<string>();
  let lineNumber = 0;
  try {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      lineNumber += 1;
      const parsed = parseResultLine(line);
      if (parsed.kind === 'invalid') {
        throw new UsageError(`--resume: ${path} line ${lineNumber} is not a result line of ecs-metadata get: ${parsed.reason}`);
      }
      if (parsed.kind === 'answered') {
        answered.add(parsed.serverId);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      throw error;
    }
    throw new UsageError(`--resume: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return answered;
}

/**
 * Ends an unterminated last line of `path` (a run killed mid-write) when stdout appends to that very
 * file (`--resume out.ndjson >> out.ndjson`): without the newline the first new line would be glued
 * to the broken one, and the file would no longer resume. Compares device and inode of `path` with
 * stdout's file descriptor; does nothing when stdout is anything else.
 */
export async function endCutLineOfOutput(path: string, stdout: unknown, write: (text: string) => void): Promise<void> {
  const fd = (stdout as { fd?: unknown } | undefined)?.fd;
  if (typeof fd !== 'number') {
    return;
  }
  try {
    const [file, out] = [statSync(path), fstatSync(fd)];
    if (file.dev !== out.dev || file.ino !== out.ino || file.size === 0) {
      return;
    }
    const handle = await open(path, 'r');
    try {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, file.size - 1);
      if (last[0] !== 0x0a) {
        write('\n');
      }
    } finally {
      await handle.close();
    }
  } catch {
    // Not a file we can compare (a pipe, a closed descriptor): nothing to mend.
  }
}

/** The ids of `ids` that `answered` does not hold, in order, pulled lazily. */
export async function* skipAnswered(ids: AsyncIterable<string>, answered: ReadonlySet<string>): AsyncGenerator<string, void, undefined> {
  for await (const id of ids) {
    if (!answered.has(id)) {
      yield id;
    }
  }
}

/** How every result line starts (`JSON.stringify` puts `serverId` first): a line cut short still does. */
const RESULT_LINE_START = '{"serverId":"';

/** What one line of an earlier output says. */
type ResultLine = { kind: 'answered'; serverId: string } | { kind: 'unanswered' } | { kind: 'skip' } | { kind: 'invalid'; reason: string };

// Answered unless it carries an `error`; a blank or cut line is skipped.
function parseResultLine(line: string): ResultLine {
  if (line.trim() === '') {
    return { kind: 'skip' };
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return line.startsWith(RESULT_LINE_START) ? { kind: 'skip' } : { kind: 'invalid', reason: (error as Error).message };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof (json as { serverId?: unknown }).serverId !== 'string') {
    return { kind: 'invalid', reason: 'no "serverId"' };
  }
  return Object.hasOwn(json, 'error') ? { kind: 'unanswered' } : { kind: 'answered', serverId: (json as { serverId: string }).serverId };
}
