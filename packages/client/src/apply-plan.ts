import {
  type EcsMetadataError,
  isMetadataItemNotFound,
  type Metadata,
  type MetadataKeyRules,
  NetworkError,
  type PlannedWrite,
  planMetadataChanges,
  sameMetadata,
  type ServerMetadataPlan,
} from '@ecs-metadata/core';
import { type BatchOptions, runBatchOf } from './batch.js';
import type { EcsMetadataClient } from './client.js';

/**
 * Where {@link EcsMetadataClient.applyMetadataPlan} records each server's state before its first
 * write, so that a kill at any instant can be undone (`FleetJournal` of `@ecs-metadata/client/journal`
 * is the file-backed one; `rollbackFromJournal` reads it back).
 */
export interface ApplyJournal {
  /** Resolves once `metadata`, the server's state before any write, is durable; no write is sent before. */
  recordBefore(serverId: string, metadata: Readonly<Metadata>): Promise<void>;
  /** Records that every write of the server was carried out, leaving it at `metadata`. */
  recordAfter(serverId: string, metadata: Readonly<Metadata>): Promise<void>;
}

/** Options of {@link EcsMetadataClient.applyMetadataPlan}. */
export interface ApplyPlanOptions extends BatchOptions {
  /**
   * Stops taking new servers when it aborts; the servers already being written finish their writes
   * (a write cancelled on the wire may still land, and the journal must say what happened), then
   * the iteration ends. Reads in flight are cancelled.
   */
  signal?: AbortSignal;
  /** Where before-states go before a server's first write; none by default (nothing to roll back to). */
  journal?: ApplyJournal | undefined;
  /**
   * Write a server even when it no longer holds the plan's `current` map: the change is planned
   * again against what it holds now. Default `false`: such a server is `skipped`.
   */
  force?: boolean;
  /** Key rules the writes are checked with (default `huawei`). */
  keyRules?: MetadataKeyRules;
  /** Allow writing or deleting platform keys (spec §4.3); default `false`. */
  allowPlatformKeys?: boolean;
}

/**
 * What became of one server's plan:
 * - `applied`: every write was carried out (`plan` is the one carried out, made again under `force`);
 * - `unchanged`: nothing to write;
 * - `skipped`: the server no longer holds the plan's `current` map (`current` is what it holds);
 * - `failed`: `error`; `written` says whether some write may have landed (its before-state is journaled).
 */
export type ApplyOutcome =
  | { readonly serverId: string; readonly status: 'applied' | 'unchanged'; readonly plan: ServerMetadataPlan }
  | { readonly serverId: string; readonly status: 'skipped'; readonly plan: ServerMetadataPlan; readonly current: Metadata }
  | { readonly serverId: string; readonly status: 'failed'; readonly plan: ServerMetadataPlan; readonly error: EcsMetadataError; readonly written: boolean };

/** `EcsMetadataClient.applyMetadataPlan`, documented there. */
export async function* applyMetadataPlan(
  client: EcsMetadataClient,
  plans: Iterable<ServerMetadataPlan> | AsyncIterable<ServerMetadataPlan>,
  options: ApplyPlanOptions = {},
): AsyncGenerator<ApplyOutcome, void, undefined> {
  const { signal } = options;
  async function* untilAborted(): AsyncGenerator<ServerMetadataPlan, void, undefined> {
    for await (const plan of plans) {
      if (signal?.aborted === true) {
        return; // stop taking servers; those already started finish
      }
      yield plan;
    }
  }
  // The batch gets no signal: an abort must not cancel writes in flight (see `signal`).
  for await (const result of runBatchOf(
    untilAborted(),
    (plan) => plan.serverId,
    (plan) => applyServerPlan(client, plan, options),
    { concurrency: options.concurrency },
  )) {
    if (result.error !== undefined) {
      throw result.error; // applyServerPlan reports every failure as an outcome: this is a bug
    }
    yield result.value;
  }
}

/** One server of `applyMetadataPlan`. Never throws: a failure is the `failed` outcome. */
async function applyServerPlan(client: EcsMetadataClient, plan: ServerMetadataPlan, options: ApplyPlanOptions): Promise<ApplyOutcome> {
  const { serverId } = plan;
  if (plan.writes.length === 0) {
    return { serverId, status: 'unchanged', plan };
  }
  let live: Metadata;
  try {
    live = await client.getServerMetadata(serverId, { signal: options.signal });
  } catch (error) {
    return { serverId, status: 'failed', plan, error: error as EcsMetadataError, written: false };
  }
  let effective = plan;
  if (!sameMetadata(live, plan.current)) {
    if (options.force !== true) {
      return { serverId, status: 'skipped', plan, current: live };
    }
    effective = planMetadataChanges({ serverId, change: plan.change }, live);
    if (effective.writes.length === 0) {
      return { serverId, status: 'unchanged', plan: effective };
    }
  }
  return carryOutPlan(client, effective, options);
}

/**
 * Journals `plan.current` (the state just read), then sends the plan's writes in order. Shared by
 * apply and rollback. Never throws: a failure is the `failed` outcome.
 */
export async function carryOutPlan(client: EcsMetadataClient, plan: ServerMetadataPlan, options: ApplyPlanOptions): Promise<ApplyOutcome> {
  const { serverId } = plan;
  let written = false;
  try {
    await options.journal?.recordBefore(serverId, plan.current);
    for (const write of plan.writes) {
      written = true;
      await sendWrite(client, serverId, write, options);
    }
    await options.journal?.recordAfter(serverId, plan.desired);
  } catch (error) {
    return { serverId, status: 'failed', plan, error: error as EcsMetadataError, written };
  }
  return { serverId, status: 'applied', plan };
}

async function sendWrite(client: EcsMetadataClient, serverId: string, write: PlannedWrite, options: ApplyPlanOptions): Promise<void> {
  const callOptions = { keyRules: options.keyRules, force: options.allowPlatformKeys === true };
  if (write.method === 'PUT') {
    await client.setServerMetadataItem(serverId, write.key, write.value, callOptions);
  } else if (write.method === 'DELETE') {
    try {
      await client.deleteServerMetadataItem(serverId, write.key, callOptions);
    } catch (error) {
      // Already gone (someone else removed it since our read): the server is where the plan wants it.
      if (!isMetadataItemNotFound(error)) {
        throw error;
      }
    }
  } else {
    try {
      await client.updateServerMetadata(serverId, write.metadata, callOptions);
    } catch (error) {
      // No answer (reset, timeout): the merge may have landed. Read back rather than resend (spec §8).
      if (!(error instanceof NetworkError) || !(await holdsAll(client, serverId, write.metadata))) {
        throw error;
      }
    }
  }
}

// Whether the server now holds every pair of `expected`; `false` when it cannot be read either.
async function holdsAll(client: EcsMetadataClient, serverId: string, expected: Readonly<Metadata>): Promise<boolean> {
  const live = await client.getServerMetadata(serverId).catch(() => undefined);
  return live !== undefined && Object.entries(expected).every(([key, value]) => Object.hasOwn(live, key) && live[key] === value);
}
