import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '@ecs-metadata/core';
import type { StateArranger, StateSetup } from './internal/state-arrangers.js';

/** Where a user's state handler arranges its state: the target the verifier was given. */
export interface StateHandlerTarget {
  /** The provider's base URL. */
  readonly baseUrl: string;
  /** `--project-id` (the pact's example project id against the embedded mock). */
  readonly projectId: string;
  /** `--server-id` (the pact's example server id against the embedded mock). */
  readonly serverId: string;
}

/** The ids a user's state handler hands back; each defaults to the target's. */
export interface StateHandlerIds {
  readonly projectId?: string;
  readonly serverId?: string;
  /** Fills `${key}` in an item path. */
  readonly key?: string;
}

/**
 * A provider state the built-in arrangers cannot arrange, arranged by the user's own code (e.g.
 * `a building server exists` on a test cloud where an operator can hold a server in `building`).
 * The verifier treats it as arranged by itself: a write under it is sent (with `--allow-writes`)
 * to the project and server `setup` returns. The handler must undo what it did in `teardown`; the
 * verifier's journal covers only the metadata and lock it changes itself.
 *
 * @example
 * ```ts
 * // handlers.mjs, used as: ecs-metadata-verify ... --state-handlers ./handlers.mjs
 * export default {
 *   'a building server exists': {
 *     async setup(params, target) { await holdInBuilding(target.serverId); },
 *     async teardown() { await release(); },
 *   },
 * };
 * ```
 */
export interface UserStateHandler {
  /**
   * Arranges the state from the pact's params; returns the ids that fill the pact's path, or
   * nothing for the target's project and server.
   */
  setup(params: Readonly<Record<string, unknown>>, target: StateHandlerTarget): Promise<StateHandlerIds | undefined | void>;
  /** Undoes `setup`, after the interaction (also after a failure). */
  teardown?(): Promise<void>;
}

/** User state handlers by provider state name. */
export type UserStateHandlers = Readonly<Record<string, UserStateHandler>>;

/**
 * Loads a state-handler module (`--state-handlers FILE`): its default export, or its
 * `stateHandlers` export, must map state names to {@link UserStateHandler}s.
 *
 * @throws {ConfigError} (`stateHandlers`) naming the file when it cannot be imported or exports
 *   something else.
 */
export async function loadStateHandlers(file: string, cwd: string = process.cwd()): Promise<UserStateHandlers> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(cwd, file)).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError('stateHandlers', `${file} could not be loaded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const handlers = module['default'] ?? module['stateHandlers'];
  checkStateHandlers(handlers, file);
  return handlers;
}

/**
 * Checks that `value` maps state names to handlers with a `setup` function (and, if present, a
 * `teardown` function).
 *
 * @throws {ConfigError} (`stateHandlers`) naming `source` and the state.
 */
export function checkStateHandlers(value: unknown, source: string): asserts value is UserStateHandlers {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new ConfigError('stateHandlers', `${source} must export (as default or "stateHandlers") an object of handlers by provider state name`);
  }
  for (const [state, handler] of Object.entries(value)) {
    const { setup, teardown } = (handler ?? {}) as { setup?: unknown; teardown?: unknown };
    if (typeof setup !== 'function' || (teardown !== undefined && typeof teardown !== 'function')) {
      throw new ConfigError('stateHandlers', `${source}: the handler of state "${state}" needs a setup function (and teardown, if given, must be a function)`);
    }
  }
}

/**
 * `arranger` with the user's handlers added, for states it cannot arrange itself (`arrangeable`
 * says which it can on this target; a user handler for one of those is refused). Teardowns run
 * the user's for the states it set up, then the arranger's.
 *
 * @throws {ConfigError} (`stateHandlers`) for a handler of a state the built-ins arrange.
 */
export function withUserStateHandlers(
  arranger: StateArranger,
  handlers: UserStateHandlers,
  target: StateHandlerTarget,
  arrangeable: (state: string) => boolean,
): StateArranger {
  const clash = Object.keys(handlers).find(arrangeable);
  if (clash !== undefined) {
    throw new ConfigError(
      'stateHandlers',
      `state "${clash}" is arranged by the verifier itself on this provider; a state handler may only add states it cannot arrange`,
    );
  }
  const setUp: UserStateHandler[] = [];
  const setups = new Map<string, StateSetup>(arranger.setups);
  for (const [state, handler] of Object.entries(handlers)) {
    setups.set(state, async (params) => {
      const ids = (await handler.setup(params, target)) ?? {};
      setUp.push(handler);
      return {
        projectId: ids.projectId ?? target.projectId,
        serverId: ids.serverId ?? target.serverId,
        ...(ids.key === undefined ? {} : { key: ids.key }),
      };
    });
  }
  return {
    setups,
    teardown: async () => {
      for (const handler of setUp.splice(0).reverse()) {
        await handler.teardown?.();
      }
      await arranger.teardown();
    },
    finish: () => arranger.finish(),
  };
}
