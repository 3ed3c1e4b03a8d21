/**
 * The contract's fixed names (PACT-GUIDE "Names and files", "Provider states"; DECISIONS "Contract").
 * Two providers: `ecs-metadata-api` (the Nova-compatible calls, verified by default) and
 * `ecs-native-metadata-api` (the ECS native `/v1` calls, which the mock verifies too).
 */
export const PROVIDER_NAME = 'ecs-metadata-api';
/** The provider of the ECS native (`/v1/.../cloudservers`) pact. */
export const NATIVE_PROVIDER_NAME = 'ecs-native-metadata-api';

/** The literal token of the 401 interaction: never replaced by a real credential. */
export const INVALID_TOKEN = 'invalid-token';

/** The header every Nova-compatible request authenticates with. */
export const AUTH_TOKEN_HEADER = 'X-Auth-Token';

export const STATE_SERVER_WITH_METADATA = 'a server with metadata exists';
export const STATE_SERVER_WITHOUT_METADATA = 'a server without metadata exists';
export const STATE_NO_SERVER = 'no server exists';
// The metadata family's states (DECISIONS "Contract").
export const STATE_LOCKED_SERVER = 'a locked server exists';
export const STATE_BUILDING_SERVER = 'a building server exists';
export const STATE_FULL_SERVER = 'a server with 128 metadata items exists';

/** States that can only be arranged on a real endpoint by writing the server's metadata. */
export const WRITE_STATES: ReadonlySet<string> = new Set([STATE_SERVER_WITH_METADATA, STATE_SERVER_WITHOUT_METADATA, STATE_FULL_SERVER]);

/**
 * States a real endpoint cannot be put in through the metadata API, writes allowed or not: locking
 * a server or holding it in `building` takes other APIs (and rights) than the contract's.
 */
export const ENDPOINT_UNARRANGEABLE_STATES: ReadonlySet<string> = new Set([STATE_LOCKED_SERVER, STATE_BUILDING_SERVER]);

/** The reason given for an interaction whose state needs a write that was not allowed. */
export function needsWritesReason(state: string): string {
  return `needs --allow-writes to arrange state "${state}"`;
}

/** Why `state` could not be arranged on a real endpoint. */
export function unarrangeableReason(state: string): string {
  if (state === STATE_LOCKED_SERVER) {
    return `state "${state}" needs --allow-lock (with --allow-writes): the verifier then locks the server through Nova's server action API, and unlocks it after the interaction`;
  }
  return ENDPOINT_UNARRANGEABLE_STATES.has(state)
    ? `state "${state}" cannot be arranged through the API (keep the server building by other means)`
    : needsWritesReason(state);
}

