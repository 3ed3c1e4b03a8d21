import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UsageError } from '../exit-codes.js';

/**
 * `get --resume OUT.ndjson`: the ids an earlier batch's NDJSON output answered, so that a rerun
 * skips them (DECISIONS-level rule in docs/decisions.md "Fleet writes"): a line with a `serverId`
 * and no `error` is answered; error lines are not (those servers are read again). The file is read
 * as a stream, line by line; only the set of answered ids is held. A last line that does not parse
 * is the tail of a run killed mid-write and is ignored (its server is read again); any other line
 * that is not one of ours is refused, naming the file and line.
 *
 * @throws {UsageError} when the file cannot be read or holds a line that is not a batch result.
 */
export async function answeredIdsOf(path: string): Promise<Set<string>> {
  const answered = new Set<string>();
  let unreadable: { line: number; reason: string } | undefined;
  let lineNumber = 0;
  let lastContentLine = 0;
  try {
    const lines = createInterface({ input: createReadStream(path), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      lineNumber += 1;
      if (line.trim() === '') {
        continue;
      }
      lastContentLine = lineNumber;
      if (unreadable !== undefined) {
        break; // a bad line with more after it: not a truncated tail
      }
      const parsed = parseResultLine(line);
      if (typeof parsed === 'string') {
        unreadable = { line: lineNumber, reason: parsed };
      } else if (parsed.answered) {
        answered.add(parsed.serverId);
      }
    }
  } catch (error) {
    throw new UsageError(`--resume: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (unreadable !== undefined && unreadable.line !== lastContentLine) {
    throw new UsageError(`--resume: ${path} line ${unreadable.line} is not a result line of ecs-metadata get: ${unreadable.reason}`);
  }
  return answered;
}

/** The ids of `ids` that `answered` does not hold, in order, pulled lazily. */
export async function* skipAnswered(ids: AsyncIterable<string>, answered: ReadonlySet<string>): AsyncGenerator<string, void, undefined> {
  for await (const id of ids) {
    if (!answered.has(id)) {
      yield id;
    }
  }
}

// `{"serverId": "...", ...}`: answered unless it carries an `error`; a string says why it is not a result line.
function parseResultLine(line: string): { serverId: string; answered: boolean } | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return (error as Error).message;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || typeof (json as { serverId?: unknown }).serverId !== 'string') {
    return 'no "serverId"';
  }
  return { serverId: (json as { serverId: string }).serverId, answered: !Object.hasOwn(json, 'error') };
}
