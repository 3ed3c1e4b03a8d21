import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, type RunOptions, runBin } from './test-support/run-bin.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';

/** Runs the real bin with `env` (and nothing of this process's environment). */
const run = (args: string[], env: Record<string, string> = {}, onStart?: RunOptions['onStart']): Promise<BinRun> => runBin(args, env, { onStart });

let mock: MockProvider;
let env: Record<string, string>;
let DEMO_TOKEN: string;

beforeAll(async () => {
  // Dynamic, as in the CLI itself: the mock is a lazily loaded dependency of this package.
  const mockProvider = await import('@ecs-metadata/mock-provider');
  DEMO_TOKEN = mockProvider.DEMO_TOKEN;
  mock = await mockProvider.startMockProvider({ port: 0, fixture: mockProvider.DEFAULT_FIXTURE });
  env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: DEMO_TOKEN };
});
afterEach(() => mock.admin.reset());
afterAll(async () => {
  await mock.close();
});

const apiRequests = (): number => mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin')).length;

describe('ecs-metadata get', () => {
  it('prints compact JSON in a pipe', async () => {
    const result = await run(['get', SERVER], env);
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n', stderr: '' });
  });

  it('takes everything from flags, with --api-version v2', async () => {
    const result = await run(['get', SERVER, '--endpoint', mock.url, '--project-id', PROJECT, '--token', DEMO_TOKEN, '--api-version', 'v2']);
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(mock.requestLog.at(-1)?.path).toBe(`/v2/${PROJECT}/servers/${SERVER}/metadata`);
  });

  it('prints a table', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True', 'os:type': 'Linux' } });
    const result = await run(['get', SERVER, '--output', 'table'], env);
    expect(result.stdout).toBe('KEY      VALUE\nos:type  Linux\nwj       True\n');
  });

  it('prints the bare value of one key for scripts', async () => {
    const result = await run(['get', SERVER, '--key', 'wj', '--output', 'value'], env);
    expect(result).toMatchObject({ code: 0, stdout: 'True\n' });
  });

  it('prints shell-safe variable assignments', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True', 'os:type': "it's" } });
    const result = await run(['get', SERVER, '--output', 'env'], env);
    expect(result.stdout).toBe("ECS_META_OS_TYPE='it'\\''s'\nECS_META_WJ='True'\n");
  });

  it('refuses colliding variable names with exit 2', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: { 'a.b': '1', 'a:b': '2' } });
    const result = await run(['get', SERVER, '--output', 'env'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ECS_META_A_B');
  });

  it('exits 4 for an unknown server and for a missing key', async () => {
    expect((await run(['get', '00000000-0000-0000-0000-000000000000'], env)).code).toBe(4);
    const missingKey = await run(['get', SERVER, '--key', 'nope', '--output', 'value'], env);
    expect(missingKey.code).toBe(4);
    expect(missingKey.stdout).toBe('');
  });

  it('exits 3 for a rejected token and never prints it, even with --verbose', async () => {
    const secret = 'wrong-secret-token-123';
    const result = await run(['get', SERVER, '--verbose'], { ...env, ECS_METADATA_TOKEN: secret });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/401/u);
    expect(result.stderr + result.stdout).not.toContain(secret);
  });

  it('shows method, URL and every request-id header with --verbose, but not the token', async () => {
    const result = await run(['get', SERVER, '--verbose'], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(`GET ${mock.url}/v2\\.1/${PROJECT}/servers/${SERVER}/metadata → 200 .*X-Request-Id [0-9a-f]{32}, X-Openstack-Request-Id req-[0-9a-f-]{36}, X-Compute-Request-Id req-[0-9a-f-]{36}\\)`, 'u'),
    );
    expect(result.stderr).not.toContain(DEMO_TOKEN);
  });

  it.each([['../x'], ['a/b'], ['%2e%2e']])('refuses the path injection %s with exit 2 and sends nothing', async (serverId) => {
    const result = await run(['get', serverId], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('serverId');
    expect(apiRequests()).toBe(0);
  });

  it.each([
    [['get'], 'server-id'],
    [['get', SERVER, '--output', 'yml'], '--output'],
    [['get', SERVER, '--bogus'], '--bogus'],
    [['get', SERVER, '--api-version', 'v3'], '--api-version'],
    [['get', SERVER, '--output', 'value'], '--key'],
    [['frobnicate'], 'frobnicate'],
  ])('exits 2 for %j, naming %s', async (args, named) => {
    const result = await run(args, env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(result.stderr).not.toMatch(/\n\s+at /u); // no stack trace
  });

  it('exits 2 naming the variable when the endpoint is not configured', async () => {
    const result = await run(['get', SERVER], { ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: DEMO_TOKEN });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('ECS_METADATA_ENDPOINT');
  });

  it('exits 5 for an invalid response and 6 for a network failure', async () => {
    mock.admin.queueFault({ status: 200, body: '{"metadata":[]}' });
    expect((await run(['get', SERVER], env)).code).toBe(5);
    const refused = await run(['get', SERVER, '--timeout', '2000'], { ...env, ECS_METADATA_ENDPOINT: 'http://127.0.0.1:9' });
    expect(refused.code).toBe(6);
  });

  it('exits 130 without a stack trace when interrupted', async () => {
    mock.admin.queueFault({ delayMs: 10_000 });
    const result = await run(['get', SERVER], env, (child) => {
      const timer = setInterval(() => {
        if (apiRequests() > 0) {
          clearInterval(timer);
          child.kill('SIGINT');
        }
      }, 20);
    });
    expect(result.code).toBe(130);
    expect(result.stderr).not.toMatch(/\n\s+at /u);
  });
});

describe('ecs-metadata demo', () => {
  it('prints the documentation example from the embedded mock', async () => {
    const result = await run(['demo']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"wj":"True"}\n');
  });
});

describe('ecs-metadata mock serve', () => {
  it('serves until interrupted', async () => {
    let url = '';
    const result = await run(['mock', 'serve', '--port', '0'], {}, (child) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        url = chunk.toString().trim();
        void fetch(`${url}/v2.1/${PROJECT}/servers/${SERVER}/metadata`, { headers: { 'X-Auth-Token': DEMO_TOKEN } })
          .then((response) => response.json())
          .then((body) => {
            expect(body).toEqual({ metadata: { wj: 'True' } });
            child.kill('SIGINT');
          });
      });
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
    expect(result.code).toBe(0);
  });
});
