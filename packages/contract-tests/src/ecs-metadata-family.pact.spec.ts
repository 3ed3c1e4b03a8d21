import { describe, expect, it } from '@jest/globals';
import { MatchersV3 } from '@pact-foundation/pact';
import { ConflictError, EcsMetadataClient, MetadataLimitExceededError, NotFoundError, tokenAuth } from '@ecs-metadata/client';
import { EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { createPact, EXAMPLE_TOKEN, JSON_CONTENT_TYPE, metadataItemPath, metadataMap, metadataPath } from './pact-setup.js';

const projectId = EXAMPLE_PROJECT_ID;
const serverId = EXAMPLE_SERVER_ID;
const metadata = { ...EXAMPLE_METADATA };

/** The real client (no retries), pointed at Pact's mock server. */
async function withClient<T>(url: string, use: (client: EcsMetadataClient) => Promise<T>): Promise<T> {
  const client = new EcsMetadataClient({ endpoint: url, projectId, apiVersion: 'v2.1', auth: tokenAuth(EXAMPLE_TOKEN), retry: false });
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

const readHeaders = { 'X-Auth-Token': MatchersV3.string(EXAMPLE_TOKEN), Accept: 'application/json' };
const writeHeaders = { ...readHeaders, 'Content-Type': 'application/json' };
const fault = (name: string, code: number, message: string): Record<string, unknown> => ({
  [name]: { code: MatchersV3.integer(code), message: MatchersV3.string(message) },
});

describe('ecs-metadata-client → ecs-metadata-api: one item (spec §3.2)', () => {
  it('reads the value of one key', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata, key: 'wj' })
      .uponReceiving('a request to read one metadata item (v2.1)')
      .withRequest('GET', metadataItemPath('v2.1', projectId, serverId, 'wj'), (builder) => {
        builder.headers(readHeaders);
      })
      .willRespondWith(200, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ meta: { wj: MatchersV3.string('True') } });
      })
      .executeTest(async (mockServer) => {
        await expect(withClient(mockServer.url, (client) => client.getServerMetadataItem(serverId, 'wj'))).resolves.toBe('True');
      });
  });

  it('gets NotFoundError for a key the server does not have', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata, key: 'missing-key' })
      .uponReceiving('a request to read a missing metadata item (v2.1)')
      .withRequest('GET', metadataItemPath('v2.1', projectId, serverId, 'missing-key'), (builder) => {
        builder.headers(readHeaders);
      })
      .willRespondWith(404, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(fault('itemNotFound', 404, 'Metadata item was not found'));
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(mockServer.url, (client) => client.getServerMetadataItem(serverId, 'missing-key')).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as NotFoundError).code).toBe('itemNotFound');
      });
  });
});

describe('ecs-metadata-client → ecs-metadata-api: writes (spec §3.3-§3.6)', () => {
  it('merges and gets the complete map back, the other keys kept', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata })
      .uponReceiving('a request to merge metadata (v2.1)')
      .withRequest('POST', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(200, (builder) => {
        // The complete map (spec §3.3): the key sent and the key the server already had.
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ metadata: { owner: MatchersV3.string('li'), wj: MatchersV3.string('True') } });
      })
      .executeTest(async (mockServer) => {
        await expect(withClient(mockServer.url, (client) => client.updateServerMetadata(serverId, { owner: 'li' }))).resolves.toEqual({ owner: 'li', wj: 'True' });
      });
  });

  it('replaces the whole map', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata })
      .uponReceiving('a request to replace metadata (v2.1)')
      .withRequest('PUT', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(200, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ metadata: metadataMap({ owner: 'li' }) });
      })
      .executeTest(async (mockServer) => {
        await expect(withClient(mockServer.url, (client) => client.replaceServerMetadata(serverId, { owner: 'li' }))).resolves.toEqual({ owner: 'li' });
      });
  });

  it('sets one item and gets it echoed', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata, key: 'wj' })
      .uponReceiving('a request to set one metadata item (v2.1)')
      .withRequest('PUT', metadataItemPath('v2.1', projectId, serverId, 'wj'), (builder) => {
        builder.headers(writeHeaders).jsonBody({ meta: { wj: 'False' } });
      })
      .willRespondWith(200, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ meta: { wj: MatchersV3.string('False') } });
      })
      .executeTest(async (mockServer) => {
        await expect(withClient(mockServer.url, (client) => client.setServerMetadataItem(serverId, 'wj', 'False'))).resolves.toBe('False');
      });
  });

  it('deletes one item: 204 without a body', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata, key: 'wj' })
      .uponReceiving('a request to delete one metadata item (v2.1)')
      .withRequest('DELETE', metadataItemPath('v2.1', projectId, serverId, 'wj'), (builder) => {
        builder.headers(readHeaders);
      })
      .willRespondWith(204)
      .executeTest(async (mockServer) => {
        await expect(withClient(mockServer.url, (client) => client.deleteServerMetadataItem(serverId, 'wj'))).resolves.toBeUndefined();
      });
  });

  it('gets NotFoundError for deleting a key the server does not have', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata, key: 'missing-key' })
      .uponReceiving('a request to delete a missing metadata item (v2.1)')
      .withRequest('DELETE', metadataItemPath('v2.1', projectId, serverId, 'missing-key'), (builder) => {
        builder.headers(readHeaders);
      })
      .willRespondWith(404, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(fault('itemNotFound', 404, 'Metadata item was not found'));
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(mockServer.url, (client) => client.deleteServerMetadataItem(serverId, 'missing-key')).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(NotFoundError);
      });
  });
});

describe('ecs-metadata-client → ecs-metadata-api: refused writes (spec §4.1, §4.2)', () => {
  it('gets ConflictError for a locked server', async () => {
    await createPact()
      .addInteraction()
      .given('a locked server exists', { projectId, serverId, metadata })
      .uponReceiving('a request to merge metadata into a locked server (v2.1)')
      .withRequest('POST', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(409, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody(fault('conflictingRequest', 409, `Instance ${serverId} is locked`));
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(mockServer.url, (client) => client.updateServerMetadata(serverId, { owner: 'li' })).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConflictError);
      });
  });

  it('gets ConflictError for a server whose vm_state forbids writes', async () => {
    await createPact()
      .addInteraction()
      .given('a building server exists', { projectId, serverId, metadata })
      .uponReceiving('a request to replace the metadata of a building server (v2.1)')
      .withRequest('PUT', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(409, (builder) => {
        builder
          .headers({ 'Content-Type': JSON_CONTENT_TYPE })
          .jsonBody(fault('conflictingRequest', 409, `Cannot 'update metadata' instance ${serverId} while it is in vm_state building`));
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(mockServer.url, (client) => client.replaceServerMetadata(serverId, { owner: 'li' })).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(ConflictError);
      });
  });

  it('gets MetadataLimitExceededError when a merge would exceed 128 items', async () => {
    await createPact()
      .addInteraction()
      .given('a server with 128 metadata items exists', { projectId, serverId })
      .uponReceiving('a request to merge metadata into a server with 128 items (v2.1)')
      .withRequest('POST', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers(writeHeaders).jsonBody({ metadata: { owner: 'li' } });
      })
      .willRespondWith(403, (builder) => {
        // The message is what tells the item limit from a missing permission (also a 403).
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({
          forbidden: { code: MatchersV3.integer(403), message: MatchersV3.regex(/^Maximum number of metadata items exceeds \d+$/u, 'Maximum number of metadata items exceeds 128') },
        });
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(mockServer.url, (client) => client.updateServerMetadata(serverId, { owner: 'li' })).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(MetadataLimitExceededError);
      });
  });
});
