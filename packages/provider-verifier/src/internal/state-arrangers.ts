import { randomUUID } from 'node:crypto';
import { AbortError, EcsApiError, MAX_METADATA_ITEMS, type Metadata } from '@ecs-metadata/core';
import type { MockAdmin } from '@ecs-metadata/mock-provider';
import {
  STATE_BUILDING_SERVER,
  STATE_FULL_SERVER,
  STATE_LOCKED_SERVER,
  STATE_NO_SERVER,
  STATE_SERVER_WITH_METADATA,
  STATE_SERVER_WITHOUT_METADATA,
} from './contract.js';
import { type EndpointServer, readServerMetadata, replaceServerMetadata, setServerLock } from './endpoint-metadata.js';
import type { JournalWriter } from '@ecs-metadata/client/journal';
import { sameMetadata } from './metadata-journal.js';
import type { RunJournal } from './run-journal.js';

/**
 * The ids a state handler hands back to Pact; they fill the `${projectId}`/`${serverId}` path, and
 * `${key}` in an item path (`.../metadata/{key}`), which the state's `key` param names.
 */
export interface StateIds {
  readonly projectId: string;
  readonly serverId: string;
  readonly key?: string;
}

/** Arranges one provider state from its params. */
export type StateSetup = (params: Readonly<Record<string, unknown>>) => Promise<StateIds>;

/** What undoing a run's changes found. */
export interface FinishResult {
  /** Problems while undoing; each fails the run. */
  readonly problems: string[];
  /** Set when the run changed a real server: whether its metadata is back as it was. */
  readonly restored?: boolean;
}

/** Arranges the provider states of the contract on one kind of provider. */
export interface StateArranger {
  /** One set-up per state this provider can handle (PACT-GUIDE "Provider states"). */
  readonly setups: ReadonlyMap<string, StateSetup>;
  /** Runs after each interaction. */
  teardown(): Promise<void>;
  /** Runs once after the run, also after a failure: undoes what the run changed. */
  finish(): Promise<FinishResult>;
}

/**
 * States on the embedded mock: written straight into its store through the admin, with the
 * verifier's token made valid for the state's project. Each teardown returns the mock to its
 * fixture, so no interaction sees another's world.
 */
export function createMockArranger(admin: MockAdmin, token: string): StateArranger {
  const arrange = (
    params: Readonly<Record<string, unknown>>,
    metadata: Metadata | undefined,
    server: { locked?: boolean; vmState?: string } = {},
  ): StateIds => {
    const ids = idsFrom(params);
    admin.addToken(token, ids.projectId);
    if (metadata === undefined) {
      admin.deleteServer(ids.projectId, ids.serverId);
    } else {
      admin.putServer(ids.projectId, ids.serverId, { metadata, ...server });
    }
    return ids;
  };
  return {
    setups: new Map<string, StateSetup>([
      [STATE_SERVER_WITH_METADATA, async (params) => arrange(params, metadataFrom(params))],
      [STATE_SERVER_WITHOUT_METADATA, async (params) => arrange(params, {})],
      [STATE_NO_SERVER, async (params) => arrange(params, undefined)],
      [STATE_LOCKED_SERVER, async (params) => arrange(params, optionalMetadataFrom(params), { locked: true })],
      [STATE_BUILDING_SERVER, async (params) => arrange(params, optionalMetadataFrom(params), { vmState: 'building' })],
      [STATE_FULL_SERVER, async (params) => arrange(params, fullMetadata())],
    ]),
    teardown: async () => admin.reset(),
    finish: async () => ({ problems: [] }),
  };
}

/** Options of {@link createEndpointArranger}. */
export interface EndpointArrangerOptions {
  /** Whether the server's metadata may be replaced to arrange a state (and restored afterwards). */
  readonly allowWrites: boolean;
  /** Told about each state that cannot be arranged without writes. */
  readonly journal: RunJournal;
  /** Once aborted, nothing more is written. */
  readonly signal?: AbortSignal;
  /**
   * The server's metadata before the run, read and journaled before anything was written
   * (`journalOriginal`); required when writes are allowed. {@link StateArranger.finish} puts it back.
   */
  readonly original?: Metadata;
  /**
   * Arrange `a locked server exists` by locking the server (Nova's server action API) for the
   * interaction, and unlocking it in the teardown; needs `allowWrites` and `crashJournal`.
   */
  readonly allowLock?: boolean;
  /** Told about each lock and unlock before it is sent, so a killed run can be undone. */
  readonly crashJournal?: JournalWriter;
}

/**
 * States on a real endpoint: they use the given existing server (`no server exists` a random
 * UUID v4). The metadata states replace the server's metadata only when writes are allowed,
 * after reading the original once; {@link StateArranger.finish} puts the original back and reads
 * it again to prove it. Without writes those states are reported as not arrangeable; `a locked
 * server exists` and `a building server exists` never can be (the metadata API cannot lock a
 * server), so they are reported as not arrangeable with that reason.
 */
