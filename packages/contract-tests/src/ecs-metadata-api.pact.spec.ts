import { describe, expect, it } from '@jest/globals';
import { MatchersV3 } from '@pact-foundation/pact';
import { AuthenticationError, EcsMetadataClient, NotFoundError, tokenAuth } from '@ecs-metadata/client';
import { type ApiVersion, EXAMPLE_METADATA, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { createPact, EXAMPLE_TOKEN, INVALID_TOKEN, JSON_CONTENT_TYPE, metadataMap, metadataPath } from './pact-setup.js';

const projectId = EXAMPLE_PROJECT_ID;
const serverId = EXAMPLE_SERVER_ID;
const unknownServerId = '00000000-0000-4000-8000-000000000000';

/** The real client, pointed at Pact's mock server: the pact records what the client really sends. */
function clientFor(url: string, apiVersion: ApiVersion, token = EXAMPLE_TOKEN): EcsMetadataClient {
  return new EcsMetadataClient({ endpoint: url, projectId, apiVersion, auth: tokenAuth(token), retry: false });
}

async function withClient<T>(client: EcsMetadataClient, use: (client: EcsMetadataClient) => Promise<T>): Promise<T> {
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

const requestHeaders = { 'X-Auth-Token': MatchersV3.string(EXAMPLE_TOKEN), Accept: 'application/json' };

describe('ecs-metadata-client → ecs-metadata-api: list server metadata', () => {
  it.each(['v2', 'v2.1'] as const)('reads the metadata of a server (%s)', async (version) => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata: { ...EXAMPLE_METADATA } })
      .uponReceiving(`a request for server metadata (${version})`)
      .withRequest('GET', metadataPath(version, projectId, serverId), (builder) => {
        builder.headers(requestHeaders);
      })
      .willRespondWith(200, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ metadata: metadataMap({ ...EXAMPLE_METADATA }) });
      })
      .executeTest(async (mockServer) => {
        const metadata = await withClient(clientFor(mockServer.url, version), (client) => client.getServerMetadata(serverId));
        expect(metadata).toEqual({ wj: 'True' });
      });
  });

  it('reads an empty map from a server without metadata', async () => {
    await createPact()
      .addInteraction()
      .given('a server without metadata exists', { projectId, serverId })
      .uponReceiving('a request for the metadata of a server without metadata (v2.1)')
      .withRequest('GET', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers(requestHeaders);
      })
      .willRespondWith(200, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({ metadata: {} });
      })
      .executeTest(async (mockServer) => {
        const metadata = await withClient(clientFor(mockServer.url, 'v2.1'), (client) => client.getServerMetadata(serverId));
        expect(metadata).toEqual({});
      });
  });

  it('gets NotFoundError for an unknown server', async () => {
    await createPact()
      .addInteraction()
      .given('no server exists', { projectId, serverId: unknownServerId })
      .uponReceiving('a request for the metadata of an unknown server (v2.1)')
      .withRequest('GET', metadataPath('v2.1', projectId, unknownServerId), (builder) => {
        builder.headers(requestHeaders);
      })
      .willRespondWith(404, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE }).jsonBody({
          itemNotFound: { code: MatchersV3.integer(404), message: MatchersV3.string(`Instance ${unknownServerId} could not be found.`) },
        });
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(clientFor(mockServer.url, 'v2.1'), (client) => client.getServerMetadata(unknownServerId)).catch(
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as NotFoundError).code).toBe('itemNotFound');
      });
  });

  it('gets AuthenticationError without a valid token', async () => {
    await createPact()
      .addInteraction()
      .given('a server with metadata exists', { projectId, serverId, metadata: { ...EXAMPLE_METADATA } })
      .uponReceiving('a request for server metadata with an invalid token (v2.1)')
      // The literal token, no matcher: verifiers inject real credentials into every other request.
      .withRequest('GET', metadataPath('v2.1', projectId, serverId), (builder) => {
        builder.headers({ 'X-Auth-Token': INVALID_TOKEN, Accept: 'application/json' });
      })
      // Only status and a JSON content type: the body differs between Keystone and the API gateway.
      .willRespondWith(401, (builder) => {
        builder.headers({ 'Content-Type': JSON_CONTENT_TYPE });
      })
      .executeTest(async (mockServer) => {
        const error = await withClient(clientFor(mockServer.url, 'v2.1', INVALID_TOKEN), (client) => client.getServerMetadata(serverId)).catch(
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(AuthenticationError);
      });
  });
});
