import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { createInterface } from 'node:readline';
import {
  type DesiredServerChange,
  type DesiredServerState,
  desiredServerStateSchema,
  desiredStateFileSchema,
  expandDesiredServerState,
  formatJsonPath,
} from '@ecs-metadata/core';
import type * as Yaml from 'yaml';
import { UsageError } from '../exit-codes.js';

type YamlModule = typeof Yaml;

/**
 * Reading a desired-state file (`plan FILE`, `apply FILE`): JSON or YAML (`{"servers": [...]}`) or
 * NDJSON (one entry per line, streamed, so 100,000 servers never sit in memory). The whole file is
 * checked before anything is sent: a file that does not parse or breaks the schema is a
 * {@link UsageError} (exit 2) naming the file, the line and the JSON path.
 */

/** The formats a desired-state file can be in. */
export type DesiredFileFormat = 'json' | 'yaml' | 'ndjson';

/** A checked desired-state file, ready to be read again for its changes. */
export interface DesiredFile {
  readonly path: string;
  readonly format: DesiredFileFormat;
  /** Servers it names. */
  readonly servers: number;
  // A JSON or YAML document is held (it was parsed whole anyway); NDJSON is streamed again.
  readonly entries?: readonly DesiredServerState[] | undefined;
}

const EXTENSIONS: Readonly<Record<string, DesiredFileFormat>> = { '.json': 'json', '.yaml': 'yaml', '.yml': 'yaml', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/**
 * Detects the format (by extension, else by content), then parses and checks the whole file,
 * streaming NDJSON: every entry against the schema, and no server named twice.
 *
 * @throws {UsageError} `FILE:LINE: $.servers[2].set.env: message`, or naming the file it cannot read.
 */
export async function openDesiredFile(path: string): Promise<DesiredFile> {
  const format = EXTENSIONS[extname(path).toLowerCase()] ?? (await sniffFormat(path));
  return format === 'ndjson' ? checkNdjson(path) : checkDocument(path, format);
}

/** The changes of a checked file, one per server, in file order (NDJSON read lazily). */
export async function* desiredChanges(file: DesiredFile): AsyncGenerator<DesiredServerChange, void, undefined> {
  if (file.entries !== undefined) {
    for (const entry of file.entries) {
      yield* expandDesiredServerState(entry);
    }
    return;
  }
  for await (const { text } of numberedLines(file.path)) {
    yield* expandDesiredServerState(desiredServerStateSchema.parse(JSON.parse(text)));
  }
}

async function sniffFormat(path: string): Promise<DesiredFileFormat> {
  for await (const { text } of numberedLines(path)) {
    if (!text.startsWith('{') && !text.startsWith('[')) {
      return 'yaml';
    }
    try {
      // A whole object on the first line: an NDJSON entry, or a one-line JSON document.
      const first: unknown = JSON.parse(text);
      return typeof first === 'object' && first !== null && 'servers' in first ? 'json' : 'ndjson';
    } catch {
      return 'json';
    }
  }
  return 'json';
}

async function checkNdjson(path: string): Promise<DesiredFile> {
  const seen = new Map<string, number>();
  let servers = 0;
  for await (const { text, line } of numberedLines(path)) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path}:${line}: not valid JSON: ${(error as Error).message}`);
    }
    const parsed = desiredServerStateSchema.safeParse(value);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new UsageError(`${path}:${line}: ${formatJsonPath(issue?.path ?? [])}: ${issue?.message ?? 'invalid'}`);
    }
    for (const change of expandDesiredServerState(parsed.data)) {
      const earlier = seen.get(change.serverId);
      if (earlier !== undefined) {
        throw new UsageError(`${path}:${line}: server ${JSON.stringify(change.serverId)} is already given on line ${earlier}`);
      }
      seen.set(change.serverId, line);
      servers += 1;
    }
  }
  return { path, format: 'ndjson', servers };
}

async function checkDocument(path: string, format: 'json' | 'yaml'): Promise<DesiredFile> {
  const text = await readText(path);
  const yaml = await loadYaml();
  let value: unknown;
  if (format === 'json') {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${path}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const document = yaml.parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    const [problem] = document.errors;
    if (problem !== undefined) {
      const line = new yaml.LineCounter();
      yaml.parseDocument(text, { lineCounter: line });
      throw new UsageError(`${path}:${line.linePos(problem.pos[0]).line}: not valid YAML: ${problem.message.split('\n')[0] ?? ''}`);
    }
    value = document.toJS({ maxAliasCount: 100 }) as unknown;
  }
  const parsed = desiredStateFileSchema.safeParse(value);
  const lineOf = (jsonPath: readonly PropertyKey[]): number => {
    // The line of the deepest node of the path that exists (JSON is YAML too, for this).
    const lineCounter = new yaml.LineCounter();
    const document = yaml.parseDocument(text, { lineCounter });
    for (let length = jsonPath.length; length >= 0; length -= 1) {
      const node = document.getIn(jsonPath.slice(0, length), true) as { range?: [number, number, number] } | undefined;
      if (node?.range !== undefined) {
        return lineCounter.linePos(node.range[0]).line;
      }
    }
    return 1;
  };
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const jsonPath = issue?.path ?? [];
    throw new UsageError(`${path}:${lineOf(jsonPath)}: ${formatJsonPath(jsonPath)}: ${issue?.message ?? 'invalid'}`);
  }
  const seen = new Set<string>();
  let servers = 0;
  for (const [index, entry] of parsed.data.servers.entries()) {
    for (const change of expandDesiredServerState(entry)) {
      if (seen.has(change.serverId)) {
        throw new UsageError(`${path}:${lineOf(['servers', index])}: $.servers[${index}]: server ${JSON.stringify(change.serverId)} is already given earlier in the file`);
      }
      seen.add(change.serverId);
      servers += 1;
    }
  }
  return { path, format, servers, entries: parsed.data.servers };
}

// yaml ships CommonJS for Node: bundled, its namespace is then under `default`.
async function loadYaml(): Promise<YamlModule> {
  const loaded = await import('yaml');
  return typeof loaded.parseDocument === 'function' ? loaded : (loaded as unknown as { default: YamlModule }).default;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the desired-state file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

// Non-blank lines with their 1-based numbers, read lazily.
async function* numberedLines(path: string): AsyncGenerator<{ text: string; line: number }, void, undefined> {
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', reject);
  });
  try {
    await opened;
  } catch (error) {
    throw new UsageError(`cannot read the desired-state file ${path}: ${(error as Error).message}`, { cause: error });
  }
  let line = 0;
  for await (const raw of createInterface({ input: stream, crlfDelay: Infinity })) {
    line += 1;
    const text = raw.trim();
    if (text !== '') {
      yield { text, line };
    }
  }
}
