import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  CONFIG_ENV_VARS,
  type ConfigFiles,
  ConfigError,
  CredentialsNotConfiguredError,
  fromEnv,
  loadConfig,
  loadConfigFiles,
  profileFilePath,
  resolveConfig,
  Secret,
} from './index.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const OTHER = '0123456789abcdef0123456789abcdef';
const SK = 'sk-secret-value-0001';
const TOKEN = 'token-secret-value-0001';
const PASSWORD = 'password-secret-value-0001';
const PROFILE_PATH = '/home/li/.config/ecs-metadata/config.toml';

function profileFile(text: string, mode = 0o100600): ConfigFiles['profileFile'] {
  return { path: PROFILE_PATH, text, mode };
}

describe('resolveConfig precedence: option > environment > clouds.yaml > profile > default', () => {
  const files: ConfigFiles = {
    profileFile: profileFile(`
[default]
endpoint = "https://profile.example"
region = "cn-north-4"
project_id = "${OTHER}"
api_version = "v2"
username = "profile-user"
`),
    cloudsFile: {
      path: '/etc/openstack/clouds.yaml',
      text: `clouds:\n  mycloud:\n    region_name: RegionOne\n    auth:\n      username: cloud-user\n      project_id: "${OTHER}"\n`,
    },
  };
  const env = { OS_CLOUD: 'mycloud', ECS_METADATA_ENDPOINT: 'https://env.example', OS_USERNAME: 'env-user' };

  // setting, options, environment, expected value, expected source
  it.each([
    ['endpoint', { endpoint: 'https://option.example' }, env, 'https://option.example', 'option'],
    ['endpoint', {}, env, 'https://env.example', 'env:ECS_METADATA_ENDPOINT'],
    ['endpoint', {}, { OS_CLOUD: 'mycloud' }, 'https://profile.example', `profile:default (${PROFILE_PATH})`],
    ['username', { username: 'option-user' }, env, 'option-user', 'option'],
    ['username', {}, env, 'env-user', 'env:OS_USERNAME'],
    ['username', {}, { OS_CLOUD: 'mycloud' }, 'cloud-user', 'clouds.yaml:mycloud (/etc/openstack/clouds.yaml)'],
    ['username', {}, {}, 'profile-user', `profile:default (${PROFILE_PATH})`],
    ['region', {}, { OS_CLOUD: 'mycloud' }, 'RegionOne', 'clouds.yaml:mycloud (/etc/openstack/clouds.yaml)'],
    ['region', {}, { ECS_METADATA_REGION: 'eu-west-0', OS_REGION_NAME: 'RegionTwo' }, 'eu-west-0', 'env:ECS_METADATA_REGION'],
    ['region', {}, { OS_REGION_NAME: 'RegionTwo' }, 'RegionTwo', 'env:OS_REGION_NAME'],
    ['region', {}, {}, 'cn-north-4', `profile:default (${PROFILE_PATH})`],
    ['projectId', {}, { ECS_METADATA_PROJECT_ID: PROJECT, HUAWEICLOUD_SDK_PROJECT_ID: OTHER }, PROJECT, 'env:ECS_METADATA_PROJECT_ID'],
    ['projectId', {}, { HUAWEICLOUD_SDK_PROJECT_ID: PROJECT, OS_PROJECT_ID: OTHER }, PROJECT, 'env:HUAWEICLOUD_SDK_PROJECT_ID'],
    ['projectId', {}, { OS_PROJECT_ID: PROJECT }, PROJECT, 'env:OS_PROJECT_ID'],
    ['apiVersion', { apiVersion: 'v2.1' }, {}, 'v2.1', 'option'],
    ['apiVersion', {}, {}, 'v2', `profile:default (${PROFILE_PATH})`],
  ] as const)('%s from %j and %j → %s (%s)', (setting, options, environment, value, source) => {
    expect(resolveConfig(options, environment, files)[setting]).toEqual({ value, source });
  });

  it('defaults apiVersion to v2.1 and leaves absent settings out', () => {
    const config = resolveConfig({}, {});
    expect(config.apiVersion).toEqual({ value: 'v2.1', source: 'default' });
    expect(config.endpoint).toBeUndefined();
    expect(config.credentials).toBeUndefined();
    expect(config.warnings).toEqual([]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('ignores empty values', () => {
    expect(resolveConfig({ endpoint: '' }, { ECS_METADATA_ENDPOINT: ' ' }).endpoint).toBeUndefined();
  });

  it('lists the variables of each setting', () => {
    expect(CONFIG_ENV_VARS.token).toEqual(['ECS_METADATA_TOKEN', 'OS_TOKEN']);
    expect(CONFIG_ENV_VARS.secretKey).toEqual(['HUAWEICLOUD_SDK_SK']);
    expect(CONFIG_ENV_VARS.authUrl).toEqual(['OS_AUTH_URL', 'HUAWEICLOUD_SDK_IAM_ENDPOINT']);
    expect(CONFIG_ENV_VARS.region).toEqual(['ECS_METADATA_REGION', 'HUAWEICLOUD_SDK_REGION_ID', 'OS_REGION_NAME']);
  });
});

describe('resolveConfig credentials', () => {
  const akskEnv = { HUAWEICLOUD_SDK_AK: 'AK1', HUAWEICLOUD_SDK_SK: SK };
  const passwordEnv = { OS_AUTH_URL: 'http://keystone:5000/v3', OS_USERNAME: 'sam', OS_PASSWORD: PASSWORD };
  const profileWithToken = { profileFile: profileFile(`[default]\ntoken = "${TOKEN}"\n`) };

  it.each([
    ['a token', { ECS_METADATA_TOKEN: TOKEN }, {}, {}, 'token'],
    ['AK/SK', akskEnv, {}, {}, 'aksk'],
    ['a password login', passwordEnv, {}, {}, 'password'],
    ['the token on a tie', { ...akskEnv, OS_TOKEN: TOKEN }, {}, {}, 'token'],
    ['AK/SK over password on a tie', { ...akskEnv, ...passwordEnv }, {}, {}, 'aksk'],
    ['environment AK/SK over a profile token', akskEnv, {}, profileWithToken, 'aksk'],
    ['flags over an environment token', { ECS_METADATA_TOKEN: TOKEN }, { accessKey: 'AK2', secretKey: SK }, {}, 'aksk'],
    ['a flag AK with the SK from the environment', { HUAWEICLOUD_SDK_SK: SK, OS_TOKEN: TOKEN }, { accessKey: 'AK2' }, {}, 'token'],
    ['a profile token', {}, {}, profileWithToken, 'token'],
    ['none when OpenStack variables are partial', { OS_AUTH_URL: 'http://keystone:5000/v3' }, {}, {}, undefined],
  ] as const)('chooses %s', (_case, env, options, files, kind) => {
    expect(resolveConfig(options, env, files).credentials).toBe(kind);
  });

  it.each([
    [{ HUAWEICLOUD_SDK_AK: 'AK1' }, 'secretKey', 'HUAWEICLOUD_SDK_SK'],
    [{ HUAWEICLOUD_SDK_SK: SK }, 'accessKey', 'HUAWEICLOUD_SDK_AK'],
    [{ OS_PASSWORD: PASSWORD, OS_USERNAME: 'sam' }, 'authUrl', 'OS_AUTH_URL'],
  ])('names the missing half of a partial credential %j', (env, setting, variable) => {
    let error: unknown;
    try {
      resolveConfig({}, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting, message: expect.stringContaining(variable) });
    expect(String((error as Error).message)).not.toContain(SK);
    expect(String((error as Error).message)).not.toContain(PASSWORD);
  });

  it('holds secrets as Secret: JSON.stringify, util.inspect and template strings show ****', () => {
    const config = resolveConfig({ secretKey: SK, accessKey: 'AK1', token: TOKEN, password: PASSWORD }, { HUAWEICLOUD_SDK_SECURITY_TOKEN: 'sec-token-value' });
    expect(config.secretKey?.value).toBeInstanceOf(Secret);
    expect(config.secretKey?.value.reveal()).toBe(SK);
    expect(config.token?.value.reveal()).toBe(TOKEN);
    const shown = `${JSON.stringify(config)} ${inspect(config, { depth: 9, showHidden: true })} ${String(config.password?.value)} ${config.token?.value}`;
    for (const secret of [SK, TOKEN, PASSWORD, 'sec-token-value']) {
      expect(shown).not.toContain(secret);
    }
    expect(shown).toContain('****');
    expect(config.accessKey?.value).toBe('AK1');
  });
});

describe('resolveConfig profiles', () => {
  const text = `
[default]
region = "cn-north-4"

[prod]
endpoint = "https://ecs.cn-north-4.myhuaweicloud.com"
project_id = "${PROJECT}"
access_key = "AKPROD"
secret_key = "${SK}"

[otc]
region = "eu-de"
domain = "otc.t-systems.com"
`;

  it('uses [default] unless --profile or ECS_METADATA_PROFILE picks another', () => {
    expect(resolveConfig({}, {}, { profileFile: profileFile(text) })).toMatchObject({
      profile: { value: 'default', source: 'default' },
      region: { value: 'cn-north-4' },
    });
    const fromEnvironment = resolveConfig({}, { ECS_METADATA_PROFILE: 'prod' }, { profileFile: profileFile(text) });
    expect(fromEnvironment.profile).toEqual({ value: 'prod', source: 'env:ECS_METADATA_PROFILE' });
    expect(fromEnvironment.credentials).toBe('aksk');
    expect(fromEnvironment.accessKey).toEqual({ value: 'AKPROD', source: `profile:prod (${PROFILE_PATH})` });
    expect(fromEnvironment.region).toBeUndefined(); // profiles do not inherit from [default]
    const fromOption = resolveConfig({ profile: 'otc' }, { ECS_METADATA_PROFILE: 'prod' }, { profileFile: profileFile(text) });
    expect(fromOption.profile).toEqual({ value: 'otc', source: 'option' });
    expect(fromOption.domain?.value).toBe('otc.t-systems.com');
  });

  it('works without a file or a [default] table when no profile is asked for', () => {
    expect(resolveConfig({}, {}, { profileFile: { path: PROFILE_PATH, text: undefined } }).profile).toBeUndefined();
    expect(resolveConfig({}, {}, { profileFile: profileFile('[prod]\nregion = "cn-north-4"\n') }).profile).toBeUndefined();
  });

  it.each([
    [{ profile: 'nope' }, {}, profileFile(text), 'No profile "nope" (from option) in /home/li/.config/ecs-metadata/config.toml; it has default, prod, otc'],
    [{}, { ECS_METADATA_PROFILE: 'nope' }, { path: PROFILE_PATH, text: undefined }, `No profile "nope" (from env:ECS_METADATA_PROFILE): ${PROFILE_PATH} does not exist`],
    [{ profile: 'x' }, {}, undefined, 'No profile "x" (from option): no profile file was given'],
  ])('refuses a missing profile %j %j naming profile', (options, env, file, message) => {
    expect(() => resolveConfig(options, env, { profileFile: file })).toThrow(expect.objectContaining({ setting: 'profile', message }));
  });

  it.each([
    ['[default]\nsecret_key = hunter2-not-quoted\n', 'is not valid TOML at line 2'],
    ['region = "cn-north-4"\n', '"region" is not a [profile] table'],
    ['[default]\nregoin = "cn-north-4"\n', 'Unknown key "regoin" in profile "default"'],
    ['[default]\nproject_id = 42\n', '"project_id" in profile "default" of /home/li/.config/ecs-metadata/config.toml must be a string'],
  ])('refuses a malformed profile file, without quoting it: %j', (content, message) => {
    let error: Error | undefined;
    try {
      resolveConfig({}, {}, { profileFile: profileFile(content) });
    } catch (caught) {
      error = caught as Error;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('hunter2');
  });

  it('warns when the profile file is readable by group or others', () => {
    const config = resolveConfig({}, {}, { profileFile: profileFile(text, 0o100644) });
    expect(config.warnings).toEqual([
      `Profile file ${PROFILE_PATH} is accessible by other users (mode 0644) and may hold secrets: run chmod 600 ${PROFILE_PATH}`,
    ]);
    expect(resolveConfig({}, {}, { profileFile: profileFile(text, 0o100600) }).warnings).toEqual([]);
  });
});

describe('resolveConfig with OS_CLOUD and clouds.yaml', () => {
  const clouds = {
    path: '/home/sam/clouds.yaml',
    text: `clouds:
  mycloud:
    region_name: RegionOne
    auth:
      auth_url: http://keystone.example:5000/v3
      username: sam
      password: "${PASSWORD}"
      project_id: "${PROJECT}"
      user_domain_name: Default
  other:
    auth: {}
`,
    mode: 0o100644,
  };

  it('reads the cloud named by OS_CLOUD: a password login with its project and region', () => {
    const config = resolveConfig({}, { OS_CLOUD: 'mycloud' }, { cloudsFile: clouds });
    expect(config.credentials).toBe('password');
    expect(config.cloud).toEqual({ value: 'mycloud', source: 'env:OS_CLOUD' });
    expect(config.authUrl).toEqual({ value: 'http://keystone.example:5000/v3', source: 'clouds.yaml:mycloud (/home/sam/clouds.yaml)' });
    expect(config.password?.value.reveal()).toBe(PASSWORD);
    expect(config.userDomainName?.value).toBe('Default');
    expect(config.projectId?.value).toBe(PROJECT);
    expect(config.region?.value).toBe('RegionOne');
    expect(config.warnings).toEqual(['/home/sam/clouds.yaml holds a password and is accessible by other users (mode 0644): run chmod 600 /home/sam/clouds.yaml']);
  });

  it('lets environment variables override the cloud', () => {
    expect(resolveConfig({}, { OS_CLOUD: 'mycloud', OS_USERNAME: 'other' }, { cloudsFile: clouds }).username?.source).toBe('env:OS_USERNAME');
  });

  it.each([
    [{ cloudsFile: clouds }, 'nope', 'No cloud "nope" (from env:OS_CLOUD) in /home/sam/clouds.yaml; it has mycloud, other'],
    [{}, 'mycloud', 'OS_CLOUD=mycloud but no clouds.yaml was found'],
    [{ cloudsFile: { path: '/x/clouds.yaml', text: `clouds: [\n  password: ${PASSWORD}` } }, 'mycloud', '/x/clouds.yaml is not valid YAML'],
  ])('refuses %j with OS_CLOUD=%s naming OS_CLOUD', (files, cloud, message) => {
    let error: Error | undefined;
    try {
      resolveConfig({}, { OS_CLOUD: cloud }, files);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error).toMatchObject({ setting: 'OS_CLOUD' });
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain(PASSWORD);
  });
});

describe('resolveConfig validation', () => {
  it.each([
    [{ endpoint: 'ftp://x' }, {}, 'endpoint', 'Invalid endpoint (from option): scheme must be https or http'],
    [{}, { ECS_METADATA_ENDPOINT: 'nope' }, 'endpoint', 'Invalid endpoint (from env:ECS_METADATA_ENDPOINT)'],
    [{}, { OS_PROJECT_ID: 'NOT HEX' }, 'projectId', 'Invalid projectId (from env:OS_PROJECT_ID)'],
    [{ apiVersion: 'v3' }, {}, 'apiVersion', 'must be v2 or v2.1'],
    [{}, { OS_AUTH_URL: 'http://keystone/v2.0' }, 'authUrl', 'Keystone v2.0 is not supported'],
    [{ region: 'cn-nort-4' }, {}, 'region', 'Unknown region "cn-nort-4"'],
    [{ region: 'eu-de', domain: 'not a domain' }, {}, 'domain', 'Invalid domain'],
    [{ token: 'a\nb' }, {}, 'token', 'must be a single line'],
  ])('refuses %j %j naming %s', (options, env, setting, message) => {
    expect(() => resolveConfig(options, env)).toThrow(expect.objectContaining({ setting, message: expect.stringContaining(message) }));
  });

  it('accepts any region with a custom domain, an explicit endpoint, or a password login (a catalog region)', () => {
    expect(resolveConfig({ region: 'eu-de', domain: 'otc.t-systems.com' }, {}).region?.value).toBe('eu-de');
    expect(resolveConfig({ region: 'RegionOne', endpoint: 'http://nova:8774' }, {}).region?.value).toBe('RegionOne');
    expect(resolveConfig({ region: 'RegionOne' }, { OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p' }).credentials).toBe('password');
  });

  it('never puts a secret value into an error', () => {
    expect(() => resolveConfig({ password: `${PASSWORD}\n` }, {})).toThrow(expect.objectContaining({ message: expect.not.stringContaining(PASSWORD) }));
  });
});

describe('loadConfigFiles and loadConfig', () => {
  let home: string;
  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'ecs-metadata-config-'));
  });
  afterAll(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('finds the profile file under $XDG_CONFIG_HOME, else ~/.config', () => {
    expect(profileFilePath({ XDG_CONFIG_HOME: '/xdg', HOME: '/home/li' })).toBe('/xdg/ecs-metadata/config.toml');
    expect(profileFilePath({ HOME: '/home/li' })).toBe('/home/li/.config/ecs-metadata/config.toml');
    expect(profileFilePath({ XDG_CONFIG_HOME: 'relative', HOME: '/home/li' })).toBe('/home/li/.config/ecs-metadata/config.toml');
  });

  it('reads the profile file with its mode, and clouds.yaml only when OS_CLOUD is set', async () => {
    const xdg = join(home, 'xdg');
    await mkdir(join(xdg, 'ecs-metadata'), { recursive: true });
    await mkdir(join(xdg, 'openstack'), { recursive: true });
    const profilePath = join(xdg, 'ecs-metadata', 'config.toml');
    await writeFile(profilePath, `[default]\nproject_id = "${PROJECT}"\n`);
    await chmod(profilePath, 0o644);
    await writeFile(join(xdg, 'openstack', 'clouds.yaml'), 'clouds:\n  c1:\n    region_name: R1\n');
    const env = { XDG_CONFIG_HOME: xdg, ECS_METADATA_ENDPOINT: 'http://nova.example:8774' }; // R1 is no Huawei Cloud region
    const files = await loadConfigFiles(env, { cwd: home });
    expect(files.profileFile).toMatchObject({ path: profilePath, text: expect.stringContaining('[default]') });
    expect((files.profileFile?.mode ?? 0) & 0o777).toBe(0o644);
    expect(files.cloudsFile).toBeUndefined();
    // Only the parser of a file that exists is imported.
    expect(files.parsers?.toml?.('a = "1"')).toEqual({ a: '1' });
    expect(files.parsers?.yaml).toBeUndefined();
    expect((await loadConfigFiles({ ...env, OS_CLOUD: 'c1' }, { cwd: home })).parsers?.yaml?.('a: 1')).toEqual({ a: 1 });
    const config = await loadConfig({}, { ...env, OS_CLOUD: 'c1' }, { cwd: home });
    expect(config.region).toEqual({ value: 'R1', source: `clouds.yaml:c1 (${join(xdg, 'openstack', 'clouds.yaml')})` });
    expect(config.projectId?.value).toBe(PROJECT);
    expect(config.warnings).toHaveLength(1);
    // ./clouds.yaml comes first.
    await writeFile(join(home, 'clouds.yaml'), 'clouds:\n  c1:\n    region_name: R2\n');
    expect((await loadConfig({}, { ...env, OS_CLOUD: 'c1' }, { cwd: home })).region?.value).toBe('R2');
    expect((await loadConfig({}, { ...env, OS_CLOUD: 'c1', OS_CLIENT_CONFIG_FILE: join(xdg, 'openstack', 'clouds.yaml') }, { cwd: home })).region?.value).toBe('R1');
  });

  it('treats a missing file as absent and an unreadable one as an error', async () => {
    const files = await loadConfigFiles({ XDG_CONFIG_HOME: join(home, 'none') });
    expect(files.profileFile).toEqual({ path: join(home, 'none', 'ecs-metadata', 'config.toml'), text: undefined });
    expect(files.parsers).toEqual({ toml: undefined, yaml: undefined });
    const dir = join(home, 'dir-xdg');
    await mkdir(join(dir, 'ecs-metadata', 'config.toml'), { recursive: true }); // a directory where the file should be
    await expect(loadConfigFiles({ XDG_CONFIG_HOME: dir })).rejects.toMatchObject({ setting: 'profile', message: expect.stringContaining('EISDIR') });
  });
});

describe('fromEnv', () => {
  it('reads the credential variables when first called', async () => {
    const signer = await fromEnv({ OS_TOKEN: TOKEN })();
    expect(await signer.sign({ method: 'GET', url: 'http://x/', headers: {}, body: undefined })).toEqual({ 'X-Auth-Token': TOKEN });
  });

  it('reports CredentialsNotConfiguredError when none is set, hinting at files it does not read', async () => {
    await expect(fromEnv({})()).rejects.toBeInstanceOf(CredentialsNotConfiguredError);
    await expect(fromEnv({ OS_CLOUD: 'mycloud' })()).rejects.toMatchObject({ setting: 'credentials', message: expect.stringContaining('loadConfig') });
  });

  it('reports an incomplete credential as a ConfigError', async () => {
    await expect(fromEnv({ HUAWEICLOUD_SDK_AK: 'AK' })()).rejects.toMatchObject({ setting: 'secretKey' });
  });

  it('defaults to process.env', async () => {
    const saved = process.env['ECS_METADATA_TOKEN'];
    process.env['ECS_METADATA_TOKEN'] = TOKEN;
    try {
      const signer = await fromEnv()();
      expect(await signer.sign({ method: 'GET', url: 'http://x/', headers: {}, body: undefined })).toEqual({ 'X-Auth-Token': TOKEN });
    } finally {
      if (saved === undefined) {
        delete process.env['ECS_METADATA_TOKEN'];
      } else {
        process.env['ECS_METADATA_TOKEN'] = saved;
      }
    }
  });
});

describe('OpenStack users: --os-cloud, application credentials, OS_AUTH_TYPE, OS_INTERFACE (issue 16)', () => {
  const AC_SECRET = 'app-cred-secret-value-0001';
  const acEnv = { OS_AUTH_URL: 'http://keystone:5000/v3', OS_APPLICATION_CREDENTIAL_ID: 'ac1', OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET };
  const clouds: ConfigFiles = {
    cloudsFile: {
      path: '/etc/openstack/clouds.yaml',
      text: [
        'clouds:',
        '  appcred:',
        '    auth_type: v3applicationcredential',
        '    interface: internal',
        '    region_name: RegionOne',
        '    auth:',
        '      auth_url: http://keystone:5000/v3',
        '      application_credential_name: ci',
        '      username: sam',
        `      application_credential_secret: ${AC_SECRET}`,
        '  other:',
        '    auth: { auth_url: "http://other:5000/v3" }',
        '',
      ].join('\n'),
    },
  };

  it('reads the cloud --os-cloud names (option cloud), before OS_CLOUD', () => {
    const config = resolveConfig({ cloud: 'appcred' }, { OS_CLOUD: 'other' }, clouds);
    expect(config.cloud).toEqual({ value: 'appcred', source: 'option' });
    expect(config.credentials).toBe('applicationCredential');
    expect(config.interface).toEqual({ value: 'internal', source: 'clouds.yaml:appcred (/etc/openstack/clouds.yaml)' });
    expect(config.authType?.value).toBe('v3applicationcredential');
    expect(config.applicationCredentialSecret?.value).toBeInstanceOf(Secret);
    expect(JSON.stringify(config)).not.toContain(AC_SECRET);
    expect(resolveConfig({}, { OS_CLOUD: 'other' }, clouds).cloud).toEqual({ value: 'other', source: 'env:OS_CLOUD' });
  });

  it('names --os-cloud in the error for a cloud that is not there', () => {
    expect(() => resolveConfig({ cloud: 'nope' }, {}, clouds)).toThrow('No cloud "nope" (from option) in /etc/openstack/clouds.yaml; it has appcred, other');
  });

  it.each([
    ['an application credential by id', acEnv, 'applicationCredential'],
    ['one by name and user', { ...acEnv, OS_APPLICATION_CREDENTIAL_ID: undefined, OS_APPLICATION_CREDENTIAL_NAME: 'ci', OS_USERNAME: 'sam' }, 'applicationCredential'],
    ['a password on a tie with one', { ...acEnv, OS_USERNAME: 'sam', OS_PASSWORD: PASSWORD }, 'password'],
    ['OS_AUTH_TYPE over the tie', { ...acEnv, OS_USERNAME: 'sam', OS_PASSWORD: PASSWORD, OS_AUTH_TYPE: 'v3applicationcredential' }, 'applicationCredential'],
    ['OS_AUTH_TYPE=token with a token', { ...acEnv, OS_TOKEN: TOKEN, OS_AUTH_TYPE: 'v3token' }, 'token'],
  ])('chooses %s', (_label, env, kind) => {
    expect(resolveConfig({}, env).credentials).toBe(kind);
  });

  it.each([
    ['a secret without id or name', { OS_AUTH_URL: 'http://keystone:5000/v3', OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET }, 'applicationCredentialId'],
    ['a name without its user', { ...acEnv, OS_APPLICATION_CREDENTIAL_ID: undefined, OS_APPLICATION_CREDENTIAL_NAME: 'ci' }, 'username'],
    ['an id without its secret', { OS_AUTH_URL: 'http://keystone:5000/v3', OS_APPLICATION_CREDENTIAL_ID: 'ac1' }, 'applicationCredentialSecret'],
    ['OS_AUTH_TYPE=v3applicationcredential with a password only', { OS_AUTH_TYPE: 'v3applicationcredential', OS_AUTH_URL: 'http://k/v3', OS_USERNAME: 'sam', OS_PASSWORD: PASSWORD }, 'applicationCredentialSecret'],
  ])('names what is missing for %s', (_label, env, setting) => {
    expect(() => resolveConfig({}, env)).toThrow(expect.objectContaining({ setting }));
    try {
      resolveConfig({}, env);
    } catch (error) {
      expect(String(error)).not.toContain(AC_SECRET);
      expect(String(error)).not.toContain(PASSWORD);
    }
  });

  it.each([
    ['interface', { OS_INTERFACE: 'private' }, 'Invalid interface (from env:OS_INTERFACE): must be public, internal, admin, got "private"'],
    ['authType', { OS_AUTH_TYPE: 'v3oidcpassword' }, 'Invalid authType (from env:OS_AUTH_TYPE): must be one of password, v3password, v3applicationcredential, token, v3token, got "v3oidcpassword"'],
  ])('refuses an unknown %s, naming the variable', (setting, env, message) => {
    expect(() => resolveConfig({}, env)).toThrow(new ConfigError(setting, message));
  });
});

describe('Huawei users: the SDKs\' region variables (issue 16, item 6)', () => {
  const aksk = { HUAWEICLOUD_SDK_AK: 'AK1', HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT };

  it('takes HUAWEICLOUD_SDK_REGION_ECS_{REGION} as the endpoint of that region, naming the variable as its source', () => {
    const config = resolveConfig({ region: 'cn-north-4' }, { ...aksk, HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4: 'http://127.0.0.1:8774' });
    expect(config.endpoint).toEqual({ value: 'http://127.0.0.1:8774', source: 'env:HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4' });
  });

  it('takes the region from HUAWEICLOUD_SDK_REGION_ID, after ECS_METADATA_REGION', () => {
    expect(resolveConfig({}, { ...aksk, HUAWEICLOUD_SDK_REGION_ID: 'cn-north-4', OS_REGION_NAME: 'RegionOne' }).region).toEqual({ value: 'cn-north-4', source: 'env:HUAWEICLOUD_SDK_REGION_ID' });
    const both = resolveConfig({}, { ...aksk, ECS_METADATA_REGION: 'eu-west-101', HUAWEICLOUD_SDK_REGION_ID: 'cn-north-4', HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4: 'http://127.0.0.1:1' });
    expect(both.region?.value).toBe('eu-west-101');
    expect(both.endpoint).toBeUndefined(); // the variable of another region does not apply
  });

  it('lets an endpoint setting win over the region variable', () => {
    const env = { ...aksk, ECS_METADATA_ENDPOINT: 'https://ecs.example', HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4: 'http://127.0.0.1:8774' };
    expect(resolveConfig({ region: 'cn-north-4' }, env).endpoint).toEqual({ value: 'https://ecs.example', source: 'env:ECS_METADATA_ENDPOINT' });
  });

  it('accepts a region outside the built-in table when its variable gives the endpoint', () => {
    const config = resolveConfig({ region: 'my-private-1' }, { ...aksk, HUAWEICLOUD_SDK_REGION_ECS_MY_PRIVATE_1: 'https://ecs.private.example' });
    expect(config.endpoint?.value).toBe('https://ecs.private.example');
  });

  it('reads HUAWEICLOUD_SDK_IAM_ENDPOINT and HUAWEICLOUD_SDK_DOMAIN_ID after the OpenStack variables', () => {
    const config = resolveConfig({}, { HUAWEICLOUD_SDK_IAM_ENDPOINT: 'https://iam.cn-north-4.myhuaweicloud.com/v3', HUAWEICLOUD_SDK_DOMAIN_ID: 'd0' });
    expect(config.authUrl).toEqual({ value: 'https://iam.cn-north-4.myhuaweicloud.com/v3', source: 'env:HUAWEICLOUD_SDK_IAM_ENDPOINT' });
    expect(config.userDomainId).toEqual({ value: 'd0', source: 'env:HUAWEICLOUD_SDK_DOMAIN_ID' });
  });
});
