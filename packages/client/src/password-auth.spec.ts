import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, type Fixture } from '@ecs-metadata/mock-provider';
import { inspect } from 'node:util';
import {
  AuthenticationError,
  BadRequestError,
  ConfigError,
  createEcsMetadataClient,
  EcsMetadataClient,
  type EcsMetadataClientOptions,
  type LoginEvent,
  NetworkError,
  passwordAuth,
  type PasswordAuthOptions,
} from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const PASSWORD = 'correct-horse-battery-staple';
const FAST_RETRY = { baseDelayMs: 10, maxDelayMs: 50 };

const FIXTURE: Fixture = {
  ...DEFAULT_FIXTURE,
  tokens: [],
  users: [{ username: 'li', password: PASSWORD, domainName: 'acme', projectId: PROJECT }],
  region: 'cn-north-4',
};

const harness = useMockProvider(FIXTURE);
const logins = (): number => harness.apiRequests().filter((entry) => entry.path.startsWith('/v3/auth/tokens')).length;
const apiCalls = (): string[] => harness.apiRequests().filter((entry) => !entry.path.startsWith('/v3/')).map((entry) => entry.headers['x-auth-token'] as string);

function loginOptions(overrides: Partial<PasswordAuthOptions> = {}): PasswordAuthOptions {
  return { authUrl: `${harness.mock.url}/v3`, username: 'li', password: PASSWORD, userDomainName: 'acme', projectId: PROJECT, ...overrides };
}

function clientFor(auth: Partial<PasswordAuthOptions> = {}, options: Partial<EcsMetadataClientOptions> = {}): EcsMetadataClient {
  return harness.track(
    new EcsMetadataClient({
      endpoint: harness.mock.url,
      projectId: PROJECT,
      auth: passwordAuth(loginOptions(auth)),
      retry: FAST_RETRY,
      ...options,
    }),
  );
}

/** Everything an error could show: its fields, message, stack, cause. */
function everythingAbout(error: Error): string {
  return `${JSON.stringify({ ...error, message: error.message, stack: error.stack, cause: String(error.cause) })} ${inspect(error, { depth: 5 })}`;
}

