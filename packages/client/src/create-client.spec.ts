import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN, type Fixture } from '@ecs-metadata/mock-provider';
import { inspect } from 'node:util';
import {
  ConfigError,
  type ConfigFiles,
  createClientFromConfig,
  CredentialsNotConfiguredError,
  EcsMetadataClient,
  fromEnv,
  type LoginEvent,
  resolveConfig,
  tokenAuth,
} from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const AK = 'AKCONFIGTEST00000001';
const SK = 'sk-config-test-secret-000000000000000001';
const PASSWORD = 'config-test-password-0001';
const AC_SECRET = 'config-test-app-cred-secret-0001';

const FIXTURE: Fixture = {
  ...DEFAULT_FIXTURE,
  accessKeys: [{ accessKey: AK, secretKey: SK, projectId: PROJECT }],
  users: [{ username: 'sam', password: PASSWORD, projectId: PROJECT, applicationCredentials: [{ id: 'ac-sam', name: 'ci', secret: AC_SECRET }] }],
};
const harness = useMockProvider(FIXTURE);

describe('createClientFromConfig against the mock, with each kind of credential', () => {
  it('token', async () => {
    const config = resolveConfig(
      {},
      { ECS_METADATA_ENDPOINT: harness.mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: DEMO_TOKEN },
    );
    const client = harness.track(await createClientFromConfig(config));
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(harness.apiRequests().at(-1)?.headers['x-auth-token']).toBe(DEMO_TOKEN);
  });

  it('AK/SK (HUAWEICLOUD_SDK_*)', async () => {
    const config = resolveConfig(
      { endpoint: harness.mock.url },
      { HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT },
    );
    const client = harness.track(await createClientFromConfig(config));
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(harness.apiRequests().at(-1)?.headers['authorization']).toMatch(new RegExp(`^SDK-HMAC-SHA256 Access=${AK}, `, 'u'));
  });

  it('IAM / Keystone password (OS_*): endpoint from the catalog, the login reported', async () => {
    const events: LoginEvent[] = [];
    const config = resolveConfig({}, { OS_AUTH_URL: `${harness.mock.url}/v3`, OS_USERNAME: 'sam', OS_PASSWORD: PASSWORD, OS_PROJECT_ID: PROJECT, OS_USER_DOMAIN_NAME: 'Default' });
    const client = harness.track(await createClientFromConfig(config, { onLogin: (event) => events.push(event) }));
    expect(client.endpoint).toBe(harness.mock.url);
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(events.map((event) => event.status)).toEqual([201]);
  });

  it.each([
    ['by id', { OS_APPLICATION_CREDENTIAL_ID: 'ac-sam' }],
    ['by name and user', { OS_APPLICATION_CREDENTIAL_NAME: 'ci', OS_USERNAME: 'sam' }],
  ])('a Keystone application credential %s: endpoint and project from the token, the secret nowhere', async (_label, env) => {
    const events: LoginEvent[] = [];
    const config = resolveConfig({}, { OS_AUTH_URL: `${harness.mock.url}/v3`, OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET, ...env });
    expect(config.credentials).toBe('applicationCredential');
    const client = harness.track(await createClientFromConfig(config, { onLogin: (event) => events.push(event) }));
    expect({ endpoint: client.endpoint, projectId: client.projectId }).toEqual({ endpoint: harness.mock.url, projectId: PROJECT });
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(events.map((event) => `${event.method} ${event.status}`)).toEqual(['POST 201']);
    expect(inspect(client, { depth: 10 })).not.toContain(AC_SECRET);
  });

  it.each([
    ['internal', 'http://nova-internal.invalid:8774'],
    ['public', undefined],
  ])('OS_INTERFACE=%s picks that catalog entry', async (wanted, endpoint) => {
    const config = resolveConfig({}, { OS_AUTH_URL: `${harness.mock.url}/v3`, OS_APPLICATION_CREDENTIAL_ID: 'ac-sam', OS_APPLICATION_CREDENTIAL_SECRET: AC_SECRET, OS_INTERFACE: wanted });
    const client = harness.track(await createClientFromConfig(config));
    expect(client.endpoint).toBe(endpoint ?? harness.mock.url);
  });

  it('a refused application credential: an AuthenticationError naming the login, without the secret', async () => {
    const config = resolveConfig({}, { OS_AUTH_URL: `${harness.mock.url}/v3`, OS_APPLICATION_CREDENTIAL_ID: 'ac-sam', OS_APPLICATION_CREDENTIAL_SECRET: 'wrong-secret-0001' });
    const error = await rejection(createClientFromConfig(config));
    expect(error).toMatchObject({ name: 'AuthenticationError', status: 401 });
    expect(String(error)).toContain('application credential login (POST');
    expect(String(error)).not.toContain('wrong-secret-0001');
  });

  it('OS_TOKEN with OS_AUTH_URL: the token\'s catalog and project looked up, the token itself sent', async () => {
    const events: LoginEvent[] = [];
    const config = resolveConfig({}, { OS_AUTH_URL: `${harness.mock.url}/v3`, OS_TOKEN: DEMO_TOKEN });
    const client = harness.track(await createClientFromConfig(config, { onLogin: (event) => events.push(event) }));
    expect({ endpoint: client.endpoint, projectId: client.projectId }).toEqual({
      endpoint: harness.mock.url,
      projectId: DEFAULT_FIXTURE.tokens?.[0]?.projectId,
    });
    expect(events.map((event) => `${event.method} ${event.status}`)).toEqual(['GET 200']);
    await client.getServerMetadata(SERVER).catch(() => undefined);
    expect(harness.apiRequests().at(-1)?.headers['x-auth-token']).toBe(DEMO_TOKEN);
  });

  it('OS_TOKEN with OS_AUTH_URL and an endpoint and project: no lookup at all', async () => {
    const events: LoginEvent[] = [];
    const config = resolveConfig({}, { OS_AUTH_URL: `${harness.mock.url}/v3`, OS_TOKEN: DEMO_TOKEN, ECS_METADATA_ENDPOINT: `${harness.mock.url}/v2.1`, OS_PROJECT_ID: PROJECT });
    const client = harness.track(await createClientFromConfig(config, { onLogin: (event) => events.push(event) }));
    expect(client.endpoint).toBe(harness.mock.url); // the /v2.1 a catalog shows is not sent twice
    expect(events).toEqual([]);
  });

  it('a password login scoped by project name, the project id from the token', async () => {
    const config = resolveConfig({}, { OS_AUTH_URL: harness.mock.url, OS_USERNAME: 'sam', OS_PASSWORD: PASSWORD, OS_PROJECT_NAME: 'RegionOne' });
    const client = harness.track(await createClientFromConfig(config));
    expect(client.projectId).toBe(PROJECT);
  });

  it('a profile', async () => {
    const files: ConfigFiles = {
      profileFile: {
        path: '/home/li/.config/ecs-metadata/config.toml',
        mode: 0o100600,
        text: `[mock]\nendpoint = "${harness.mock.url}"\nproject_id = "${PROJECT}"\naccess_key = "${AK}"\nsecret_key = "${SK}"\napi_version = "v2"\n`,
      },
    };
    const client = harness.track(await createClientFromConfig(resolveConfig({ profile: 'mock' }, {}, files)));
    await expect(client.getServerMetadata(SERVER)).resolves.toEqual({ wj: 'True' });
    expect(harness.apiRequests().at(-1)?.path).toBe(`/v2/${PROJECT}/servers/${SERVER}/metadata`);
  });

  it('keeps the secrets out of the client', async () => {
    const config = resolveConfig({ endpoint: harness.mock.url, projectId: PROJECT, accessKey: AK, secretKey: SK }, {});
    const client = harness.track(await createClientFromConfig(config));
    expect(`${JSON.stringify(client)} ${inspect(client, { depth: 9, showHidden: true })}`).not.toContain(SK);
  });
});

