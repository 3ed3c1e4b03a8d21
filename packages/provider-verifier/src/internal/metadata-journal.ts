import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { buildReplaceServerMetadataRequest, ConfigError, type Metadata, normalizeEndpoint, ValidationError } from '@ecs-metadata/core';
import { type EndpointServer, readServerMetadata, replaceServerMetadata, setServerLock } from './endpoint-metadata.js';
import { createJournal, JournalError, type JournalRecord, type JournalWriter, readJournal, removeJournal, stateDirectory } from '@ecs-metadata/client/journal';

/** The first record of a verifier's journal: whose metadata it holds. */
interface VerifierJournalHeader extends JournalRecord {
  readonly type: 'ecs-metadata-verify';
  readonly version: 1;
  readonly endpoint: string;
  readonly projectId: string;
  readonly serverId: string;
  readonly startedAt: string;
  /** The writing process, so a journal still in use by a running verifier is not recovered. */
  readonly host: string;
  readonly pid: number;
}

/** The server's metadata before the run: written before the first arranging write. */
interface OriginalRecord extends JournalRecord {
  readonly type: 'original';
  readonly metadata: Metadata;
}

/**
 * The default journal of a target: `$XDG_STATE_HOME/ecs-metadata/verify-<hash>.ndjson`, one file
 * per endpoint, project and server, so that the next run against the same server finds it.
 */
export function defaultJournalFile(env: Readonly<Record<string, string | undefined>>, server: EndpointServer): string {
  const hash = createHash('sha256').update(`${normalizeEndpoint(server.baseUrl)}\n${server.projectId}\n${server.serverId}`).digest('hex').slice(0, 16);
  return join(stateDirectory(env), `verify-${hash}.ndjson`);
}

/**
 * Reads the server's metadata, checks that it can be written back as it is, and journals it.
 * Call before the first write.
 *
 * @throws {ConfigError} (`provider.serverId`) naming the key when the original could not be put
 *   back (e.g. `a@b`, which Nova's API refuses): nothing has been written.
 */
export async function journalOriginal(file: string, server: EndpointServer): Promise<{ original: Metadata; writer: JournalWriter }> {
  const original = await readServerMetadata(server);
  try {
    buildReplaceServerMetadataRequest({ endpoint: server.baseUrl, projectId: server.projectId, serverId: server.serverId, apiVersion: 'v2.1', metadata: original, keyRules: 'nova', force: true });
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ConfigError(
        'provider.serverId',
        `The metadata of server ${server.serverId} could not be put back after the run (${error.message}); nothing was written. Verify against a server without such keys`,
        { cause: error },
      );
    }
    throw error;
  }
  const header: VerifierJournalHeader = {
    type: 'ecs-metadata-verify',
    version: 1,
    endpoint: normalizeEndpoint(server.baseUrl),
    projectId: server.projectId,
    serverId: server.serverId,
    startedAt: new Date().toISOString(),
    host: hostname(),
    pid: process.pid,
  };
  const writer = await createJournal(file, header);
  try {
    await writer.append({ type: 'original', metadata: original } satisfies OriginalRecord);
  } catch (error) {
    await writer.close();
    throw error;
  }
  return { original, writer };
}

/** What a recovery did. */
export interface Recovery {
  /** The server whose metadata was put back. */
  readonly serverId: string;
  /** The metadata it holds again. */
  readonly metadata: Metadata;
}

/**
 * Recovers from a journal left by a run that did not finish (killed, or its restore failed):
 * unlocks the server if the run locked it, puts the original metadata back, reads it again to prove it, then deletes the journal.
 *
 * @returns `undefined` when there is no journal at `file`.
 * @throws {JournalError} naming the file when it is corrupt, truncated, not a verifier journal, or
 *   another endpoint's, project's or server's than `server`: nothing is written then.
 * @throws the request's error when the metadata could not be put back (the journal is kept).
 */
export async function recoverFromJournal(file: string, server: EndpointServer): Promise<Recovery | undefined> {
  const records = await readJournal(file);
  if (records === undefined) {
    return undefined;
  }
  const header = records[0];
  if (header?.type !== 'ecs-metadata-verify' || header['version'] !== 1) {
    throw new JournalError(file, 'is not an ecs-metadata-verify journal (version 1)');
  }
  const mine = { endpoint: normalizeEndpoint(server.baseUrl), projectId: server.projectId, serverId: server.serverId };
  const theirs = { endpoint: header['endpoint'], projectId: header['projectId'], serverId: header['serverId'] };
  if (theirs.endpoint !== mine.endpoint || theirs.projectId !== mine.projectId || theirs.serverId !== mine.serverId) {
    throw new JournalError(
      file,
      `belongs to server ${String(theirs.serverId)} of project ${String(theirs.projectId)} at ${String(theirs.endpoint)}, not to server ${mine.serverId} of project ${mine.projectId} at ${mine.endpoint}; nothing was written`,
    );
  }
  if (header['host'] === hostname() && typeof header['pid'] === 'number' && header['pid'] !== process.pid && isRunning(header['pid'])) {
    throw new JournalError(file, `is in use by a verifier still running as process ${header['pid']} on this host; nothing was written`);
  }
  const originals = records.filter((record) => record.type === 'original');
  if (originals.length > 1) {
    throw new JournalError(file, 'holds more than one original');
  }
  const original = originals[0]?.['metadata'];
  if (original === undefined) {
    // Killed before the original was journaled: nothing was written yet.
    await removeJournal(file);
    return undefined;
  }
  if (!isMetadata(original)) {
    throw new JournalError(file, 'its original is not a metadata map of strings');
  }
  if (records.some((record) => record.type === 'lock')) {
    // Locked (or about to be) when the run died: unlock first, or the restore is refused (409).
    // Unlocking an unlocked server is accepted, so it does not matter whether the lock landed.
    await setServerLock(server, false);
  }
  await replaceServerMetadata(server, original);
  const now = await readServerMetadata(server);
  if (!sameMetadata(now, original)) {
    throw new Error(`the metadata of server ${server.serverId} was put back from ${file} but reads ${JSON.stringify(now)}; it should be ${JSON.stringify(original)}`);
  }
  await removeJournal(file);
  return { serverId: server.serverId, metadata: original };
}

/** Whether a process with this id exists (signal 0 only checks). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isMetadata(value: unknown): value is Metadata {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

/** Whether two metadata maps hold the same keys and values. */
export function sameMetadata(a: Metadata, b: Metadata): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}
