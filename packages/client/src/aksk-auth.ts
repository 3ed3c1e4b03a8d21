import { AKSK_ACCESS_KEY_PATTERN, AKSK_SECURITY_TOKEN_PATTERN, ConfigError, signAkSkRequest } from '@ecs-metadata/core';
import type { CredentialProvider, RequestSigner, SignableRequest } from './auth.js';

/** Options of {@link akskAuth}. */
export interface AkSkAuthOptions {
  /** Access key id (AK), e.g. from `HUAWEICLOUD_SDK_AK`. */
  accessKey: string;
  /** Secret access key (SK), e.g. from `HUAWEICLOUD_SDK_SK`. Kept in a closure: never a property, never in an error. */
  secretKey: string;
  /** Security token of temporary AK/SK (e.g. `HUAWEICLOUD_SDK_SECURITY_TOKEN`); sent and signed as `X-Security-Token`. */
  securityToken?: string | undefined;
  /** The clock used for `X-Sdk-Date`; default `Date.now`. For tests and for correcting a known skew. */
  now?: (() => Date | number) | undefined;
}

/**
 * AK/SK request signing (`SDK-HMAC-SHA256`, spec §9.2), as the official Huawei Cloud SDKs sign.
 * Every attempt, retries included, is signed anew with the current time (spec §8: each retry gets
 * a new `X-Sdk-Date`). The signer signs the headers the client gives it (`Content-Type`, `Host`,
 * `X-Project-Id`) and adds `X-Sdk-Date`, `X-Security-Token` (temporary credentials) and
 * `Authorization`; `Accept` and `User-Agent` stay unsigned (DECISIONS "Requests and retries").
 *
 * The SK lives only in this function's closure: it is not a property of the provider or the
 * signer (so `JSON.stringify` and `util.inspect` cannot show it) and no error message names it.
 * The server refuses a date more than 15 minutes from its clock, so keep the host's clock in sync.
 *
 * @example
 * ```ts
 * const client = new EcsMetadataClient({ endpoint, projectId,
 *   auth: akskAuth({ accessKey: env.HUAWEICLOUD_SDK_AK, secretKey: env.HUAWEICLOUD_SDK_SK }) });
 * ```
 *
 * @throws {ConfigError} (`accessKey`, `secretKey`, `securityToken` or `now`) when a value is
 *   missing or unusable; the message never contains the secret key.
 */
export function akskAuth(options: AkSkAuthOptions): CredentialProvider {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('accessKey', 'akskAuth needs { accessKey, secretKey }');
  }
  const { accessKey, secretKey, securityToken, now = Date.now } = options;
  if (typeof accessKey !== 'string' || accessKey.trim() === '') {
    throw new ConfigError('accessKey', 'The access key (accessKey) must not be empty');
  }
  if (!AKSK_ACCESS_KEY_PATTERN.test(accessKey)) {
    throw new ConfigError('accessKey', 'The access key (accessKey) must be visible ASCII without spaces or ","');
  }
  if (typeof secretKey !== 'string' || secretKey.trim() === '') {
    throw new ConfigError('secretKey', 'The secret key (secretKey) must not be empty');
  }
  if (securityToken !== undefined && (typeof securityToken !== 'string' || !AKSK_SECURITY_TOKEN_PATTERN.test(securityToken))) {
    throw new ConfigError('securityToken', 'The security token (securityToken) must be non-empty visible ASCII');
  }
  if (typeof now !== 'function') {
    throw new ConfigError('now', 'now must be a function returning a Date or epoch milliseconds');
  }
  const signer: RequestSigner = {
    sign: (request: SignableRequest) =>
      signAkSkRequest({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: request.body,
        ak: accessKey,
        sk: secretKey,
        securityToken,
        date: new Date(now()),
      }),
  };
  return () => Promise.resolve(signer);
}
