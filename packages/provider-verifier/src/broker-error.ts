/**
 * Why a Pact Broker could not be used:
 * - `unreachable`: no answer (connection refused, DNS, TLS, timeout);
 * - `refused`: it answered 401 or 403 (the credentials are missing, wrong, or lack a permission);
 * - `invalid-response`: it answered, but not as the Pact Broker's HAL API does (HTML, garbage, an
 *   unexpected status, a document without the expected relation).
 */
export type BrokerProblem = 'unreachable' | 'refused' | 'invalid-response';

/**
 * A Pact Broker (or a pact URL on one) that cannot be used, found before anything is sent to the
 * provider. The message names the URL and never a credential.
 */
export class BrokerError extends Error {
  override readonly name = 'BrokerError';

  /**
   * @param url - the URL asked, without credentials (URLs carrying them are refused earlier).
   * @param problem - see {@link BrokerProblem}.
   * @param status - the HTTP status, when there was an answer.
   */
  constructor(
    readonly url: string,
    readonly problem: BrokerProblem,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
