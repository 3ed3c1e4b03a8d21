// A user's TypeScript (strict, NodeNext): the published declaration files must describe the API
// the README shows. Type-checked with tsc, then run.
import {
  EcsMetadataClient,
  EcsApiError,
  NotFoundError,
  tokenAuth,
  type EcsMetadataClientOptions,
  type Metadata,
} from '@ecs-metadata/client';
import { DEFAULT_FIXTURE, DEMO_TOKEN, startMockProvider, type MockProvider } from '@ecs-metadata/mock-provider';

const projectId = '9c53a566cb3443ab910cf0daebca90c4';
const serverId = '998af54b-5762-4041-abc1-f98a2c27b3a2';

async function readWj(mock: MockProvider, signal: AbortSignal): Promise<string | undefined> {
  const options: EcsMetadataClientOptions = { endpoint: mock.url, projectId, auth: tokenAuth(DEMO_TOKEN) };
  const client = new EcsMetadataClient(options);
  try {
    const metadata: Metadata = await client.getServerMetadata(serverId, { signal });
    const value: string | undefined = metadata['wj'];
    return value;
  } catch (error: unknown) {
    if (error instanceof NotFoundError) return undefined;
    if (error instanceof EcsApiError) throw new Error(`API error ${error.status} (request id ${error.requestId ?? 'none'})`, { cause: error });
    throw error;
  } finally {
    client.close();
  }
}

const mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
try {
  const wj = await readWj(mock, AbortSignal.timeout(10_000));
  if (wj !== 'True') throw new Error(`expected wj=True, got ${String(wj)}`);
  console.log(`ts ok: wj=${wj}`);
} finally {
  await mock.close();
}
