// A user's ESM script: start the mock provider, read and write metadata with the client, and
// check a typed error. Run from a fresh project that installed the packages from a registry.
import assert from 'node:assert/strict';
import { EcsMetadataClient, NotFoundError, tokenAuth } from '@ecs-metadata/client';
import { DEFAULT_FIXTURE, DEMO_TOKEN, startMockProvider } from '@ecs-metadata/mock-provider';

const projectId = '9c53a566cb3443ab910cf0daebca90c4';
const serverId = '998af54b-5762-4041-abc1-f98a2c27b3a2';

const mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
const client = new EcsMetadataClient({ endpoint: mock.url, projectId, auth: tokenAuth(DEMO_TOKEN) });
try {
  assert.deepEqual(await client.getServerMetadata(serverId), { wj: 'True' });
  assert.deepEqual(await client.updateServerMetadata(serverId, { owner: 'priya' }), { wj: 'True', owner: 'priya' });
  await assert.rejects(client.getServerMetadata('00000000-0000-0000-0000-000000000000'), (error) => {
    assert.ok(error instanceof NotFoundError, `expected a NotFoundError, got ${error}`);
    assert.equal(error.status, 404);
    return true;
  });
  console.log(`esm ok: ${JSON.stringify(await client.getServerMetadata(serverId))}`);
} finally {
  client.close();
  await mock.close();
}
