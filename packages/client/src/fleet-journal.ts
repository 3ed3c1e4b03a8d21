import { join } from 'node:path';
import { EcsMetadataError, type Metadata, metadataSchema, planMetadataChanges, sameMetadata, type ServerMetadataPlan } from '@ecs-metadata/core';
import { type ApplyJournal, type ApplyOutcome, type ApplyPlanOptions, carryOutPlan } from './apply-plan.js';
import { type BatchOptions, runBatch } from './batch.js';
import type { EcsMetadataClient } from './client.js';
import { createJournal, JournalError, type JournalRecord, type JournalWriter, readJournalFile, reopenJournal, stateDirectory } from './journal-file.js';

/**
 * The fleet journal of `ecs-metadata apply` and `rollback` (issue 17): a header naming the endpoint
 * and project, then per server a `before` record (its map before our first write, fsync'd before
 * that write is sent) and, once all its writes were carried out, an `after` record (the map we left).
 * A journal of another endpoint or project is refused: restoring it here would write the wrong servers.
 */

const HEADER_TYPE = 'ecs-metadata-apply';
const VERSION = 1;

/** Which endpoint and project a journal belongs to. */
export interface JournalIdentity {
  readonly endpoint: string;
  readonly projectId: string;
}

/** What a fleet journal says about one server. */
export interface JournaledServer {
  /** Its map before our first write. */
  readonly before: Metadata;
  /** The map we left once every write was carried out; absent when interrupted or failed midway. */
  readonly after?: Metadata | undefined;
}

/** A fleet journal read back. */
export interface FleetJournalContents {
  readonly identity: JournalIdentity;
  /** What `apply` (or `rollback`) wrote it for, e.g. the desired-state file. */
  readonly source: string | undefined;
  /** Per server, in the order first written. */
  readonly servers: ReadonlyMap<string, JournaledServer>;
  /** A last record cut short by a crash while being written was left out (its write never started). */
  readonly truncatedLastRecord: boolean;
}

/**
 * A default path for a new fleet journal: `$XDG_STATE_HOME/ecs-metadata/<kind>-<UTC time>-<pid>.ndjson`
 * (DECISIONS 2026-12-06 "Where state lives"); `kind` names the command that writes it (`apply`,
 * `rollback`, or a batch `set`/`unset`).
 */
export function defaultFleetJournalPath(kind: 'apply' | 'rollback' | 'set' | 'unset', env: Readonly<Record<string, string | undefined>>, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/gu, '').replace(/\.\d+Z$/u, 'Z');
  return join(stateDirectory(env), `${kind}-${stamp}-${process.pid}.ndjson`);
}

/** A fleet journal open for writing: an {@link ApplyJournal} that knows what it already holds. */
export class FleetJournal implements ApplyJournal {
  readonly #writer: JournalWriter;
  readonly #before: Set<string>;

  private constructor(writer: JournalWriter, before: Set<string>) {
    this.#writer = writer;
    this.#before = before;
  }

  /** The journal's file. */
  get file(): string {
    return this.#writer.file;
  }

  /**
   * Creates a new journal (mode 0600, its directory 0700) with its header.
   *
   * @throws the file system's error (`EEXIST` when the file exists).
   */
  static async create(file: string, identity: JournalIdentity, source?: string): Promise<FleetJournal> {
    const header: JournalRecord = {
      type: HEADER_TYPE,
      version: VERSION,
      endpoint: identity.endpoint,
      projectId: identity.projectId,
      source,
      createdAt: new Date().toISOString(),
    };
    return new FleetJournal(await createJournal(file, header), new Set());
  }

  /**
   * Opens an interrupted run's journal to go on with it: checked as {@link readFleetJournal} does,
   * a truncated last record cut off. A server it already holds a before-state for keeps that one
   * (the original), whatever is recorded again.
   *
   * @throws {JournalError} for a journal that cannot be used or belongs to another endpoint or project.
   */
  static async resume(file: string, identity: JournalIdentity): Promise<{ journal: FleetJournal; contents: FleetJournalContents }> {
    const contents = await readFleetJournal(file, identity);
    const { writer } = await reopenJournal(file);
    return { journal: new FleetJournal(writer, new Set(contents.servers.keys())), contents };
  }

  /** Appends the server's before-state unless it holds one already. */
  async recordBefore(serverId: string, metadata: Readonly<Metadata>): Promise<void> {
    if (this.#before.has(serverId)) {
      return;
    }
    this.#before.add(serverId);
    await this.#writer.append({ type: 'before', serverId, metadata });
  }

  /** Appends the map the server was left at. */
  async recordAfter(serverId: string, metadata: Readonly<Metadata>): Promise<void> {
    await this.#writer.append({ type: 'after', serverId, metadata });
  }

  /** Closes the file (it stays on disk). */
  close(): Promise<void> {
    return this.#writer.close();
  }
}

/**
 * Reads a fleet journal. A last record cut short (a kill while it was being written) is left out:
 * records are written before their change, so its change never happened.
 *
 * @throws {JournalError} naming the file (and line) when it does not exist, is empty, has a corrupt
 *   record, is not a fleet journal, or belongs to another endpoint or project than `expected`.
 */
