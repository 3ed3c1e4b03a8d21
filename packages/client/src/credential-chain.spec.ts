import { describe, expect, it } from '@jest/globals';
import { chainAuth, ConfigError, CredentialsNotConfiguredError, type CredentialProvider, type RequestSigner, tokenAuth } from './index.js';

const notConfigured = (reason: string): CredentialProvider => () => Promise.reject(new CredentialsNotConfiguredError('credentials', reason));
const signerOf = async (provider: CredentialProvider): Promise<Record<string, string>> =>
  (await provider()).sign({ method: 'GET', url: 'http://x/', headers: {}, body: undefined });

describe('chainAuth', () => {
  it('uses the first configured provider, skipping those that are not configured', async () => {
    const chain = chainAuth(notConfigured('no token'), tokenAuth('second'), tokenAuth('third'));
    await expect(signerOf(chain)).resolves.toEqual({ 'X-Auth-Token': 'second' });
  });

  it('stops at a provider that fails for another reason', async () => {
    const broken: CredentialProvider = () => Promise.reject(new ConfigError('secretKey', 'SK missing'));
    await expect(chainAuth(notConfigured('a'), broken, tokenAuth('t'))()).rejects.toMatchObject({ setting: 'secretKey' });
  });

  it('reports every reason when none is configured', async () => {
    const error = chainAuth(notConfigured('no token'), notConfigured('no AK/SK'))();
    await expect(error).rejects.toBeInstanceOf(CredentialsNotConfiguredError);
    await expect(error).rejects.toMatchObject({ setting: 'credentials', message: 'no token; no AK/SK' });
    await expect(chainAuth()()).rejects.toMatchObject({ message: 'No credential providers given' });
  });

  it('resolves once and gives every caller the same signer', async () => {
    let calls = 0;
    const signer: RequestSigner = { sign: () => ({}) };
    const counted: CredentialProvider = () => {
      calls += 1;
      return Promise.resolve(signer);
    };
    const chain = chainAuth(counted);
    const [a, b] = await Promise.all([chain(), chain()]);
    expect(a).toBe(signer);
    expect(b).toBe(signer);
    expect(await chain()).toBe(signer);
    expect(calls).toBe(1);
  });

  it('tries again after a failure', async () => {
    let fail = true;
    const flaky: CredentialProvider = () => (fail ? Promise.reject(new Error('down')) : Promise.resolve({ sign: () => ({ ok: '1' }) }));
    const chain = chainAuth(flaky);
    await expect(chain()).rejects.toThrow('down');
    fail = false;
    await expect(signerOf(chain)).resolves.toEqual({ ok: '1' });
  });

  it('refuses something that is not a provider', () => {
    expect(() => chainAuth(tokenAuth('t'), 'x' as never)).toThrow(expect.objectContaining({ setting: 'auth', message: expect.stringContaining('provider 2') }));
  });
});