describe('createClientFromConfig names what is missing, before any I/O', () => {
  it.each([
    [{}, { ECS_METADATA_ENDPOINT: 'http://127.0.0.1:1', ECS_METADATA_PROJECT_ID: PROJECT }, 'credentials', 'ECS_METADATA_TOKEN'],
    [{}, { ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: 't' }, 'endpoint', 'ECS_METADATA_ENDPOINT'],
    [{}, { ECS_METADATA_ENDPOINT: 'http://127.0.0.1:1', ECS_METADATA_TOKEN: 't' }, 'projectId', 'ECS_METADATA_PROJECT_ID'],
    [{}, { OS_AUTH_URL: 'http://127.0.0.1:1/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p' }, 'projectId', 'OS_PROJECT_NAME'],
  ])('%j %j → %s', async (options, env, setting, named) => {
    const error = await rejection(createClientFromConfig(resolveConfig(options, env)));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ setting, message: expect.stringContaining(named) });
    expect(harness.apiRequests()).toHaveLength(0);
  });

  it('reports no credentials as CredentialsNotConfiguredError', async () => {
    await expect(createClientFromConfig(resolveConfig({ endpoint: 'http://127.0.0.1:1', projectId: PROJECT }, {}))).rejects.toBeInstanceOf(CredentialsNotConfiguredError);
  });
});

describe('EcsMetadataClient with a region (spec §10)', () => {
  it('resolves the endpoint of a Huawei Cloud region, or of another domain', () => {
    expect(new EcsMetadataClient({ region: 'cn-north-4', projectId: PROJECT, auth: tokenAuth('t') }).endpoint).toBe('https://ecs.cn-north-4.myhuaweicloud.com');
    expect(new EcsMetadataClient({ region: 'eu-de', domain: 'otc.t-systems.com', projectId: PROJECT, auth: tokenAuth('t') }).endpoint).toBe(
      'https://ecs.eu-de.otc.t-systems.com',
    );
    expect(new EcsMetadataClient({ endpoint: 'http://127.0.0.1:1', region: 'cn-north-4', projectId: PROJECT, auth: tokenAuth('t') }).endpoint).toBe(
      'http://127.0.0.1:1',
    );
  });

  it('refuses an unknown region (suggesting an endpoint) and a missing endpoint', () => {
    expect(() => new EcsMetadataClient({ region: 'xx-nowhere-1', projectId: PROJECT, auth: tokenAuth('t') })).toThrow(
      expect.objectContaining({ setting: 'region', message: expect.stringContaining('--endpoint') }),
    );
    expect(() => new EcsMetadataClient({ projectId: PROJECT, auth: tokenAuth('t') })).toThrow(expect.objectContaining({ setting: 'endpoint' }));
  });

  it("works as in Priya's journey: region, project id and fromEnv()", async () => {
    const client = new EcsMetadataClient({ region: 'cn-north-4', projectId: PROJECT, auth: fromEnv({ HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK }) });
    expect(client.endpoint).toBe('https://ecs.cn-north-4.myhuaweicloud.com');
    client.close();
  });
});
