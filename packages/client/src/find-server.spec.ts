import { describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN, type Fixture } from '@ecs-metadata/mock-provider';
import { EcsMetadataClient, NotFoundError, tokenAuth, ValidationError } from './index.js';
import { rejection, useMockProvider } from './test-support/mock-harness.js';

const PROJECT = DEFAULT_FIXTURE.tokens[0]?.projectId ?? '';
const WEB_1 = '7c1e0000-0000-4000-8000-000000000001';
const WEB_2 = '7c1e0000-0000-4000-8000-000000000002';
const DB = '7c1e0000-0000-4000-8000-000000000003';
const PLAIN_ID = 'not-a-uuid-id';

const FIXTURE: Fixture = {
  ...DEFAULT_FIXTURE,
  servers: [
    ...DEFAULT_FIXTURE.servers,
    { projectId: PROJECT, serverId: WEB_1, name: 'web', metadata: {} },
    { projectId: PROJECT, serverId: WEB_2, name: 'web', metadata: {} },
    { projectId: PROJECT, serverId: DB, name: 'db.1', metadata: {} },
    { projectId: PROJECT, serverId: PLAIN_ID, name: 'plain', metadata: {} },
  ],
};
const harness = useMockProvider(FIXTURE);
const client = (): EcsMetadataClient =>
  harness.track(new EcsMetadataClient({ endpoint: harness.mock.url, projectId: PROJECT, auth: tokenAuth(DEMO_TOKEN) }));

describe('findServerId: a server by id or name, as openstack server show finds it', () => {
  it('takes a UUID as the id without any request', async () => {
    await expect(client().findServerId(WEB_1)).resolves.toBe(WEB_1);
    expect(harness.apiRequests()).toEqual([]);
  });

  it('finds an id that is not a UUID with GET /servers/{id}', async () => {
    await expect(client().findServerId(PLAIN_ID)).resolves.toBe(PLAIN_ID);
    expect(harness.apiRequests().map((entry) => `${entry.method} ${entry.path}`)).toEqual([`GET /v2.1/${PROJECT}/servers/${PLAIN_ID}`]);
  });

  it('finds an exact name, after the id lookup answered 404; "db.1" is not a regular expression', async () => {
    await expect(client().findServerId('db.1')).resolves.toBe(DB);
    expect(harness.apiRequests().map((entry) => entry.method)).toEqual(['GET', 'GET']);
    await expect(rejection(client().findServerId('db-1'))).resolves.toBeInstanceOf(NotFoundError);
  });

  it('refuses a name several servers have, listing their ids', async () => {
    const error = await rejection(client().findServerId('web'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'server' });
    expect(String(error)).toContain(WEB_1);
    expect(String(error)).toContain(WEB_2);
  });

  it('answers NotFoundError for no such id or name, and looks a name with a slash up by name only', async () => {
    const error = await rejection(client().findServerId('no such server'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(String(error)).toContain('No server with the id or name "no such server"');
    const before = harness.apiRequests().length;
    await expect(rejection(client().findServerId('web/1'))).resolves.toBeInstanceOf(NotFoundError);
    expect(harness.apiRequests().slice(before).map((entry) => entry.path)).toEqual([`/v2.1/${PROJECT}/servers?name=${encodeURIComponent('^web/1$')}`]);
  });
});
