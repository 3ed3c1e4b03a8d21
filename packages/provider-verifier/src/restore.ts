import { tokenAuth } from '@ecs-metadata/client';
import { normalizeEndpoint } from '@ecs-metadata/core';
import { defaultJournalFile, recoverFromJournal } from './internal/metadata-journal.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, type EndpointTarget, validateVerifyOptions } from './options.js';

export { JournalError } from '@ecs-metadata/client/journal';

/** What {@link restoreFromJournal} did. */
export interface RestoreResult {
  /** The journal read. */
  readonly file: string;
  /** Whether metadata was put back (`false`: there was no journal, or it held no original yet). */
  readonly restored: boolean;
}

/**
 * Puts back the original metadata a verifier run journaled and could not restore (it was killed,
 * or its restore failed), reads it again to prove it, and deletes the journal. `file` defaults to
 * the journal {@link verifyPacts} uses for this endpoint, project and server.
 *
 * @throws {ConfigError} for an invalid target (as {@link verifyPacts}).
 * @throws {JournalError} naming the file when it is corrupt, truncated, or another endpoint's,
 *   project's or server's: nothing is written then.
 * @throws the request's error ({@link EcsApiError}, {@link NetworkError}, ...) when the metadata
 *   could not be put back; the journal is kept.
 */
export async function restoreFromJournal(
  target: EndpointTarget,
  file?: string,
  options: { readonly requestTimeoutMs?: number } = {},
): Promise<RestoreResult> {
  validateVerifyOptions({ provider: target, requestTimeoutMs: options.requestTimeoutMs });
  const server = {
    baseUrl: normalizeEndpoint(target.baseUrl),
    signer: await (target.auth ?? tokenAuth(target.token ?? ''))(),
    projectId: target.projectId,
    serverId: target.serverId,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
  const journal = file ?? defaultJournalFile(process.env, server);
  const recovery = await recoverFromJournal(journal, server);
  return { file: journal, restored: recovery !== undefined };
}