describe('passwordAuth against the mock identity service (spec §9.1)', () => {
  it('logs in on the first request and sends the token from X-Subject-Token', async () => {
    const events: LoginEvent[] = [];
    await expect(clientFor({ onResponse: (event) => events.push(event) }).getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(logins()).toBe(1);
    const [token] = apiCalls();
    expect(token).toMatch(/^gAAAAA/u);
    expect(events).toEqual([{ method: 'POST', url: `${harness.mock.url}/v3/auth/tokens`, status: 201, attempt: 1, requestId: expect.stringMatching(/^[0-9a-f]{32}$/u),
        requestIds: {
          'X-Request-Id': expect.stringMatching(/^[0-9a-f]{32}$/u),
          'X-Openstack-Request-Id': expect.stringMatching(/^req-[0-9a-f-]{36}$/u),
          'X-Compute-Request-Id': expect.stringMatching(/^req-[0-9a-f-]{36}$/u),
        },
      },
    ]);
  });

  it('accepts the auth URL without /v3 and a project by name', async () => {
    const client = clientFor({ authUrl: harness.mock.url, projectId: undefined, projectName: 'cn-north-4' });
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
  });

  it('caches the token: later requests do not log in again', async () => {
    const client = clientFor();
    for (let call = 0; call < 3; call += 1) {
      await client.getServerMetadata(SERVER);
    }
    expect(logins()).toBe(1);
    expect(new Set(apiCalls()).size).toBe(1);
  });

  it('shares one login among concurrent first requests', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, delayMs: 100 }); // a slow login, so the requests overlap it
    const client = clientFor();
    const results = await Promise.all(Array.from({ length: 10 }, () => client.getServerMetadata(SERVER)));
    expect(results).toEqual(Array.from({ length: 10 }, () => ({ wj: 'True' })));
    expect(logins()).toBe(1);
  });

  it('logs in again before a request once the token is within refreshBeforeExpiryMs of expiry', async () => {
    let clock = 1_000_000;
    harness.mock.admin.setTokenLifetime(60 * 60 * 1000); // one hour
    const client = clientFor({ now: () => clock, refreshBeforeExpiryMs: 10 * 60 * 1000 });
    await client.getServerMetadata(SERVER);
    clock += 49 * 60 * 1000; // 11 minutes left: still cached
    await client.getServerMetadata(SERVER);
    expect(logins()).toBe(1);
    clock += 2 * 60 * 1000; // 9 minutes left: renewed first
    await client.getServerMetadata(SERVER);
    expect(logins()).toBe(2);
    const tokens = apiCalls();
    expect(tokens[0]).toBe(tokens[1]);
    expect(tokens[2]).not.toBe(tokens[1]);
  });

  it('never keeps the margin above half the lifetime, so short-lived tokens are reused', async () => {
    let clock = 0;
    harness.mock.admin.setTokenLifetime(10 * 60 * 1000); // 10 minutes, below the default 30-minute margin
    const client = clientFor({ now: () => clock });
    await client.getServerMetadata(SERVER);
    clock += 4 * 60 * 1000;
    await client.getServerMetadata(SERVER);
    expect(logins()).toBe(1);
    clock += 2 * 60 * 1000;
    await client.getServerMetadata(SERVER);
    expect(logins()).toBe(2);
  });

  it('logs in once more and resends once when the API answers 401 (token revoked or expired)', async () => {
    const client = clientFor();
    await client.getServerMetadata(SERVER);
    harness.mock.admin.reset(); // the issued token is forgotten: the next request gets 401
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(logins()).toBe(1); // reset emptied the log: this is the re-login
    const tokens = apiCalls();
    expect(tokens).toHaveLength(2); // the 401 and the resend
    expect(tokens[0]).not.toBe(tokens[1]);
  });

  it('renews an expired token after the 401 (short lifetime, clock unaware)', async () => {
    harness.mock.admin.setTokenLifetime(200);
    const client = clientFor({ now: () => 0, refreshBeforeExpiryMs: 0 }); // the client's clock never moves
    await client.getServerMetadata(SERVER);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(logins()).toBe(2);
  });

  it('renews once for many concurrent 401s', async () => {
    const client = clientFor();
    await client.getServerMetadata(SERVER);
    harness.mock.admin.reset();
    await Promise.all(Array.from({ length: 5 }, () => client.getServerMetadata(SERVER)));
    expect(logins()).toBe(1);
  });

  it('gives up after one renewal when the API keeps answering 401', async () => {
    harness.mock.admin.queueFault({ match: { method: 'GET' }, status: 401, times: 2 });
    const error = await rejection(clientFor().getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(logins()).toBe(2);
  });

  it('raises AuthenticationError for a wrong password, naming the login, once, and never the password', async () => {
    const wrong = 'wrong-password-never-shown';
    const error = await rejection(clientFor({ password: wrong }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.message).toContain(`password login (POST ${harness.mock.url}/v3/auth/tokens) refused`);
    expect(everythingAbout(error)).not.toContain(wrong);
    expect(logins()).toBe(1); // a refused login is not repeated by the 401 refresh
    expect(apiCalls()).toHaveLength(0);
  });

  it('redacts a password an identity service echoes back', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, status: 400, body: JSON.stringify({ error: { code: 400, message: `bad password ${PASSWORD}` } }) });
    const error = await rejection(clientFor().getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.message).toContain('bad password ****');
    expect(everythingAbout(error)).not.toContain(PASSWORD); // the cause included
  });

  it('raises NetworkError when the identity service cannot be reached', async () => {
    const error = await rejection(clientFor({ authUrl: 'http://127.0.0.1:9/v3', timeoutMs: 2000 }).getServerMetadata(SERVER));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain('Password login (POST http://127.0.0.1:9/v3/auth/tokens) failed');
    expect(everythingAbout(error)).not.toContain(PASSWORD);
  });

  it('keeps the password and the token out of JSON.stringify and util.inspect of the provider and the signer', async () => {
    const provider = passwordAuth(loginOptions());
    const signer = await provider();
    const headers = await signer.sign({ method: 'GET', url: `${harness.mock.url}/`, headers: {}, body: undefined });
    const token = headers['X-Auth-Token'] as string;
    expect(token).toMatch(/^gAAAAA/u);
    for (const shown of [
      JSON.stringify(provider),
      JSON.stringify(signer),
      inspect(provider, { showHidden: true, depth: 9 }),
      inspect(signer, { showHidden: true, depth: 9 }),
    ]) {
      expect(shown ?? '').not.toContain(PASSWORD);
      expect(shown ?? '').not.toContain(token);
    }
  });

  it('exposes the login catalog and project', async () => {
    const signer = await passwordAuth(loginOptions())();
    const details = await signer.loginDetails?.();
    expect(details?.projectId).toBe(PROJECT);
    expect(details?.catalog.find((service) => service.type === 'compute')?.endpoints).toContainEqual({
      interface: 'public',
      region: 'cn-north-4',
      url: `${harness.mock.url}/v2.1/${PROJECT}`,
    });
  });
});

