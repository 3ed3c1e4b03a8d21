import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, runBin } from './test-support/run-bin.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const TOKEN = 'cli-names-token-0001';
const WEB_1 = '7c1e0000-0000-4000-8000-000000000001';
const WEB_2 = '7c1e0000-0000-4000-8000-000000000002';
const DB = '7c1e0000-0000-4000-8000-000000000003';

let mock: MockProvider;
beforeAll(async () => {
  const { DEFAULT_FIXTURE, startMockProvider } = await import('@ecs-metadata/mock-provider');
  mock = await startMockProvider({
    port: 0,
    fixture: {
      ...DEFAULT_FIXTURE,
      tokens: [{ token: TOKEN, projectId: PROJECT }],
      servers: [
        { projectId: PROJECT, serverId: WEB_1, name: 'web', metadata: { n: '1' } },
        { projectId: PROJECT, serverId: WEB_2, name: 'web', metadata: { n: '2' } },
        { projectId: PROJECT, serverId: DB, name: 'db-primary', metadata: { role: 'db' } },
      ],
    },
  });
});
afterEach(() => mock.admin.reset());
afterAll(async () => {
  await mock.close();
});

const run = (args: readonly string[]): Promise<BinRun> =>
  runBin(args, { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: TOKEN });
const calls = (): string[] => mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin')).map((entry) => `${entry.method} ${entry.path}`);

describe('a server given by name, as openstack server show finds it (issue 16)', () => {
  it('get NAME: tried as the id first (404), then looked up by exact name; --verbose says which', async () => {
    const result = await run(['get', 'db-primary', '--verbose']);
    expect(result).toMatchObject({ code: 0, stdout: '{"role":"db"}\n' });
    expect(result.stderr).toContain(`server "db-primary" is ${DB}`);
    expect(calls()).toEqual([
      `GET /v2.1/${PROJECT}/servers/db-primary/metadata`,
      `GET /v2.1/${PROJECT}/servers?name=${encodeURIComponent('^db-primary$')}`,
      `GET /v2.1/${PROJECT}/servers/${DB}/metadata`,
    ]);
  });

  it('get --key on a named server: a missing key is the item\'s 404, not a name lookup', async () => {
    const result = await run(['get', DB, '--key', 'nope']);
    expect(result.code).toBe(4);
    expect(calls()).toEqual([`GET /v2.1/${PROJECT}/servers/${DB}/metadata/nope`]);
  });

  it('set and unset NAME write to the server of that name', async () => {
    expect(await run(['set', 'db-primary', 'owner=sam'])).toMatchObject({ code: 0 });
    expect(mock.admin.getServer(PROJECT, DB)?.metadata).toEqual({ role: 'db', owner: 'sam' });
    expect(await run(['unset', 'db-primary', 'owner'])).toMatchObject({ code: 0, stdout: 'deleted owner\n' });
    expect(mock.admin.getServer(PROJECT, DB)?.metadata).toEqual({ role: 'db' });
  });

  it('exits 2 for a name several servers have, listing their ids, and writes nothing', async () => {
    const result = await run(['set', 'web', 'owner=sam']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('2 servers are named "web"');
    expect(result.stderr).toContain(WEB_1);
    expect(result.stderr).toContain(WEB_2);
    expect([mock.admin.getServer(PROJECT, WEB_1)?.metadata, mock.admin.getServer(PROJECT, WEB_2)?.metadata]).toEqual([{ n: '1' }, { n: '2' }]);
  });

  it('exits 4 for no server of that id or name, with the server\'s own 404', async () => {
    const result = await run(['get', 'no-such-server']);
    expect(result.code).toBe(4);
    expect(calls()).toEqual([`GET /v2.1/${PROJECT}/servers/no-such-server/metadata`, `GET /v2.1/${PROJECT}/servers?name=${encodeURIComponent('^no-such-server$')}`]);
  });

  it('takes a UUID as the id, with no lookup', async () => {
    expect(await run(['get', WEB_1])).toMatchObject({ code: 0, stdout: '{"n":"1"}\n' });
    expect(calls()).toEqual([`GET /v2.1/${PROJECT}/servers/${WEB_1}/metadata`]);
  });
});
