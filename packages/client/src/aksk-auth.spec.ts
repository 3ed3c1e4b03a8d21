import { describe, expect, it } from '@jest/globals';
import type { Fixture } from '@ecs-metadata/mock-provider';
import { inspect } from 'node:util';
import { akskAuth, type AkSkAuthOptions, AuthenticationError, BadRequestError, ConfigError, EcsMetadataClient, type EcsMetadataClientOptions } from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const OTHER_PROJECT = '0123456789abcdef0123456789abcdef';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const AK = 'AKEXAMPLE0000000TEST';
const SK = 'SKEXAMPLE0000000000000000000000000000TEST';
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50 };
const SDK_DATE = /^\d{8}T\d{6}Z$/u;

// An AK/SK pair for the documentation's example project, which holds the seed server.
const FIXTURE: Fixture = {
  tokens: [],
  accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }],
  servers: [
    { projectId: PROJECT, serverId: SERVER, metadata: { wj: 'True' } },
    { projectId: OTHER_PROJECT, serverId: SERVER, metadata: { other: 'yes' } },
  ],
};

const harness = useMockProvider(FIXTURE);
const { apiRequests } = harness;

function clientFor(auth: Partial<AkSkAuthOptions> = {}, options: Partial<EcsMetadataClientOptions> = {}): EcsMetadataClient {
  const client = new EcsMetadataClient({
    endpoint: harness.mock.url,
    projectId: PROJECT,
    auth: akskAuth({ accessKey: AK, secretKey: SK, ...auth }),
    retry: FAST_RETRY,
    ...options,
  });
  return harness.track(client);
}


function everythingAbout(error: Error): string {
  return JSON.stringify({ ...error, message: error.message, stack: error.stack, cause: String(error.cause) });
}