describe('createEcsMetadataClient with a password login (DECISIONS "CLI": endpoint from the catalog)', () => {
  it('takes the compute endpoint (public, stripped of /v2.1/{project}) and the project from the login', async () => {
    const client = harness.track(await createEcsMetadataClient({ auth: passwordAuth(loginOptions({ projectId: undefined, projectName: 'cn-north-4' })), retry: FAST_RETRY }));
    expect(client.endpoint).toBe(harness.mock.url);
    expect(client.projectId).toBe(PROJECT);
    await expect(client.getServerMetadata(SERVER, {})).resolves.toEqual({ wj: 'True' });
    expect(logins()).toBe(1); // the client reuses the login made to read the catalog
  });

  it('filters the catalog by region', async () => {
    const client = harness.track(await createEcsMetadataClient({ region: 'cn-north-4', auth: passwordAuth(loginOptions()) }));
    expect(client.endpoint).toBe(harness.mock.url);
    const error = await rejection(createEcsMetadataClient({ region: 'eu-west-0', auth: passwordAuth(loginOptions()) }));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting: 'endpoint', message: expect.stringContaining('no public compute endpoint in region eu-west-0') });
  });

  it('does not log in early when endpoint and project are given', async () => {
    harness.track(await createEcsMetadataClient({ endpoint: harness.mock.url, projectId: PROJECT, auth: passwordAuth(loginOptions()) }));
    expect(logins()).toBe(0);
  });

  it('refuses a missing endpoint or project for credentials that do not log in', async () => {
    const token = (): Promise<{ sign: () => Record<string, string> }> => Promise.resolve({ sign: () => ({}) });
    await expect(createEcsMetadataClient({ projectId: PROJECT, auth: token })).rejects.toMatchObject({ setting: 'endpoint' });
    await expect(createEcsMetadataClient({ endpoint: harness.mock.url, auth: token })).rejects.toMatchObject({ setting: 'projectId' });
    await expect(createEcsMetadataClient({ endpoint: harness.mock.url, auth: 'nope' as never })).rejects.toMatchObject({ setting: 'auth' });
  });
});

describe('passwordAuth inputs', () => {
  it.each([
    [{ authUrl: 'keystone:5000' }, 'authUrl'],
    [{ username: '' }, 'username'],
    [{ password: '' }, 'password'],
    [{ projectId: undefined }, 'projectId'],
    [{ refreshBeforeExpiryMs: -1 }, 'refreshBeforeExpiryMs'],
    [{ timeoutMs: 0 }, 'timeoutMs'],
    [{ fetch: 'x' as never }, 'fetch'],
    [{ now: 5 as never }, 'now'],
  ])('refuses %j naming %s, before any I/O', (overrides, setting) => {
    expect(() => passwordAuth({ authUrl: 'http://127.0.0.1:1/v3', username: 'u', password: PASSWORD, projectId: PROJECT, ...overrides })).toThrow(
      expect.objectContaining({ setting }),
    );
  });

  it('refuses a missing options object', () => {
    expect(() => passwordAuth(undefined as never)).toThrow(ConfigError);
  });

  it('works over a caller-supplied fetch', async () => {
    const client = clientFor({ fetch: (input, init) => fetch(input, init) });
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
  });
});
