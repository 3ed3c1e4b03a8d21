import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, runBin } from './test-support/run-bin.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const AK = 'AKCLITEST0000000WXYZ';
const SK = 'cli-secret-key-that-must-never-show-0001';
const PASSWORD = 'cli-password-that-must-never-show-0001';
const TOKEN = 'cli-token-that-must-never-show-0001';
const SECRETS = [SK, PASSWORD, TOKEN];

let mock: MockProvider;
let home: string;
let xdg: string;

beforeAll(async () => {
  // Dynamic, as in the CLI itself: the mock is a lazily loaded dependency of this package.
  const { DEFAULT_FIXTURE, startMockProvider } = await import('@ecs-metadata/mock-provider');
  mock = await startMockProvider({
    port: 0,
    fixture: {
      ...DEFAULT_FIXTURE,
      tokens: [{ token: TOKEN, projectId: PROJECT }],
      accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }],
      users: [{ username: 'sam', password: PASSWORD, domainName: 'Default', projectId: PROJECT }],
      region: 'RegionOne',
    },
  });
  home = await mkdtemp(join(tmpdir(), 'ecs-metadata-cli-auth-'));
  xdg = join(home, 'xdg');
  await mkdir(join(xdg, 'ecs-metadata'), { recursive: true });
  await mkdir(join(xdg, 'openstack'), { recursive: true });
});
afterEach(async () => {
  mock.admin.reset();
  await rm(join(xdg, 'ecs-metadata', 'config.toml'), { force: true });
  await rm(join(xdg, 'openstack', 'clouds.yaml'), { force: true });
});
afterAll(async () => {
  await mock.close();
  await rm(home, { recursive: true, force: true });
});

/** Runs the bin with a private config home and `env`. */
const run = (args: readonly string[], env: Record<string, string> = {}): Promise<BinRun> =>
  runBin(args, { HOME: home, XDG_CONFIG_HOME: xdg, ...env }, { cwd: home });

async function writeProfiles(text: string, mode = 0o600): Promise<string> {
  const path = join(xdg, 'ecs-metadata', 'config.toml');
  await writeFile(path, text);
  await chmod(path, mode);
  return path;
}

function expectNoSecrets(result: BinRun): void {
  for (const secret of SECRETS) {
    expect(result.stdout + result.stderr).not.toContain(secret);
  }
}

const logins = (): number => mock.requestLog.filter((entry) => entry.path.startsWith('/v3/auth/tokens')).length;

