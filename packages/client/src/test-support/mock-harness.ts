import { afterAll, afterEach, beforeAll } from '@jest/globals';
import { type Fixture, type LoggedRequest, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';

/** A mock provider shared by one spec file, and the clients its tests opened. */
export interface MockHarness {
  /** The running mock (valid inside tests, after `beforeAll`). */
  readonly mock: MockProvider;
  /** Registers a client to be closed after the current test. */
  track<T extends { close(): void }>(client: T): T;
  /** The API requests the mock received (admin calls left out). */
  apiRequests(): LoggedRequest[];
}

/**
 * Starts the mock provider with `fixture` for the calling spec file (on 127.0.0.1, port 0), resets
 * it and closes the tracked clients after every test, and stops it after the last.
 */
export function useMockProvider(fixture: Fixture): MockHarness {
  let mock: MockProvider | undefined;
  const clients: { close(): void }[] = [];
  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, fixture });
  });
  afterEach(() => {
    mock?.admin.reset();
    for (const client of clients.splice(0)) {
      client.close();
    }
  });
  afterAll(async () => {
    await mock?.close();
  });
  const running = (): MockProvider => {
    if (mock === undefined) {
      throw new Error('the mock provider is not running yet (use it inside a test)');
    }
    return mock;
  };
  return {
    get mock() {
      return running();
    },
    track(client) {
      clients.push(client);
      return client;
    },
    apiRequests: () => running().requestLog.filter((entry) => !entry.path.startsWith('/_admin')),
  };
}

/** The error `promise` rejected with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