export async function readFleetJournal(file: string, expected: JournalIdentity): Promise<FleetJournalContents> {
  const read = await readJournalFile(file, { truncatedLastRecord: 'ignore' });
  if (read === undefined) {
    throw new JournalError(file, 'does not exist');
  }
  const [header, ...records] = read.records;
  if (header?.type !== HEADER_TYPE || header['version'] !== VERSION) {
    throw new JournalError(file, `line 1 is not the header of an ecs-metadata apply journal (version ${VERSION})`);
  }
  const identity = { endpoint: String(header['endpoint']), projectId: String(header['projectId']) };
  if (identity.projectId !== expected.projectId) {
    throw new JournalError(file, `belongs to project ${identity.projectId}, not ${expected.projectId}: refused`);
  }
  if (identity.endpoint !== expected.endpoint) {
    throw new JournalError(file, `belongs to endpoint ${identity.endpoint}, not ${expected.endpoint}: refused`);
  }
  const servers = new Map<string, { before: Metadata; after?: Metadata }>();
  records.forEach((record, index) => {
    const line = index + 2;
    const serverId = record['serverId'];
    const metadata = metadataSchema.safeParse(record['metadata']);
    if (typeof serverId !== 'string' || !metadata.success || (record.type !== 'before' && record.type !== 'after')) {
      throw new JournalError(file, `line ${line} is not a "before" or "after" record with a serverId and a metadata map`);
    }
    const known = servers.get(serverId);
    if (record.type === 'before') {
      if (known === undefined) {
        servers.set(serverId, { before: metadata.data });
      }
    } else if (known === undefined) {
      throw new JournalError(file, `line ${line}: an "after" record for ${serverId} without its "before"`);
    } else {
      known.after = metadata.data;
    }
  });
  return { identity, source: typeof header['source'] === 'string' ? header['source'] : undefined, servers, truncatedLastRecord: read.truncatedLastRecord };
}

/** One server of {@link rollbackFromJournal}. */
export type RollbackOutcome = {
  readonly serverId: string;
  /**
   * `restored` (read back equal to the before-state), `unchanged` (it held its before-state already),
   * `failed` (`error`, or the read-back differs).
   */
  readonly status: 'restored' | 'unchanged' | 'failed';
  /**
   * Whether someone else changed the server since the apply left it: `undefined` when the apply
   * did not finish that server (no after-state to compare with).
   */
  readonly changedSince: boolean | undefined;
  readonly error?: EcsMetadataError | undefined;
};

/** Options of {@link rollbackFromJournal}. */
export interface RollbackOptions extends BatchOptions {
  /** The rollback's own journal (its writes are undoable too); none by default. */
  journal?: ApplyJournal | undefined;
}

/**
 * Restores every server a fleet journal names to its before-state, and reads each back to prove
 * it: per server, read; note whether it still holds what the apply left (else someone else changed
 * it since); plan the exact before-state against it (Nova's key rules and platform keys allowed:
 * it restores whatever the server held) and carry it out; read back and compare.
 *
 * @throws {JournalError} for a journal that cannot be used or belongs to another endpoint or project.
 */
export async function* rollbackFromJournal(
  client: EcsMetadataClient,
  file: string,
  options: RollbackOptions = {},
): AsyncGenerator<RollbackOutcome, void, undefined> {
  const contents = await readFleetJournal(file, { endpoint: client.endpoint, projectId: client.projectId });
  const work = async (serverId: string, signal: AbortSignal): Promise<RollbackOutcome> => {
    const journaled = contents.servers.get(serverId) as JournaledServer;
    let changedSince: boolean | undefined;
    try {
      const live = await client.getServerMetadata(serverId, { signal });
      changedSince = journaled.after === undefined ? undefined : !sameMetadata(live, journaled.after);
      const plan: ServerMetadataPlan = planMetadataChanges({ serverId, change: { kind: 'exact', metadata: journaled.before } }, live);
      if (plan.writes.length === 0 && sameMetadata(live, journaled.before)) {
        return { serverId, status: 'unchanged', changedSince };
      }
      const applyOptions: ApplyPlanOptions = { journal: options.journal, keyRules: 'nova', allowPlatformKeys: true };
      const outcome: ApplyOutcome = await carryOutPlan(client, plan, applyOptions);
      if (outcome.status === 'failed') {
        return { serverId, status: 'failed', changedSince, error: outcome.error };
      }
      const readBack = await client.getServerMetadata(serverId);
      return sameMetadata(readBack, journaled.before)
        ? { serverId, status: 'restored', changedSince }
        : { serverId, status: 'failed', changedSince, error: new EcsMetadataError(`read back after the restore, ${serverId} does not hold its before-state`) };
    } catch (error) {
      return { serverId, status: 'failed', changedSince, error: error as EcsMetadataError };
    }
  };
  for await (const result of runBatch(contents.servers.keys(), work, options)) {
    if (result.error !== undefined) {
      throw result.error;
    }
    yield result.value;
  }
}
