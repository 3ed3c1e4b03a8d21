import { describe, expect, it } from '@jest/globals';
import { MatchersV3 } from '@pact-foundation/pact';
import { EcsMetadataClient, NotFoundError, tokenAuth } from '@ecs-metadata/client';
import { EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { createPact, EXAMPLE_TOKEN, JSON_CONTENT_TYPE, NATIVE_PROVIDER, nativeMetadataItemPath, nativeMetadataPath } from './pact-setup.js';

const projectId = EXAMPLE_PROJECT_ID;
const serverId = EXAMPLE_SERVER_ID;
const unknownServerId = '00000000-0000-4000-8000-000000000000';
const metadata = { ...EXAMPLE_METADATA };

/** The real client (no retries), pointed at Pact's mock server; the native calls ignore the Nova prefix. */
async function withClient<T>(url: string, use: (client: EcsMetadataClient) => Promise<T>): Promise<T> {
  const client = new EcsMetadataClient({ endpoint: url, projectId, auth: tokenAuth(EXAMPLE_TOKEN), retry: false });
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

const readHeaders = { 'X-Auth-Token': MatchersV3.string(EXAMPLE_TOKEN), Accept: 'application/json' };
const writeHeaders = { ...readHeaders, 'Content-Type': 'application/json' };

describe('ecs-metadata-client → ecs-native-metadata-api (spec §3.7, §3.8)', () => {
  it('merges through the ECS native API', async () => {
    await createPact(NATIVE_PROVIDER)
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata })
      .uponReceiving('a request to merge metadata through the ECS native API')
      .withRequest('POST', nativeMetadataPath(projectId, serverId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(200, (builder) => {
        // Only the pair sent is relied on: whether Huawei answers the complete map is not documented.
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ metadata: { owner: MatchersV3.string('li') } });
      })
      .executeTest(async (mockServer) => {
        const answered = await withClient(mockServer.url, (client) => client.updateServerMetadataV1(serverId, { owner: 'li' }));
        expect(answered).toMatchObject({ owner: 'li' });
      });
  });

  it('deletes one item through the ECS native API', async () => {
    await createPact(NATIVE_PROVIDER)
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata, key: 'wj' })
      .uponReceiving('a request to delete one metadata item through the ECS native API')
      .withRequest('DELETE', nativeMetadataItemPath(projectId, serverId, 'wj'), (builder) => {
        builder.headers(readHeaders);
      })
      .willRespondWith(204)
      .executeTest(async (mockServer) => {
        await expect(withClient(mockServer.url, (client) => client.deleteServerMetadataItemV1(serverId, 'wj'))).resolves.toBeUndefined();
      });
  });

  it('gets NotFoundError with a Huawei error code for an unknown server', async () => {
    await createPact(NATIVE_PROVIDER)
      .addInteraction()
      .given('no server exists', { projectId, serverId: unknownServerId })
      .uponReceiving('a request to merge metadata into an unknown server through the ECS native API')
      .withRequest('POST', nativeMetadataPath(projectId, unknownServerId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(404, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({
          error: { code: MatchersV3.regex(/^Ecs\.\d{4}$/u, 'Ecs.0114'), message: MatchersV3.string('The ECS does not exist.') },
        });
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(mockServer.url, (client) => client.updateServerMetadataV1(unknownServerId, { owner: 'li' })).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as NotFoundError).code).toMatch(/^Ecs\.\d{4}$/u);
      });
  });
});