describe('akskAuth against the mock provider (spec §9.2)', () => {
  it('reads metadata with a signed request; Accept and User-Agent stay unsigned', async () => {
    await expect(clientFor().getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    const [sent] = apiRequests();
    expect(sent?.headers['authorization']).toMatch(
      /^SDK-HMAC-SHA256 Access=AKEXAMPLE0000000TEST, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=[0-9a-f]{64}$/u,
    );
    expect(sent?.headers['x-sdk-date']).toMatch(SDK_DATE);
    expect(sent?.headers['x-project-id']).toBe(PROJECT);
    expect(sent?.headers['content-type']).toBe('application/json');
    expect(sent?.headers['host']).toBe(new URL(harness.mock.url).host);
    expect(sent?.headers['accept']).toBe('application/json');
    expect(sent?.headers['user-agent']).toMatch(/^ecs-metadata\//u);
    expect(sent?.headers['x-auth-token']).toBeUndefined();
  });

  it('works on the v2 prefix too', async () => {
    await expect(clientFor({}, { apiVersion: 'v2' }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
  });

  it('raises AuthenticationError for a wrong SK, without the SK in the error', async () => {
    const wrongSecret = 'WRONG-SECRET-KEY-THAT-MUST-NOT-LEAK';
    const error = await rejection(clientFor({ secretKey: wrongSecret }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(AuthenticationError);
    const apiError = error as AuthenticationError;
    expect([apiError.status, apiError.code, apiError.serverMessage]).toEqual([
      401,
      'APIG.0301',
      'Incorrect IAM authentication information: verify aksk signature fail',
    ]);
    expect(apiError.requestId).toMatch(/^[0-9a-f]{32}$/u);
    expect(apiError.attempts).toBe(1);
    expect(everythingAbout(apiError)).not.toContain(wrongSecret);
    expect(everythingAbout(apiError)).not.toContain(SK);
  });

  it('raises AuthenticationError for an unknown AK', async () => {
    const error = await rejection(clientFor({ accessKey: 'AKUNKNOWN00000000000' }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).serverMessage).toBe('Incorrect IAM authentication information: Get secretKey failed');
  });

  it('raises AuthenticationError when the clock is more than 15 minutes off', async () => {
    const error = await rejection(clientFor({ now: () => Date.now() - 20 * 60_000 }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).serverMessage).toBe('Incorrect IAM authentication information: calc ak sk signature fail:signature expired');
  });

  it('signs a retry again with a fresh date and signature', async () => {
    const start = Date.now();
    let calls = 0;
    // One second per reading, so the retry falls into the next X-Sdk-Date second.
    const now = (): Date => new Date(start + 1000 * calls++);
    harness.mock.admin.queueFault({ status: 503 });
    await expect(clientFor({ now }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    const sent = apiRequests();
    expect(sent).toHaveLength(2);
    const [first, retry] = sent.map((entry) => entry.headers);
    expect(calls).toBe(2);
    expect(retry?.['x-sdk-date']).not.toBe(first?.['x-sdk-date']);
    expect(retry?.['authorization']).not.toBe(first?.['authorization']);
    expect(retry?.['authorization']).toMatch(/Signature=[0-9a-f]{64}$/u);
  });

  it('re-signs each retry with the real clock too', async () => {
    let signatures = 0;
    const now = (): number => {
      signatures += 1;
      return Date.now();
    };
    harness.mock.admin.queueFault({ status: 503, times: 2 });
    await expect(clientFor({ now }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(signatures).toBe(3);
    expect(apiRequests().every((entry) => SDK_DATE.test(entry.headers['x-sdk-date'] ?? ''))).toBe(true);
  });

  it('sends and signs X-Security-Token for temporary credentials', async () => {
    await expect(clientFor({ securityToken: 'EXAMPLE-SECURITY-TOKEN' }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    const [sent] = apiRequests();
    expect(sent?.headers['x-security-token']).toBe('EXAMPLE-SECURITY-TOKEN');
    expect(sent?.headers['authorization']).toContain('SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,');
  });

  it('gets the 400 project mismatch when the AK belongs to another project', async () => {
    const error = await rejection(clientFor({}, { projectId: OTHER_PROJECT }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).serverMessage).toBe(
      `Malformed request URL: URL's project_id '${OTHER_PROJECT}' doesn't match Context's project_id '${PROJECT}'`,
    );
  });
});

describe('akskAuth inputs', () => {
  const configError = (options: AkSkAuthOptions): ConfigError => {
    try {
      akskAuth(options);
    } catch (error) {
      if (error instanceof ConfigError) {
        return error;
      }
      throw error;
    }
    throw new Error('expected a ConfigError');
  };

  it.each<[string, Partial<AkSkAuthOptions>]>([
    ['accessKey', { accessKey: '' }],
    ['accessKey', { accessKey: '   ' }],
    ['accessKey', { accessKey: 'AK WITH SPACE' }],
    ['accessKey', { accessKey: 'AK,COMMA' }],
    ['accessKey', { accessKey: undefined as unknown as string }],
    ['secretKey', { secretKey: '' }],
    ['secretKey', { secretKey: ' \t' }],
    ['secretKey', { secretKey: 42 as unknown as string }],
    ['securityToken', { securityToken: '' }],
    ['securityToken', { securityToken: 'a\r\nb' }],
    ['now', { now: 'yesterday' as unknown as () => Date }],
  ])('refuses a bad %s with a ConfigError naming it', (setting, change) => {
    const error = configError({ accessKey: AK, secretKey: SK, ...change });
    expect(error.setting).toBe(setting);
    expect(error.message).toContain(setting);
    expect(everythingAbout(error)).not.toContain(SK);
  });

  it('refuses a missing options object', () => {
    expect(configError(undefined as unknown as AkSkAuthOptions).setting).toBe('accessKey');
  });

  it('keeps the SK out of JSON.stringify and util.inspect of the provider and the signer', async () => {
    const provider = akskAuth({ accessKey: AK, secretKey: SK, securityToken: 'EXAMPLE-SECURITY-TOKEN' });
    const signer = await provider();
    for (const shown of [
      JSON.stringify(provider),
      JSON.stringify(signer),
      JSON.stringify({ provider, signer }),
      inspect(signer, { depth: 10, showHidden: true }),
      inspect(provider, { showHidden: true }),
    ]) {
      expect(String(shown)).not.toContain(SK);
    }
    expect(Object.keys(signer)).toEqual(['sign']);
  });

  it('signs with the SK but never returns it', async () => {
    const signer = await akskAuth({ accessKey: AK, secretKey: SK, now: () => new Date('2024-01-02T03:04:05Z') })();
    const headers = await signer.sign({
      method: 'GET',
      url: `https://ecs.cn-north-4.myhuaweicloud.com/v2.1/${PROJECT}/servers/${SERVER}/metadata`,
      headers: { 'Content-Type': 'application/json', Host: 'ecs.cn-north-4.myhuaweicloud.com', 'X-Project-Id': PROJECT },
      body: undefined,
    });
    // The seed example of spec §9.2.
    expect(headers).toEqual({
      'X-Sdk-Date': '20240102T030405Z',
      Authorization:
        'SDK-HMAC-SHA256 Access=AKEXAMPLE0000000TEST, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=5fd16ad8ca2f681f2da6dc7d0ab01a8618cb2ec0ad71dc3b59bf22fc368a2cda',
    });
    expect(JSON.stringify(headers)).not.toContain(SK);
  });
});
