import { ConfigError, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FIXTURE, DEMO_TOKEN, type Fixture, fixtureSchema, loadFixture, startMockProvider } from './index.js';
import { metadataPath } from './test-support/http.js';

const PROJECT_ID = '0123456789abcdef0123456789abcdef';
const FIXTURE: Fixture = {
  tokens: [{ token: 'fixture-token', projectId: PROJECT_ID }],
  servers: [{ projectId: PROJECT_ID, serverId: 'srv-1', metadata: { role: 'db' }, vmState: 'stopped', locked: true }],
  faults: [{ status: 503 }],
};

describe('fixtures', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mock-provider-fixture-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fixtureFile(name: string, text: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  }

  it('has the documentation example as its default', () => {
    expect(DEMO_TOKEN).toBe('demo-token');
    expect(DEFAULT_FIXTURE).toEqual({
      tokens: [{ token: 'demo-token', projectId: EXAMPLE_PROJECT_ID }],
      accessKeys: [{ accessKey: 'DEMOACCESSKEY0000000', secretKey: 'demo-secret-key-0000000000000000000000000', projectId: EXAMPLE_PROJECT_ID }],
      users: [{ username: 'demo', password: 'demo-password', projectId: EXAMPLE_PROJECT_ID }],
      servers: [{ projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { wj: 'True' } }],
    });
    expect(fixtureSchema.safeParse(DEFAULT_FIXTURE).success).toBe(true);
    expect(Object.isFrozen(DEFAULT_FIXTURE.servers[0]?.metadata)).toBe(true);
  });

  it('loads a valid file', async () => {
    const path = await fixtureFile('valid.json', JSON.stringify(FIXTURE));
    await expect(loadFixture(path)).resolves.toEqual(FIXTURE);
  });

  it('names the file when it is not JSON', async () => {
    const path = await fixtureFile('broken.json', '{"tokens": [');
    const attempt = loadFixture(path);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toMatchObject({ setting: 'fixture', message: expect.stringContaining(`Fixture file ${path} is not valid JSON`) });
  });

  it('names the file and the JSON path of a schema failure', async () => {
    const bad = { ...FIXTURE, servers: [{ ...FIXTURE.servers[0], metadata: { role: 7 } }] };
    const path = await fixtureFile('invalid.json', JSON.stringify(bad));
    await expect(loadFixture(path)).rejects.toMatchObject({
      name: 'ConfigError',
      setting: 'fixture',
      message: `Invalid fixture file ${path} at $.servers[0].metadata.role: Invalid input: expected string, received number`,
    });
  });

  it('names the file when it cannot be read', async () => {
    const path = join(dir, 'missing.json');
    await expect(loadFixture(path)).rejects.toMatchObject({ setting: 'fixture', message: expect.stringContaining(`Cannot read fixture file ${path}`) });
  });

  it('starts a mock from a fixture and resets back to it, queued faults included', async () => {
    const mock = await startMockProvider({ fixture: FIXTURE });
    try {
      const get = (): Promise<Response> =>
        fetch(`${mock.url}${metadataPath({ projectId: PROJECT_ID, serverId: 'srv-1' })}`, { headers: { 'X-Auth-Token': 'fixture-token' } });
      expect((await get()).status).toBe(503);
      expect(await (await get()).json()).toEqual({ metadata: { role: 'db' } });
      expect(mock.admin.getServer(PROJECT_ID, 'srv-1')).toMatchObject({ vmState: 'stopped', locked: true });
      expect((await fetch(`${mock.url}${metadataPath()}`, { headers: { 'X-Auth-Token': DEMO_TOKEN } })).status).toBe(401);
      mock.admin.reset();
      expect((await get()).status).toBe(503);
    } finally {
      await mock.close();
    }
  });

  it('refuses an invalid fixture given in code', async () => {
    const fixture = { tokens: [{ token: 't', projectId: 'NOT HEX' }], servers: [] };
    await expect(startMockProvider({ fixture })).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringMatching(/^Invalid fixture at \$\.tokens\[0\]\.projectId: /u),
    });
  });
});
