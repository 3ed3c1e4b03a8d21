import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { literalPattern } from './options.js';
import { type FakeBroker, startFakeBroker } from './test-support/fake-broker.js';
import { endpointArgs, PACT_FILE, runBin } from './test-support/run-bin.js';

const BROKER_TOKEN = 'broker-token-0c5d2e77b1';
const PROVIDER_TOKEN = 'provider-token-93ab17f4e0';
/** States no real endpoint can arrange: their interactions are always not verifiable there. */
const ENDPOINT_UNARRANGEABLE = ['a locked server exists', 'a building server exists'];

let pact: Record<string, unknown> & { interactions: { providerStates?: { name: string }[] }[] };
let mock: MockProvider;
beforeAll(async () => {
  pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as typeof pact;
  mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
  mock.admin.addToken(PROVIDER_TOKEN, EXAMPLE_PROJECT_ID);
});
afterAll(async () => {
  await mock.close();
});

async function withBroker<T>(served: Record<string, unknown>, use: (broker: FakeBroker) => Promise<T>): Promise<T> {
  const broker = await startFakeBroker({ seed: [{ pact: served }] });
  try {
    return await use(broker);
  } finally {
    await broker.close();
  }
}

const endpointFlags = (): string[] => [...endpointArgs(mock.url, PROVIDER_TOKEN, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID), '--allow-writes'];
const publishFlags = (brokerUrl: string): string[] => ['--broker-url', brokerUrl, '--publish-results', '--provider-version', 'abc1234', '--provider-branch', 'main'];
const published = (broker: FakeBroker) => broker.calls.filter((call) => call.method === 'POST' && call.path.endsWith('/verification-results'));

describe('publishing verification results honestly', () => {
  it('publishes when every interaction was verified, with the version, branch and build URL', async () => {
    const arrangeable = { ...pact, interactions: pact.interactions.filter((interaction) => !ENDPOINT_UNARRANGEABLE.includes(interaction.providerStates?.[0]?.name ?? '')) };
    await withBroker(arrangeable, async (broker) => {
      // At trace level Pact's core logs its broker requests: the token must not come through.
      const run = await runBin([...endpointFlags(), ...publishFlags(broker.url), '--build-url', 'https://ci.example/build/7', '--log-level', 'trace'], {
        PACT_BROKER_TOKEN: BROKER_TOKEN,
      });

      expect(run.code).toBe(0);
      expect(run.stdout).toContain('13 verified, 0 failed, 0 not verifiable');
      expect(run.stdout + run.stderr).not.toContain(BROKER_TOKEN);
      expect(run.stdout + run.stderr).not.toContain(PROVIDER_TOKEN);
      expect(broker.calls.every((call) => call.authorization === `Bearer ${BROKER_TOKEN}`)).toBe(true);
      expect(published(broker)).toHaveLength(1);
      expect(published(broker)[0]?.body).toMatchObject({ success: true, providerApplicationVersion: 'abc1234', buildUrl: 'https://ci.example/build/7' });
    });
  });

  it('holds the result back (exit 1) when any interaction was not verifiable', async () => {
    await withBroker(pact, async (broker) => {
      const run = await runBin([...endpointFlags(), ...publishFlags(broker.url)], { PACT_BROKER_TOKEN: BROKER_TOKEN });

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('13 verified, 0 failed, 2 not verifiable');
      expect(run.stdout).toContain('results not published to the broker: 2 interaction(s) were not verifiable here');
      expect(published(broker)).toEqual([]);
      expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.metadata).toEqual({ wj: 'True' });
    });
  });

  it('holds the result back for a --pact-url too: the pact is fetched, and the result sent, through the gate', async () => {
    await withBroker(pact, async (broker) => {
      const [served] = broker.model.pacts;
      const pactUrl = `${broker.url}/pacts/provider/${served?.provider ?? ''}/consumer/${served?.consumer ?? ''}/pact-version/${served?.sha ?? ''}`;
      const run = await runBin([...endpointFlags(), '--pact-url', pactUrl, '--publish-results', '--provider-version', 'abc1234', '--provider-branch', 'main'], {
        PACT_BROKER_TOKEN: BROKER_TOKEN,
      });

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('13 verified, 0 failed, 2 not verifiable');
      expect(run.stdout).toContain('results not published to the broker: 2 interaction(s) were not verifiable here');
      expect(broker.calls.some((call) => call.method === 'GET' && call.path.startsWith('/pacts/provider/'))).toBe(true);
      expect(published(broker)).toEqual([]);
      expect(broker.model.verifications).toEqual([]);
    });
  });

  it.each([
    [['--against-mock'], {}, '--publish-results: Results are not published from the embedded mock'],
    [['--description', 'a request for server metadata (v2)'], {}, '--publish-results: Results are not published from a filtered run (the description filter)'],
    [[], { PACT_DESCRIPTION: 'v2' }, '--publish-results: Results are not published from a filtered run (PACT_DESCRIPTION)'],
    [[], { PACT_PROVIDER_STATE: 'a server with metadata exists' }, 'filtered run (PACT_PROVIDER_STATE)'],
    [['--expect-skipped', ENDPOINT_UNARRANGEABLE.join(',')], {}, '--expect-skipped and --publish-results exclude each other'],
  ])('refuses %j %j before anything runs (exit 2)', async (flags, env, message) => {
    await withBroker(pact, async (broker) => {
      const provider = flags[0] === '--against-mock' ? flags : [...endpointFlags(), ...flags];
      const run = await runBin([...provider, ...publishFlags(broker.url)], env as Record<string, string>);

      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(broker.calls).toEqual([]);
    });
  });

  it('runs exactly one interaction with a literal --description, parentheses and all', async () => {
    expect(literalPattern('a request for server metadata (v2)')).toBe('^a request for server metadata \\(v2\\)$');
    const run = await runBin(['--against-mock', '--provider-name', 'ecs-metadata-api', '--description', 'a request for server metadata (v2)']);

    expect(run.stdout).toContain('✓ a request for server metadata (v2) [given');
    expect(run.stdout).toContain('1 verified, 0 failed, 14 not verifiable');
    expect(run.code).toBe(8);
  });
});
