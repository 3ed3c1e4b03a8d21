import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, runBin } from './test-support/run-bin.js';

/**
 * The provider reached with the same credentials as the `ecs-metadata` CLI (issue 13 item 5): AK/SK
 * (the mock checks every signature), a password login against the mock's Keystone, a profile, the
 * environment. Every request Pact forwards, and the verifier's own arranging requests, carry them.
 */

const AK = 'AKVERIFYTEST00000XYZ';
const SK = 'verify-secret-key-never-shown-7c1e90';
const PASSWORD = 'verify-password-never-shown-3f62d8';
const USER = 'pipeline-sam';
const SECRETS = [SK, PASSWORD];
const ORIGINAL = { wj: 'True' };

let mock: MockProvider;
let home: string;
let xdg: string;

beforeAll(async () => {
  mock = await startMockProvider({
    port: 0,
    fixture: {
      ...DEFAULT_FIXTURE,
      accessKeys: [{ accessKey: AK, secretKey: SK, projectId: EXAMPLE_PROJECT_ID }],
      users: [{ username: USER, password: PASSWORD, domainName: 'Default', projectId: EXAMPLE_PROJECT_ID }],
    },
  });
  home = await mkdtemp(join(tmpdir(), 'pv-credentials-'));
  xdg = join(home, 'xdg');
  await mkdir(join(xdg, 'ecs-metadata'), { recursive: true });
});

afterAll(async () => {
  await mock.close();
  await rm(home, { recursive: true, force: true });
});

/** Verifies against the mock as a real endpoint (writes and locks allowed) with a private config home. */
function verify(args: readonly string[], env: Record<string, string>): Promise<BinRun> {
  return runBin(
    ['--server-id', EXAMPLE_SERVER_ID, '--allow-writes', '--allow-lock', '--expect-skipped', 'a building server exists', ...args],
    { HOME: home, XDG_CONFIG_HOME: xdg, ...env },
    40_000,
  );
}

/** The API requests (not the admin API, not the identity service) the mock received since `from`. */
function apiRequests(from: number): { method: string; path: string; headers: Record<string, string | string[] | undefined> }[] {
  return mock.requestLog.slice(from).filter((entry) => entry.path.startsWith('/v2'));
}

function expectNoSecret(run: BinRun, junit?: string): void {
  for (const secret of SECRETS) {
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(junit ?? '').not.toContain(secret);
  }
}

describe('ecs-metadata-verify with the CLI credentials', () => {
  it('signs every request with AK/SK from HUAWEICLOUD_SDK_* (writes and the lock action included)', async () => {
    const from = mock.requestLog.length;
    const junitFile = join(home, 'aksk.xml');
    const run = await verify(['--provider-base-url', mock.url, '--project-id', EXAMPLE_PROJECT_ID, '--junit', junitFile, '--log-level', 'debug'], {
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SK,
    });

    expect(run.stdout).toContain('14 verified, 0 failed, 1 not verifiable');
    expect(run.code).toBe(0);
    expectNoSecret(run, await readFile(junitFile, 'utf8'));
    const requests = apiRequests(from);
    const signed = requests.filter((entry) => String(entry.headers['authorization']).startsWith(`SDK-HMAC-SHA256 Access=${AK},`));
    // Only the 401 interaction goes out with its literal invalid token and no signature.
    expect(requests.filter((entry) => !signed.includes(entry)).map((entry) => entry.headers['x-auth-token'])).toEqual(['invalid-token']);
    expect(signed.map((entry) => entry.method)).toEqual(expect.arrayContaining(['GET', 'PUT', 'POST', 'DELETE']));
    expect(signed.some((entry) => entry.path.endsWith('/action'))).toBe(true);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)).toMatchObject({ metadata: ORIGINAL, locked: false });
  }, 60_000);

  it('is refused by the provider with a wrong SK, and never prints it', async () => {
    const wrong = 'verify-wrong-secret-key-5d0a11';
    const run = await verify(['--provider-base-url', mock.url, '--project-id', EXAMPLE_PROJECT_ID], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: wrong });

    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('401');
    expect(run.stdout + run.stderr).not.toContain(wrong);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.metadata).toEqual(ORIGINAL);
  }, 60_000);

  it('logs in once with a password from OS_* (Keystone) and sends its token', async () => {
    const from = mock.requestLog.length;
    const run = await verify(['--provider-base-url', mock.url], {
      OS_AUTH_URL: `${mock.url}/v3`,
      OS_USERNAME: USER,
      OS_PASSWORD: PASSWORD,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_ID: EXAMPLE_PROJECT_ID,
    });

    expect(run.stdout).toContain('14 verified, 0 failed, 1 not verifiable');
    expect(run.code).toBe(0);
    expectNoSecret(run);
    expect(mock.requestLog.slice(from).filter((entry) => entry.path.startsWith('/v3/auth/tokens'))).toHaveLength(1);
    const tokens = new Set(apiRequests(from).map((entry) => entry.headers['x-auth-token']));
    tokens.delete('invalid-token');
    expect(tokens.size).toBe(1);
    const [issued] = [...tokens];
    expect(run.stdout + run.stderr).not.toContain(String(issued));
  }, 60_000);

  it('takes the endpoint, project and AK/SK from a profile picked with --profile', async () => {
    const profile = join(xdg, 'ecs-metadata', 'config.toml');
    await writeFile(profile, `[ci]\nendpoint = "${mock.url}"\nproject_id = "${EXAMPLE_PROJECT_ID}"\naccess_key = "${AK}"\nsecret_key = "${SK}"\n`);
    await chmod(profile, 0o600);
    try {
      const from = mock.requestLog.length;
      const run = await verify(['--profile', 'ci'], {});

      expect(run.stdout).toContain('14 verified, 0 failed, 1 not verifiable');
      expect(run.code).toBe(0);
      expectNoSecret(run);
      expect(apiRequests(from).some((entry) => String(entry.headers['authorization']).startsWith('SDK-HMAC-SHA256 '))).toBe(true);
    } finally {
      await rm(profile, { force: true });
    }
  }, 60_000);

  it('names the missing credential, and keeps --profile off the embedded mock', async () => {
    const none = await verify(['--provider-base-url', mock.url, '--project-id', EXAMPLE_PROJECT_ID], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--token: No credentials configured: set a token (ECS_METADATA_TOKEN or OS_TOKEN), an AK/SK pair (HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)');

    const mockRun = await runBin(['--against-mock', '--profile', 'ci']);
    expect(mockRun.code).toBe(2);
    expect(mockRun.stderr).toContain('--profile applies to --provider-base-url only');
  });
});
