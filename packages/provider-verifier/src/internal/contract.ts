/**
 * The contract's fixed names (PACT-GUIDE "Names and files", "Provider states"; DECISIONS "Contract").
 * The verifier checks one provider, `ecs-metadata-api`; the native `/v1` pact has its own provider.
 */
export const PROVIDER_NAME = 'ecs-metadata-api';

/** The literal token of the 401 interaction: never replaced by a real credential. */
export const INVALID_TOKEN = 'invalid-token';

/** The header every Nova-compatible request authenticates with. */
export const AUTH_TOKEN_HEADER = 'X-Auth-Token';

export const STATE_SERVER_WITH_METADATA = 'a server with metadata exists';
export const STATE_SERVER_WITHOUT_METADATA = 'a server without metadata exists';
export const STATE_NO_SERVER = 'no server exists';

/** States that can only be arranged on a real endpoint by writing the server's metadata. */
export const WRITE_STATES: ReadonlySet<string> = new Set([STATE_SERVER_WITH_METADATA, STATE_SERVER_WITHOUT_METADATA]);

/** The reason given for an interaction whose state needs a write that was not allowed. */
export function needsWritesReason(state: string): string {
  return `needs --allow-writes to arrange state "${state}"`;
}