export function createEndpointArranger(server: EndpointServer, options: EndpointArrangerOptions): StateArranger {
  const serverIds: StateIds = { projectId: server.projectId, serverId: server.serverId };
  const original = options.original;
  if (options.allowWrites && original === undefined) {
    throw new TypeError('writes need the original metadata, journaled before the first write');
  }
  let changed = false;
  // The arranging write on the wire, if any: an interrupt waits for it before restoring, or the
  // restore could land first and the arranged state on top of it.
  let inflight: Promise<unknown> = Promise.resolve();
  let locked = false;

  const lock = async (value: boolean): Promise<void> => {
    // Journaled before it is sent: whether or not it lands, recovery unlocks (a no-op when unlocked).
    await options.crashJournal?.append({ type: value ? 'lock' : 'unlock', serverId: server.serverId });
    const sent = setServerLock(server, value);
    inflight = sent.catch(() => undefined);
    await sent;
    locked = value;
  };
  const lockable = options.allowWrites && options.allowLock === true && options.crashJournal !== undefined;

  const arrange = async (state: string, metadata: Metadata, params: Readonly<Record<string, unknown>>): Promise<StateIds> => {
    const ids = withKey(serverIds, params);
    if (!options.allowWrites) {
      options.journal.unarrangeable(state);
      return ids;
    }
    if (options.signal?.aborted === true) {
      throw new AbortError('interrupted: the server metadata is not changed any more');
    }
    // Counted as changed before the PUT: a request that fails on the way may still have applied.
    // Only a 4xx answer proves that nothing changed.
    const before = changed;
    changed = true;
    try {
      const write = replaceServerMetadata(server, metadata);
      inflight = write.catch(() => undefined);
      await write;
    } catch (error) {
      if (error instanceof EcsApiError && error.status >= 400 && error.status < 500) {
        changed = before;
      }
      throw error;
    }
    return ids;
  };

  return {
    setups: new Map<string, StateSetup>([
      [STATE_SERVER_WITH_METADATA, async (params) => arrange(STATE_SERVER_WITH_METADATA, metadataFrom(params), params)],
      [STATE_SERVER_WITHOUT_METADATA, async (params) => arrange(STATE_SERVER_WITHOUT_METADATA, {}, params)],
      [STATE_FULL_SERVER, async (params) => arrange(STATE_FULL_SERVER, fullMetadata(), params)],
      // A random id no server has (PACT-GUIDE): Nova answers 404 itemNotFound for it.
      [STATE_NO_SERVER, async (params) => withKey({ projectId: server.projectId, serverId: randomUUID() }, params)],
      ...(lockable
        ? [
            [
              STATE_LOCKED_SERVER,
              async (params: Readonly<Record<string, unknown>>) => {
                const ids = await arrange(STATE_LOCKED_SERVER, optionalMetadataFrom(params), params);
                if (options.signal?.aborted === true) {
                  throw new AbortError('interrupted: the server is not locked any more');
                }
                await lock(true);
                return ids;
              },
            ] as [string, StateSetup],
          ]
        : []),
      // Keeping a server building is not something the API can do; locking needs --allow-lock.
      ...(lockable ? [STATE_BUILDING_SERVER] : [STATE_LOCKED_SERVER, STATE_BUILDING_SERVER]).map((state): [string, StateSetup] => [
        state,
        async (params) => {
          options.journal.unarrangeable(state);
          return withKey(serverIds, params);
        },
      ]),
    ]),
    teardown: async () => {
      if (locked) {
        await lock(false);
      }
    },
    finish: async () => {
      await inflight;
      if (locked) {
        try {
          await lock(false);
        } catch (error) {
          return { problems: [`Could not unlock server ${server.serverId}: ${error instanceof Error ? error.message : String(error)}`], restored: false };
        }
      }
      if (!changed || original === undefined) {
        return { problems: [] };
      }
      const saved = original;
      const where = `server ${server.serverId}`;
      try {
        await replaceServerMetadata(server, saved);
        const now = await readServerMetadata(server);
        if (!sameMetadata(now, saved)) {
          return {
            problems: [`The metadata of ${where} was put back but reads ${JSON.stringify(now)}; it was ${JSON.stringify(saved)} before the run`],
            restored: false,
          };
        }
        return { problems: [], restored: true };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
          problems: [`Could not restore the metadata of ${where}: ${reason}. Before the run it was ${JSON.stringify(saved)}`],
          restored: false,
        };
      }
    },
  };
}

function idsFrom(params: Readonly<Record<string, unknown>>): StateIds {
  const { projectId, serverId } = params;
  if (typeof projectId !== 'string' || typeof serverId !== 'string') {
    throw new TypeError('the state params need "projectId" and "serverId" strings');
  }
  return withKey({ projectId, serverId }, params);
}

/** `ids` plus the state's `key` param, when it names one (for item paths). */
function withKey(ids: StateIds, params: Readonly<Record<string, unknown>>): StateIds {
  const { key } = params;
  if (key === undefined) {
    return ids;
  }
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('the state param "key" must be a non-empty string');
  }
  return { ...ids, key };
}

/** A state's `metadata` param when it has one, else an empty map. */
function optionalMetadataFrom(params: Readonly<Record<string, unknown>>): Metadata {
  return params['metadata'] === undefined ? {} : metadataFrom(params);
}

/** 128 items, the limit of spec §4.1: one more key cannot be merged. */
function fullMetadata(): Metadata {
  return Object.fromEntries(Array.from({ length: MAX_METADATA_ITEMS }, (_, index) => [`item-${String(index).padStart(3, '0')}`, 'x']));
}

function metadataFrom(params: Readonly<Record<string, unknown>>): Metadata {
  const { metadata } = params;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new TypeError('the state params need a "metadata" map');
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') {
      throw new TypeError(`the state's metadata value for "${key}" is not a string`);
    }
  }
  return { ...(metadata as Metadata) };
}

