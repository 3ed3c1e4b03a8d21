import { ConfigError } from '@ecs-metadata/core';
import type { CredentialProvider, RequestSigner } from './auth.js';

/**
 * A credential provider has nothing to work with (its variables or settings are absent): a chain
 * moves on to the next provider. Any other error of a provider (a credential that is present but
 * invalid, a failed login) ends the chain.
 */
export class CredentialsNotConfiguredError extends ConfigError {
  override name = 'CredentialsNotConfiguredError';
}

/**
 * Tries each provider in order and uses the first that is configured: one that rejects with
 * {@link CredentialsNotConfiguredError} is skipped; any other rejection is the chain's. The signer
 * found is kept, so every call of the chain gives the same signer (one login, one token cache).
 *
 * @example
 * ```ts
 * const auth = chainAuth(fromEnv(process.env), () => Promise.resolve(mySigner));
 * ```
 * @throws {CredentialsNotConfiguredError} (setting `credentials`) when no provider is configured,
 *   with each provider's reason.
 */
export function chainAuth(...providers: readonly CredentialProvider[]): CredentialProvider {
  for (const [index, provider] of providers.entries()) {
    if (typeof provider !== 'function') {
      throw new ConfigError('auth', `chainAuth: provider ${index + 1} is not a credential provider (a function)`);
    }
  }
  let found: Promise<RequestSigner> | undefined;
  const resolve = async (): Promise<RequestSigner> => {
    const reasons: string[] = [];
    for (const provider of providers) {
      try {
        return await provider();
      } catch (error) {
        if (!(error instanceof CredentialsNotConfiguredError)) {
          throw error;
        }
        reasons.push(error.message);
      }
    }
    throw new CredentialsNotConfiguredError('credentials', reasons.length === 0 ? 'No credential providers given' : reasons.join('; '));
  };
  return () => {
    found ??= resolve().catch((error: unknown) => {
      found = undefined; // a provider that failed may succeed next time (e.g. the network is back)
      throw error;
    });
    return found;
  };
}
