import {
  AbortError,
  AuthenticationError,
  ConfigError,
  EcsApiError,
  NetworkError,
  NotFoundError,
  PermissionDeniedError,
  ResponseTooLargeError,
  ResponseValidationError,
  UnconfirmedWriteError,
  ValidationError,
} from '@ecs-metadata/core';

/** The CLI's exit codes: one table, documented in the README (DECISIONS "CLI"). */
export const ExitCode = {
  /** Success. */
  Ok: 0,
  /** Usage error, invalid input or configuration; the message names the flag or argument. */
  Usage: 2,
  /** Authentication or permission (401, 403). */
  Auth: 3,
  /** Not found (404): unknown server or key. */
  NotFound: 4,
  /** Any other API error, or an invalid or oversized response. */
  Api: 5,
  /** Network error or timeout: no response. */
  Network: 6,
  /** A batch finished with some servers failed. */
  PartialFailure: 7,
  /** `plan --detailed-exitcode`: the plan holds changes (nothing failed). */
  ChangesPending: 9,
  /** Interrupted (SIGINT). */
  Interrupted: 130,
  /**
   * The reader of stdout went away (`ecs-metadata get - < ids | head`): the CLI stops quietly with
   * the status of a process killed by SIGPIPE (128 + 13), as `cat` or `grep` would.
   */
  OutputClosed: 141,
} as const;

/** Thrown for a command-line mistake (unknown flag, missing argument); exits with 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Maps an error to its exit code. Unknown errors are bugs: 1. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UnconfirmedWriteError) {
    return exitCodeFor(error.lostAnswer); // what was lost decides: 6 for no answer, 5 for a 502/504
  }
  if (error instanceof UsageError || error instanceof ValidationError || error instanceof ConfigError) {
    return ExitCode.Usage;
  }
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return ExitCode.Auth;
  }
  if (error instanceof NotFoundError) {
    return ExitCode.NotFound;
  }
  if (error instanceof EcsApiError || error instanceof ResponseValidationError || error instanceof ResponseTooLargeError) {
    return ExitCode.Api;
  }
  if (error instanceof NetworkError) {
    return ExitCode.Network;
  }
  if (error instanceof AbortError) {
    return ExitCode.Interrupted;
  }
  return 1;
}
