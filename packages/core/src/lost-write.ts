import { EcsApiError, type EcsMetadataError, NetworkError, UnconfirmedWriteError } from './errors.js';
import type { Metadata } from './schemas.js';
import { mayHaveBeenProcessed } from './retry-policy.js';

/**
 * What to make of a merge (POST) whose answer was lost, decided from a read-back of the server
 * (spec §8: a POST is never resent after a timeout, a reset or a 5xx). The client owns the I/O
 * (send, then GET on a lost answer); this module owns the rule:
 *
 * - the answer counts as lost only when the attempt may have been carried out (core's
 *   `mayHaveBeenProcessed`: no answer at all, or a gateway's 502/504);
 * - the merge was applied when every key sent is on the server with the value sent (Nova applies a
 *   merge whole, so a partial match is someone else's write, not ours);
 * - otherwise it is reported, never resent: a read-back without the items does not prove the request
 *   will not still land (a timed-out POST may be queued behind a proxy), and sending it again would
 *   make two writes of one command. Sending the same merge again later is the caller's decision.
 */

/**
 * Whether `error`, thrown by a merge, leaves open that the server applied it: a `NetworkError` or
 * `TimeoutError` (no answer) or a 502/504 (a gateway may have passed it on). A 408, 429 or 503 —
 * or any other answer — proves what happened.
 */
export function answerMayHaveBeenLost(error: unknown): error is EcsMetadataError {
  if (error instanceof NetworkError) {
    return mayHaveBeenProcessed({ kind: 'network' });
  }
  return error instanceof EcsApiError && mayHaveBeenProcessed({ kind: 'status', status: error.status });
}

/** What a read-back showed of a merge: applied, or the keys absent or holding another value. */
export type MergeReadBackVerdict =
  | { readonly applied: true }
  | { readonly applied: false; readonly missing: readonly string[]; readonly differing: readonly string[] };

/** Whether `current` (read back after a lost answer) holds every item of `sent` with its value. */
export function judgeMergeReadBack(sent: Readonly<Metadata>, current: Readonly<Metadata>): MergeReadBackVerdict {
  const missing: string[] = [];
  const differing: string[] = [];
  for (const [key, value] of Object.entries(sent)) {
    if (!Object.hasOwn(current, key)) {
      missing.push(key);
    } else if (current[key] !== value) {
      differing.push(key);
    }
  }
  return missing.length === 0 && differing.length === 0 ? { applied: true } : { applied: false, missing, differing };
}

/**
 * The error reported for a lost merge the read-back did not confirm: `verdict` when the server was
 * read, `readBackError` when that read failed too. The message says what is known and that nothing
 * was resent.
 */
export function unconfirmedMergeError(
  lostAnswer: EcsMetadataError,
  outcome: { readonly verdict: MergeReadBackVerdict & { applied: false } } | { readonly readBackError: EcsMetadataError },
): UnconfirmedWriteError {
  const lost = `the answer to the merge was lost (${lostAnswer.message})`;
  if ('readBackError' in outcome) {
    return new UnconfirmedWriteError(`${lost}; reading the server back failed too (${outcome.readBackError.message}): unknown whether it was applied; not resent`, {
      lostAnswer,
      readBack: 'failed',
      cause: outcome.readBackError,
    });
  }
  const { missing, differing } = outcome.verdict;
  const found = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', differing.length > 0 ? `other value for ${differing.join(', ')}` : ''].filter(Boolean).join('; ');
  return new UnconfirmedWriteError(`${lost}; read back, not applied (${found}); not resent`, { lostAnswer, readBack: 'not-applied' });
}
