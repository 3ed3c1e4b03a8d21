import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, DEMO_TOKEN, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { toJUnitXml, writeJUnitReport } from './junit.js';
import type { EndpointTarget } from './options.js';
import { decideExitCode, type InteractionOutcome, skippedStates, VerifierExitCode } from './report.js';
import { formatSummary } from './summary.js';
import { PACT_FILE } from './test-support/run-bin.js';
import { type StubFlaw, type StubProvider, startStubProvider } from './test-support/stub-provider.js';
import { verifyPacts } from './verify-pacts.js';

const V2 = 'a request for server metadata (v2)';
const V21 = 'a request for server metadata (v2.1)';
const UNAUTHORIZED = 'a request for server metadata with an invalid token (v2.1)';
const EMPTY = 'a request for the metadata of a server without metadata (v2.1)';
const UNKNOWN = 'a request for the metadata of an unknown server (v2.1)';
const WITH_METADATA = 'a server with metadata exists';
const WITHOUT_METADATA = 'a server without metadata exists';

const STUB_TOKEN = 'stub-token-7f3a9c2e51';
const ORIGINAL = { owner: 'jonas', env: 'prod' };

const byDescription = (interactions: readonly InteractionOutcome[]): Record<string, InteractionOutcome> =>
  Object.fromEntries(interactions.map((outcome) => [outcome.description, outcome]));

function endpoint(url: string, overrides: Partial<EndpointTarget> = {}): EndpointTarget {
  return { kind: 'endpoint', baseUrl: url, token: STUB_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, ...overrides };
}

async function withStub<T>(flaw: StubFlaw, use: (stub: StubProvider) => Promise<T>): Promise<T> {
  const stub = await startStubProvider({ token: STUB_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: ORIGINAL, flaw });
  try {
    return await use(stub);
  } finally {
    await stub.close();
  }
}

