import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { decideExitCode, VerifierExitCode } from './report.js';
import { type FakeBroker, startFakeBroker } from './test-support/fake-broker.js';
import { NATIVE_PACT_FILE, PACT_FILE, runBin } from './test-support/run-bin.js';
import { startStubProvider } from './test-support/stub-provider.js';
import { verifyPacts } from './verify-pacts.js';

const BROKER_TOKEN = 'broker-token-e91c07b3f5';
const PROVIDER_TOKEN = 'provider-token-2d64ab98c1';
const FOR_VERIFICATION = '/pacts/provider/ecs-metadata-api/for-verification';

let pact: Record<string, unknown>;
beforeAll(async () => {
  pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as Record<string, unknown>;
});

/** A broker holding the workspace's pact, published from `branch` of the consumer. */
async function withBroker<T>(branch: string, use: (broker: FakeBroker) => Promise<T>): Promise<T> {
  const broker = await startFakeBroker({ seed: [{ pact, branch }] });
  try {
    return await use(broker);
  } finally {
    await broker.close();
  }
}

describe('pacts from a Pact Broker', () => {
  it('sends the selectors, pending and WIP flags and the branch (publishing: publishing.spec.ts)', async () => {
    await withBroker('main', async (broker) => {
      const run = await runBin(
        [
          '--against-mock',
          '--broker-url',
          broker.url,
          '--enable-pending',
          '--include-wip-pacts-since',
          '2024-01-31',
          '--provider-branch',
          'main',
        ],
        { PACT_BROKER_TOKEN: BROKER_TOKEN },
      );

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('15 verified, 0 failed, 0 not verifiable');
      expect(run.stdout).toContain(`Pacts: ${broker.url}`);
      expect(run.stdout + run.stderr).not.toContain(BROKER_TOKEN);

      const post = broker.calls.find((call) => call.method === 'POST' && call.path === FOR_VERIFICATION);
      expect(post?.body).toEqual({
        consumerVersionSelectors: [{ mainBranch: true }, { deployedOrReleased: true }],
        includePendingStatus: true,
        includeWipPactsSince: '2024-01-31',
        providerVersionBranch: 'main',
      });
      expect(broker.calls.every((call) => call.authorization === `Bearer ${BROKER_TOKEN}`)).toBe(true);
      // The embedded mock never publishes (DECISIONS 2026-12-06).
      expect(broker.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/verification-results'))).toEqual([]);
    });
  });

  it('sends the given selectors and publishes nothing unless asked', async () => {
    await withBroker('feature/x', async (broker) => {
      const report = await verifyPacts({
        provider: { kind: 'embedded-mock' },
        source: { kind: 'broker', brokerUrl: broker.url, consumerVersionSelectors: [{ branch: 'feature/x' }, { deployed: true, environment: 'production' }] },
      });

      expect(decideExitCode(report).code).toBe(VerifierExitCode.Verified);
      expect(report).toMatchObject({ pactSources: [broker.url], publishRequested: false });
      expect(report.notices[0]).toContain('is being verified because it matches the following configured selection criterion: latest pact from branch feature/x');
      const post = broker.calls.find((call) => call.method === 'POST' && call.path === FOR_VERIFICATION);
      expect(post?.body).toMatchObject({
        consumerVersionSelectors: [{ branch: 'feature/x' }, { deployed: true, environment: 'production' }],
        includePendingStatus: false,
      });
      expect(post?.body).not.toHaveProperty('includeWipPactsSince');
      expect(broker.calls.filter((call) => call.method !== 'GET' && call.path !== FOR_VERIFICATION)).toEqual([]);
    });
  });

  it('reports failures of a pending pact without failing the run', async () => {
    const stub = await startStubProvider({ token: PROVIDER_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: {}, flaw: 'unknown-server-found' });
    try {
      await withBroker('main', async (broker) => {
        const report = await verifyPacts({
          provider: { kind: 'endpoint', baseUrl: stub.url, token: PROVIDER_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, allowWrites: true },
          source: { kind: 'broker', brokerUrl: broker.url, enablePending: true },
        });

        const unknown = report.interactions.find((outcome) => outcome.description === 'a request for the metadata of an unknown server (v2.1)');
        expect(unknown).toMatchObject({ status: 'failed', pending: true, failures: expect.arrayContaining(['status: expected 404 but was 200']) });
        // 15 interactions: the pending failure, two states the metadata API cannot arrange, 12 verified.
        expect(report.interactions.filter((outcome) => outcome.status === 'verified')).toHaveLength(12);
        expect(report.interactions.filter((outcome) => outcome.status === 'not-verifiable').map((outcome) => outcome.states)).toEqual([
          ['a locked server exists'],
          ['a building server exists'],
        ]);
        expect(decideExitCode(report, ['a locked server exists', 'a building server exists']).code).toBe(VerifierExitCode.Verified);
      });
    } finally {
      await stub.close();
    }
  });

  describe('on a real endpoint without --allow-writes', () => {
    let mock: MockProvider;
    beforeAll(async () => {
      mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
      mock.admin.addToken(PROVIDER_TOKEN, EXAMPLE_PROJECT_ID);
    });
    afterAll(async () => {
      await mock.close();
    });

    it('runs the broker pact but reports the interactions it could not arrange as not verifiable', async () => {
      await withBroker('main', async (broker) => {
        const report = await verifyPacts({
          provider: { kind: 'endpoint', baseUrl: mock.url, token: PROVIDER_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID },
          source: { kind: 'broker', brokerUrl: broker.url },
        });

        expect(report.interactions.map((outcome) => [outcome.description, outcome.status, outcome.states])).toEqual([
          ['a request for server metadata (v2)', 'not-verifiable', ['a server with metadata exists']],
          ['a request for server metadata (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request for server metadata with an invalid token (v2.1)', 'verified', ['a server with metadata exists']],
          ['a request for the metadata of a server without metadata (v2.1)', 'not-verifiable', ['a server without metadata exists']],
          ['a request for the metadata of an unknown server (v2.1)', 'verified', ['no server exists']],
          ['a request to delete a missing metadata item (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request to delete one metadata item (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request to merge metadata (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request to merge metadata into a locked server (v2.1)', 'not-verifiable', ['a locked server exists']],
          ['a request to merge metadata into a server with 128 items (v2.1)', 'not-verifiable', ['a server with 128 metadata items exists']],
          ['a request to read a missing metadata item (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request to read one metadata item (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request to replace metadata (v2.1)', 'not-verifiable', ['a server with metadata exists']],
          ['a request to replace the metadata of a building server (v2.1)', 'not-verifiable', ['a building server exists']],
          ['a request to set one metadata item (v2.1)', 'not-verifiable', ['a server with metadata exists']],
        ]);
        expect(decideExitCode(report).code).toBe(VerifierExitCode.NotVerifiable);
        // The broker pact's writes never left the verifier: nothing was arranged, nothing may be written.
        const writes = mock.requestLog.filter((entry) => entry.method !== 'GET' && !entry.path.startsWith('/_admin'));
        expect(writes).toEqual([]);
        expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.metadata).toEqual({ wj: 'True' });
      });
    });

    it('refuses to publish results it could not fully arrange (exit 2)', async () => {
      const run = await runBin([
        '--provider-base-url',
        mock.url,
        '--token',
        PROVIDER_TOKEN,
        '--project-id',
        EXAMPLE_PROJECT_ID,
        '--server-id',
        EXAMPLE_SERVER_ID,
        '--broker-url',
        'http://127.0.0.1:9',
        '--publish-results',
        '--provider-version',
        'abc1234',
        '--provider-branch',
        'main',
      ]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--publish-results: Publishing results from a real endpoint needs writes allowed');
      expect(run.stdout + run.stderr).not.toContain(PROVIDER_TOKEN);
    });
  });
});

describe('one pact by URL (--pact-url, the webhook flow)', () => {
  it('verifies the pact as the provider it names, when that provider is asked for', async () => {
    const native = JSON.parse(await readFile(NATIVE_PACT_FILE, 'utf8')) as Record<string, unknown>;
    const broker = await startFakeBroker({ seed: [{ pact, branch: 'main' }, { pact: native, branch: 'main' }] });
    try {
      const nativePact = broker.model.pacts.find((candidate) => candidate.provider === 'ecs-native-metadata-api');
      const pactUrl = `${broker.url}/pacts/provider/ecs-native-metadata-api/consumer/ecs-metadata-client/pact-version/${nativePact?.sha ?? ''}`;
      const source = { kind: 'pact-url', pactUrl } as const;

      await expect(verifyPacts({ provider: { kind: 'embedded-mock' }, source })).rejects.toThrow(
        new ConfigError('source.pactUrl', `The pact at ${pactUrl} is for provider "ecs-native-metadata-api"; this run verifies "ecs-metadata-api"`),
      );
      const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, source, providers: ['ecs-metadata-api', 'ecs-native-metadata-api'] });
      expect(decideExitCode(report).code).toBe(VerifierExitCode.Verified);
      expect(report).toMatchObject({ provider: 'ecs-native-metadata-api', pactSources: [pactUrl], publishRequested: false });
      expect(report.interactions.length).toBe((native['interactions'] as unknown[]).length);
      expect(broker.calls.filter((call) => call.path.includes('for-verification'))).toEqual([]);
      // The bin without --provider-name takes the pact's own provider (a webhook fires for either).
      const run = await runBin(['--against-mock', '--pact-url', pactUrl]);
      expect(run.stdout).toContain(`${(native['interactions'] as unknown[]).length} verified, 0 failed, 0 not verifiable`);
      expect(run.code).toBe(VerifierExitCode.Verified);
    } finally {
      await broker.close();
    }
  });

  it('refuses to publish results for a pact that no broker serves (no publish link)', async () => {
    const server = createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(pact));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const pactUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact.json`;
    // A real endpoint with writes allowed: the embedded mock never publishes anyway.
    const mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
    mock.admin.addToken(PROVIDER_TOKEN, EXAMPLE_PROJECT_ID);
    try {
      await expect(
        verifyPacts({
          provider: { kind: 'endpoint', baseUrl: mock.url, token: PROVIDER_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, allowWrites: true },
          source: { kind: 'pact-url', pactUrl, publishResults: true, providerVersion: 'p1', providerBranch: 'main' },
        }),
      ).rejects.toThrow(/has no "pb:publish-verification-results" link/u);
      expect(mock.requestLog.filter((entry) => entry.method !== 'GET')).toEqual([]);
    } finally {
      await mock.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
