import { ConfigError, type ServiceCatalog } from '@ecs-metadata/core';

/** What a signer sees of a request: the final URL and the headers it may sign. */
export interface SignableRequest {
  readonly method: string;
  readonly url: string;
  /** `Content-Type`, `Host`, `X-Project-Id` (see DECISIONS "Requests and retries"). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
}

/** What a signer is told about the call it signs for. */
export interface SignOptions {
  /**
   * The caller's signal: a signer that must wait (a password login) stops waiting when it aborts,
   * rejecting with the signal's reason.
   */
  readonly signal?: AbortSignal | undefined;
}

/**
 * Authenticates one attempt by returning the headers to add. Signers only add headers; they never
 * change the URL or body. The client calls `sign` again for every retry, so time-based signatures
 * (AK/SK `X-Sdk-Date`) are always fresh.
 */
export interface RequestSigner {
  /** The headers that authenticate `request` (e.g. `X-Auth-Token`, or AK/SK's `Authorization` and `X-Sdk-Date`). */
  sign(request: SignableRequest, options?: SignOptions): Promise<Record<string, string>> | Record<string, string>;
  /**
   * Called once when the server answered 401 to a request signed by this signer (`rejected`: its
   * method, URL, headers and body as built, before signing). Return true when the credential was
   * renewed (e.g. a new password login) and the request should be sent once more; static
   * credentials return false.
   */
  refresh?(rejected?: SignableRequest, options?: SignOptions): Promise<boolean>;
  /**
   * Credentials that log in (password login) tell what the login returned: the service catalog
   * and the project the token is scoped to, so that a client given no endpoint can take the
   * compute endpoint from the catalog (DECISIONS "CLI"). Logs in first when needed.
   */
  loginDetails?(options?: SignOptions): Promise<LoginDetails>;
}

/** What a login returned, besides the token: see {@link RequestSigner.loginDetails}. */
export interface LoginDetails {
  readonly catalog: ServiceCatalog;
  /** The project the token is scoped to, when the identity service said. */
  readonly projectId: string | undefined;
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