describe('verifyPacts against the embedded mock', () => {
  it('verifies every interaction of the committed pact', async () => {
    const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactFiles: [PACT_FILE] } });

    expect(report.interactions.map((outcome) => [outcome.description, outcome.status])).toEqual([
      [V2, 'verified'],
      [V21, 'verified'],
      [UNAUTHORIZED, 'verified'],
      [EMPTY, 'verified'],
      [UNKNOWN, 'verified'],
    ]);
    expect(report.interactions.every((outcome) => outcome.consumer === 'ecs-metadata-client')).toBe(true);
    expect(report).toMatchObject({ provider: 'ecs-metadata-api', target: 'embedded-mock', errors: [], publishRequested: false, metadataRestored: undefined });
    expect(report.providerBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/u);
    expect(decideExitCode(report).code).toBe(VerifierExitCode.Verified);
    expect(formatSummary(report)).toContain(`✓ ${UNAUTHORIZED}`);
  });

  it('runs the README example: the workspace pacts/ by default, summary, JUnit, exit code', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pv-spec-'));
    try {
      const report = await verifyPacts({ provider: { kind: 'embedded-mock' } });
      const summary = formatSummary(report);
      await writeJUnitReport(report, join(dir, 'results.xml'));

      expect(report.pactSources).toEqual([PACT_FILE]);
      expect(summary).toContain('5 verified, 0 failed, 0 not verifiable (5 interaction(s))');
      expect(await readFile(join(dir, 'results.xml'), 'utf8')).toContain('tests="5" failures="0"');
      expect(decideExitCode(report).code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails an interaction whose state has no handler instead of letting it pass', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pv-spec-'));
    try {
      const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as { interactions: { description: string; providerStates: { name: string }[] }[] };
      const locked = structuredClone(pact.interactions[1]!);
      locked.description = 'a request for the metadata of a locked server (v2.1)';
      locked.providerStates[0]!.name = 'a locked server exists';
      pact.interactions.push(locked);
      await writeFile(join(dir, 'pact.json'), JSON.stringify(pact));

      const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactDirs: [dir] } });

      const outcome = byDescription(report.interactions)['a request for the metadata of a locked server (v2.1)'];
      expect(outcome).toMatchObject({ status: 'failed', failures: ['no state handler for provider state "a locked server exists"'] });
      expect(decideExitCode(report).code).toBe(VerifierExitCode.Failed);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails a run in which Pact verified nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pv-spec-'));
    try {
      const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'empty.json'), JSON.stringify({ ...pact, interactions: [] }));
      const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactDirs: [dir] } });
      expect(report.interactions).toEqual([]);
      expect(decideExitCode(report)).toMatchObject({ code: VerifierExitCode.Failed, reason: expect.stringContaining('no interaction') });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a directory without a pact for ecs-metadata-api, and a pact for another provider', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pv-spec-'));
    try {
      const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as Record<string, unknown>;
      await writeFile(join(dir, 'native.json'), JSON.stringify({ ...pact, provider: { name: 'ecs-native-metadata-api' } }));
      await expect(verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactDirs: [dir] } })).rejects.toThrow(ConfigError);
      await expect(verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactFiles: [join(dir, 'native.json')] } })).rejects.toThrow(
        /for provider "ecs-native-metadata-api"/u,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('verifyPacts against a real endpoint', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('without writes: verifies the 401 and 404 interactions and reports the others as not verifiable', async () => {
    const report = await verifyPacts({
      provider: endpoint(mock.url, { token: DEMO_TOKEN }),
      source: { kind: 'local', pactFiles: [PACT_FILE] },
    });

    const outcomes = byDescription(report.interactions);
    expect(outcomes[UNAUTHORIZED]?.status).toBe('verified');
    expect(outcomes[UNKNOWN]?.status).toBe('verified');
    for (const [description, state] of [
      [V2, WITH_METADATA],
      [V21, WITH_METADATA],
      [EMPTY, WITHOUT_METADATA],
    ] as const) {
      expect(outcomes[description]).toMatchObject({ status: 'not-verifiable', reason: `needs --allow-writes to arrange state "${state}"`, unarrangeableStates: [state] });
    }
    expect(skippedStates(report)).toEqual([WITH_METADATA, WITHOUT_METADATA]);
    expect(decideExitCode(report).code).toBe(VerifierExitCode.NotVerifiable);
    expect(decideExitCode(report, [WITHOUT_METADATA, WITH_METADATA]).code).toBe(VerifierExitCode.Verified);
    expect(decideExitCode(report, [WITH_METADATA]).code).toBe(VerifierExitCode.NotVerifiable);
    // Nothing was written, and the not-verifiable interactions were never sent.
    const sent = mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin'));
    expect(sent.every((entry) => entry.method === 'GET')).toBe(true);
    expect(sent.some((entry) => entry.path.startsWith('/v2/'))).toBe(false);
  });

  it('with writes: arranges each state on the server and restores its metadata afterwards', async () => {
    await withStub('none', async (stub) => {
      const report = await verifyPacts({ provider: endpoint(stub.url, { allowWrites: true }), source: { kind: 'local', pactFiles: [PACT_FILE] } });

      expect(report.interactions.map((outcome) => outcome.status)).toEqual(['verified', 'verified', 'verified', 'verified', 'verified']);
      expect(report).toMatchObject({ errors: [], metadataRestored: true });
      expect(stub.metadata()).toEqual(ORIGINAL);
      const puts = stub.requests.filter((request) => request.method === 'PUT').map((request) => JSON.parse(request.body) as unknown);
      expect(puts).toContainEqual({ metadata: { wj: 'True' } });
      expect(puts).toContainEqual({ metadata: {} });
      expect(puts.at(-1)).toEqual({ metadata: ORIGINAL });
      // The real token went to every request but the 401 interaction's; the pact's example token to none.
      const tokens = new Set(stub.requests.map((request) => request.token));
      expect(tokens).toEqual(new Set([STUB_TOKEN, 'invalid-token']));
      // `no server exists` used a random UUID v4, not the pact's example id.
      const unknown = stub.requests.find((request) => !request.path.includes(EXAMPLE_SERVER_ID));
      expect(unknown?.path).toMatch(/\/servers\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\/metadata$/u);
    });
  });

  it('fails on a list instead of a map, naming the interaction and the mismatch, and still restores', async () => {
    await withStub('metadata-as-list', async (stub) => {
      const report = await verifyPacts({ provider: endpoint(stub.url, { allowWrites: true }), source: { kind: 'local', pactFiles: [PACT_FILE] } });

      const outcome = byDescription(report.interactions)[V21];
      expect(outcome).toMatchObject({ status: 'failed', pending: false });
      expect(outcome?.status === 'failed' && outcome.failures.join('\n')).toMatch(/^\$\.metadata: Type mismatch: Expected \["a"\] \(Array\)/mu);
      expect(formatSummary(report)).toMatch(new RegExp(`✗ ${V21.replace(/[().]/gu, '\\$&')}.*\\n\\s+\\$\\.metadata: Type mismatch`, 'u'));
      expect(decideExitCode(report).code).toBe(VerifierExitCode.Failed);
      expect(report.metadataRestored).toBe(true);
      expect(stub.metadata()).toEqual(ORIGINAL);
    });
  });

  it('fails when an unknown server is found', async () => {
    await withStub('unknown-server-found', async (stub) => {
      const report = await verifyPacts({ provider: endpoint(stub.url), source: { kind: 'local', pactFiles: [PACT_FILE] } });

      const outcome = byDescription(report.interactions)[UNKNOWN];
      expect(outcome?.status).toBe('failed');
      expect(outcome?.status === 'failed' && outcome.failures).toContain('status: expected 404 but was 200');
      expect(decideExitCode(report).code).toBe(VerifierExitCode.Failed);
    });
  });

  it('keeps the token out of the report and the JUnit XML, even when the provider echoes it', async () => {
    await withStub('echo-token', async (stub) => {
      const report = await verifyPacts({ provider: endpoint(stub.url, { allowWrites: true }), source: { kind: 'local', pactFiles: [PACT_FILE] } });

      expect(byDescription(report.interactions)[V21]?.status).toBe('failed');
      const texts = [JSON.stringify(report), formatSummary(report), toJUnitXml(report)];
      for (const text of texts) {
        expect(text).not.toContain(STUB_TOKEN);
      }
      expect(formatSummary(report)).toContain('***');
    });
  });

  it('refuses plain http to a host that is not loopback, before anything runs', async () => {
    await expect(verifyPacts({ provider: endpoint('http://gw.example.com') })).rejects.toMatchObject({ name: 'ConfigError', setting: 'provider.baseUrl' });
  });
});
