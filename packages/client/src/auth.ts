import { ConfigError } from '@ecs-metadata/core';

/** What a signer sees of a request: the final URL and the headers it may sign. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  /** `Content-Type`, `Host`, `X-Project-Id` (see DECISIONS "Requests and retries"). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/**
 * Authenticates one attempt by returning the headers to add. Signers only add headers; they never
 * change the URL or body. The client calls `sign` again for every retry, so time-based signatures
 * (AK/SK `X-Sdk-Date`) are always fresh.
 */
export interface RequestSigner {
  sign(request: SignableRequest): Promise<Record<string, string>> | Record<string, string>;
  /**
   * Called once when the server answered 401 to a request signed by this signer. Return true
   * when the credential was renewed (e.g. a new password login) and the request should be sent
   * once more; static credentials return false.
   */
  refresh?(): Promise<boolean>;
}

/** Supplies the signer for a client; resolved lazily on the first request. */
export type CredentialProvider = () => Promise<RequestSigner>;

/**
 * A static IAM / Keystone token sent as `X-Auth-Token` (spec §9.1).
 *
 * @throws {ConfigError} (`token`) when the token is empty or not a single line.
 */
export function tokenAuth(token: string): CredentialProvider {
  if (typeof token !== 'string' || token.trim() === '' || /[\r\n\0]/u.test(token)) {
    throw new ConfigError('token', 'The token must be a non-empty single line');
  }
  const signer: RequestSigner = { sign: () => ({ 'X-Auth-Token': token }) };
  return () => Promise.resolve(signer);
}