describe('ecs-metadata get with each kind of credential', () => {
  it('AK/SK from HUAWEICLOUD_SDK_* (Li), never printing the SK, even with --verbose', async () => {
    const result = await run(['get', SERVER, '--verbose'], {
      ECS_METADATA_ENDPOINT: mock.url,
      HUAWEICLOUD_SDK_AK: AK,
      HUAWEICLOUD_SDK_SK: SK,
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
    });
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(result.stderr).toContain('config: credentials aksk');
    expect(mock.requestLog.at(-1)?.headers['authorization']).toMatch(/^SDK-HMAC-SHA256 /u);
    expectNoSecrets(result);
  });

  it('--ak/--sk work but warn that the SK is visible to other users', async () => {
    const result = await run(['get', SERVER, '--endpoint', mock.url, '--project-id', PROJECT, '--ak', AK, '--sk', SK]);
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(result.stderr).toBe(
      'ecs-metadata: warning: --sk put a secret on the command line, where other users can see it (ps, shell history); prefer the environment or a profile\n',
    );
    expectNoSecrets(result);
  });

  it('a token from ECS_METADATA_TOKEN', async () => {
    const result = await run(['get', SERVER, '--verbose'], { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: TOKEN });
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expectNoSecrets(result);
  });

  it('a Keystone / IAM password login from OS_* (Sam): one login, the endpoint from the catalog', async () => {
    const result = await run(['get', SERVER, '--verbose', '--output', 'table'], {
      OS_AUTH_URL: `${mock.url}/v3`,
      OS_USERNAME: 'sam',
      OS_PASSWORD: PASSWORD,
      OS_PROJECT_ID: PROJECT,
      OS_USER_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
    });
    expect(result).toMatchObject({ code: 0, stdout: 'KEY  VALUE\nwj   True\n' });
    expect(result.stderr).toContain(`POST ${mock.url}/v3/auth/tokens → 201 (password login, X-Request-Id `);
    expect(result.stderr).toContain(`GET ${mock.url}/v2.1/${PROJECT}/servers/${SERVER}/metadata → 200`);
    expect(logins()).toBe(1);
    expectNoSecrets(result);
    const issued = mock.requestLog.at(-1)?.headers['x-auth-token'] as string;
    expect(result.stdout + result.stderr).not.toContain(issued);
  });

  it('OS_CLOUD with clouds.yaml (Sam)', async () => {
    const clouds = `clouds:\n  mycloud:\n    region_name: RegionOne\n    auth:\n      auth_url: ${mock.url}/v3\n      username: sam\n      password: "${PASSWORD}"\n      project_id: "${PROJECT}"\n      user_domain_name: Default\n`;
    await writeFile(join(xdg, 'openstack', 'clouds.yaml'), clouds, { mode: 0o600 });
    const result = await run(['get', SERVER, '--output', 'table'], { OS_CLOUD: 'mycloud' });
    expect(result).toMatchObject({ code: 0, stdout: 'KEY  VALUE\nwj   True\n', stderr: '' });
    expectNoSecrets(result);
  });

  it('exits 3 for a wrong password and prints neither it nor the right one', async () => {
    const wrong = 'wrong-password-never-shown';
    const result = await run(['get', SERVER, '--verbose'], { OS_AUTH_URL: mock.url, OS_USERNAME: 'sam', OS_PASSWORD: wrong, OS_PROJECT_ID: PROJECT });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('password login');
    expect(result.stdout + result.stderr).not.toContain(wrong);
    expectNoSecrets(result);
  });

  it('a profile, picked by --profile, ECS_METADATA_PROFILE or [default]', async () => {
    await writeProfiles(`
[default]
endpoint = "${mock.url}"
project_id = "${PROJECT}"
token = "${TOKEN}"

[aksk]
endpoint = "${mock.url}"
project_id = "${PROJECT}"
access_key = "${AK}"
secret_key = "${SK}"
api_version = "v2"

[broken]
endpoint = "http://127.0.0.1:9"
`);
    expect(await run(['get', SERVER])).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n', stderr: '' });
    expect(mock.requestLog.at(-1)?.headers['x-auth-token']).toBe(TOKEN);
    const byFlag = await run(['get', SERVER, '--profile', 'aksk']);
    expect(byFlag).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(mock.requestLog.at(-1)?.path).toBe(`/v2/${PROJECT}/servers/${SERVER}/metadata`);
    expect(mock.requestLog.at(-1)?.headers['authorization']).toMatch(/^SDK-HMAC-SHA256 /u);
    expect((await run(['get', SERVER], { ECS_METADATA_PROFILE: 'aksk' })).code).toBe(0);
    // Precedence: the environment's endpoint wins over the profile's, a flag over both.
    expect((await run(['get', SERVER, '--profile', 'broken', '--project-id', PROJECT, '--token', TOKEN], { ECS_METADATA_ENDPOINT: mock.url })).code).toBe(0);
    expect((await run(['get', SERVER, '--endpoint', mock.url], { ECS_METADATA_ENDPOINT: 'http://127.0.0.1:9' })).code).toBe(0);
    const missing = await run(['get', SERVER, '--profile', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No profile "nope" (from option)');
  });

  it('warns when the profile file is readable by others', async () => {
    const path = await writeProfiles(`[default]\nendpoint = "${mock.url}"\nproject_id = "${PROJECT}"\ntoken = "${TOKEN}"\n`, 0o644);
    const result = await run(['get', SERVER]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(`ecs-metadata: warning: Profile file ${path} is accessible by other users (mode 0644) and may hold secrets: run chmod 600 ${path}\n`);
    expectNoSecrets(result);
  });

  it('exits 2 naming what to set when no credentials are configured', async () => {
    const result = await run(['get', SERVER], { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No credentials configured');
    expect(result.stderr).toContain('HUAWEICLOUD_SDK_AK');
    expect(result.stderr).not.toMatch(/\n\s+at /u);
  });

  it('exits 2 for an AK without its SK, naming the missing setting', async () => {
    const result = await run(['get', SERVER], { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, HUAWEICLOUD_SDK_AK: AK });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no secretKey');
    expect(result.stderr).toContain('HUAWEICLOUD_SDK_SK');
  });

  it('exits 2 for an unknown region, naming region and suggesting --endpoint', async () => {
    const result = await run(['get', SERVER, '--region', 'cn-nort-4'], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown region "cn-nort-4"');
    expect(result.stderr).toContain('--endpoint');
    expectNoSecrets(result);
  });

  it('documents the flags, and that secrets on the command line are visible in ps', async () => {
    const result = await run(['help', 'config']);
    expect(result.code).toBe(0);
    for (const flag of ['--profile', '--region', '--domain', '--ak AK', '--sk SK', '--auth-url', '--username']) {
      expect(result.stdout).toContain(flag);
    }
    expect(result.stdout).toContain('visible to other users in "ps"');
    expect(result.stdout).not.toContain('--password');
  });
});

describe('ecs-metadata config show', () => {
  it('shows each setting, its value and its source, secrets masked', async () => {
    const path = await writeProfiles(`[default]\nregion = "cn-north-4"\nsecret_key = "${SK}"\n`);
    const result = await run(['config', 'show'], { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT, OS_PASSWORD: PASSWORD });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      expect.stringMatching(/^SETTING +VALUE +SOURCE$/u),
      expect.stringMatching(/^profile +default +default$/u),
      expect.stringMatching(new RegExp(`^region +cn-north-4 +profile:default \\(${path}\\)$`, 'u')),
      expect.stringMatching(/^projectId +9c53a566cb3443ab910cf0daebca90c4 +env:HUAWEICLOUD_SDK_PROJECT_ID$/u),
      expect.stringMatching(/^apiVersion +v2\.1 +default$/u),
      expect.stringMatching(/^accessKey +\*{4}WXYZ +env:HUAWEICLOUD_SDK_AK$/u),
      expect.stringMatching(new RegExp(`^secretKey +\\*{4} +profile:default \\(${path}\\)$`, 'u')),
      expect.stringMatching(/^password +\*{4} +env:OS_PASSWORD$/u),
      expect.stringMatching(/^credentials +aksk +derived$/u),
      expect.stringMatching(new RegExp(`^calls +https://ecs\\.cn-north-4\\.myhuaweicloud\\.com/v2\\.1/${PROJECT}/servers/… +region table \\(region from profile:default \\(${path}\\)\\)$`, 'u')),
      '',
    ]);
    expect(result.stdout).not.toContain(AK);
    expectNoSecrets(result);
  });

  it('prints JSON with --output json, and takes the same flags as get', async () => {
    const result = await run(['config', 'show', '--output', 'json', '--region', 'eu-de', '--domain', 'otc.t-systems.com', '--token', TOKEN]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      region: { value: 'eu-de', source: 'option' },
      domain: { value: 'otc.t-systems.com', source: 'option' },
      apiVersion: { value: 'v2.1', source: 'default' },
      token: { value: '****', source: 'option' },
      credentials: { value: 'token', source: 'derived' },
      calls: { value: 'https://ecs.eu-de.otc.t-systems.com/v2.1/{project_id of the token}/servers/…', source: 'region table (region from option)' },
    });
    expectNoSecrets(result);
  });

  it('names the cloud of OS_CLOUD and the clouds.yaml values', async () => {
    await writeFile(join(xdg, 'openstack', 'clouds.yaml'), `clouds:\n  mycloud:\n    auth:\n      auth_url: http://keystone.example/v3\n      username: sam\n      password: "${PASSWORD}"\n`, { mode: 0o600 });
    const result = await run(['config', 'show', '--output', 'json'], { OS_CLOUD: 'mycloud' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      cloud: { value: 'mycloud', source: 'env:OS_CLOUD' },
      username: { value: 'sam', source: `clouds.yaml:mycloud (${join(xdg, 'openstack', 'clouds.yaml')})` },
      password: { value: '****' },
      credentials: { value: 'password' },
    });
    expectNoSecrets(result);
  });

  it('exits 2 naming the setting for an invalid value', async () => {
    const result = await run(['config', 'show'], { ECS_METADATA_ENDPOINT: 'not a url' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Invalid endpoint (from env:ECS_METADATA_ENDPOINT)');
  });

  it('exits 2 for unknown arguments and formats', async () => {
    expect((await run(['config', 'show', 'extra'])).code).toBe(2);
    expect((await run(['config', 'show', '--output', 'xml'])).code).toBe(2);
    expect((await run(['config'])).code).toBe(2);
  });
});

describe('OpenStack users (issue 16): --os-cloud, application credentials, OS_TOKEN with OS_AUTH_URL, catalog endpoints', () => {
  const AC_SECRET = 'cli-app-cred-secret-that-must-never-show-0001';
  const cloudsPath = (): string => join(xdg, 'openstack', 'clouds.yaml');
  const acClouds = (): string =>
    [
      'clouds:',
      '  appcred:',
      '    auth_type: v3applicationcredential',
      '    auth:',
      `      auth_url: ${mock.url}/v3`,
      '      application_credential_id: ac-sam',
      `      application_credential_secret: "${AC_SECRET}"`,
      '',
    ].join('\n');
  const acUser = { username: 'sam', password: PASSWORD, domainName: 'Default', projectId: PROJECT, applicationCredentials: [{ id: 'ac-sam', name: 'ci', secret: AC_SECRET }] };

  it('--os-cloud with clouds.yaml auth_type v3applicationcredential: one login, the endpoint from the catalog', async () => {
    mock.admin.addUser(acUser);
    await writeFile(cloudsPath(), acClouds(), { mode: 0o600 });
    const result = await run(['get', SERVER, '--os-cloud', 'appcred', '--verbose']);
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(result.stderr).toContain('config: credentials applicationCredential');
    expect(logins()).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(AC_SECRET);
  });

  it.each([
    ['by id', { OS_APPLICATION_CREDENTIAL_ID: 'ac-sam' }],
    ['by name with OS_USERNAME', { OS_APPLICATION_CREDENTIAL_NAME: 'ci', OS_USERNAME: 'sam', OS_AUTH_TYPE: 'v3applicationcredential' }],
  ])('OS_APPLICATION_CREDENTIAL_* %s', async (_label, env) => {
    mock.admin.addUser(acUser);
    const result = await run(['get', SERVER], { OS_AUTH_URL: `${mock.url}/v3`, OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET, ...env });
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
  });

  it('exits 3 for a refused application credential, without its secret', async () => {
    mock.admin.addUser(acUser);
    const result = await run(['get', SERVER], { OS_AUTH_URL: `${mock.url}/v3`, OS_APPLICATION_CREDENTIAL_ID: 'ac-sam', OS_APPLICATION_CREDENTIAL_SECRET: 'wrong-app-cred-secret' });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('application credential login');
    expect(result.stderr).not.toContain('wrong-app-cred-secret');
  });

  it('OS_TOKEN with OS_AUTH_URL: the catalog and project looked up with the token, no login', async () => {
    const result = await run(['get', SERVER, '--verbose'], { OS_AUTH_URL: `${mock.url}/v3`, OS_TOKEN: TOKEN });
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(result.stderr).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/v3\/auth\/tokens → 200/u);
    expect(mock.requestLog.filter((entry) => entry.method === 'POST' && entry.path.startsWith('/v3/auth/tokens'))).toEqual([]);
    expectNoSecrets(result);
  });

  it.each([
    ['/v2.1', '/v2.1'],
    ['/v2.1/', '/v2.1/'],
    ['/v2', '/v2'],
    ['/v2.1/{project}', `/v2.1/${PROJECT}`],
  ])('--endpoint ending in %s (as a catalog shows it) is not sent with the version twice', async (_label, suffix) => {
    const result = await run(['get', SERVER, '--endpoint', `${mock.url}${suffix}`, '--project-id', PROJECT, '--token', TOKEN]);
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(mock.requestLog.at(-1)?.path).toBe(`/v2.1/${PROJECT}/servers/${SERVER}/metadata`);
  });

  it('exits 2 for an --endpoint naming another project, saying why, before any request', async () => {
    const other = '0123456789abcdef0123456789abcdef';
    const result = await run(['get', SERVER, '--endpoint', `${mock.url}/v2.1/${other}`, '--project-id', PROJECT, '--token', TOKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`names project ${other}, but the project id is ${PROJECT}`);
    expect(mock.requestLog).toEqual([]);
  });

  it('config show names the catalog entry --os-interface picks, and refuses an unknown interface', async () => {
    const env = { OS_AUTH_URL: `${mock.url}/v3`, OS_APPLICATION_CREDENTIAL_ID: 'ac-sam', OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET, OS_REGION_NAME: 'RegionOne' };
    const shown = await run(['config', 'show', '--output', 'json', '--os-interface', 'internal'], env);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      interface: { value: 'internal', source: 'option' },
      applicationCredentialSecret: { value: '****' },
      credentials: { value: 'applicationCredential' },
      calls: { value: '-', source: `catalog (compute, interface internal, region RegionOne) of the login to ${mock.url}/v3` },
    });
    expect(shown.stdout).not.toContain(AC_SECRET);
    const refused = await run(['config', 'show', '--os-interface', 'private'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--os-interface must be one of public, internal, admin; got "private"');
  });
});

describe('Huawei users (issue 16, item 6): the SDKs\' region variables', () => {
  const li = { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT };

  it('HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4 sends --region cn-north-4 to that endpoint (here the mock)', async () => {
    const result = await run(['get', SERVER, '--region', 'cn-north-4'], { ...li, HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4: mock.url });
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(mock.requestLog.at(-1)?.headers['authorization']).toMatch(/^SDK-HMAC-SHA256 /u);
    expectNoSecrets(result);
  });

  it('HUAWEICLOUD_SDK_REGION_ID names the region; config show names the variable the endpoint came from', async () => {
    const result = await run(['config', 'show', '--output', 'json'], { ...li, HUAWEICLOUD_SDK_REGION_ID: 'cn-north-4', HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4: mock.url });
    expect(JSON.parse(result.stdout)).toMatchObject({
      region: { value: 'cn-north-4', source: 'env:HUAWEICLOUD_SDK_REGION_ID' },
      endpoint: { value: mock.url, source: 'env:HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4' },
      calls: { value: `${mock.url}/v2.1/${PROJECT}/servers/…`, source: 'env:HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4' },
    });
  });
});
