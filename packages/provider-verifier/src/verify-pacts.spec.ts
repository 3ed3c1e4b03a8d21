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
import { NATIVE_PACT_FILE, PACT_FILE } from './test-support/run-bin.js';
import { type StubFlaw, type StubProvider, startStubProvider } from './test-support/stub-provider.js';
import { verifyPacts } from './verify-pacts.js';

const V2 = 'a request for server metadata (v2)';
const V21 = 'a request for server metadata (v2.1)';
const UNAUTHORIZED = 'a request for server metadata with an invalid token (v2.1)';
const EMPTY = 'a request for the metadata of a server without metadata (v2.1)';
const UNKNOWN = 'a request for the metadata of an unknown server (v2.1)';
const WITH_METADATA = 'a server with metadata exists';
const WITHOUT_METADATA = 'a server without metadata exists';
const LOCKED = 'a locked server exists';
const BUILDING = 'a building server exists';
const FULL = 'a server with 128 metadata items exists';
// The metadata family's interactions (spec §3.2-§3.6), in pact order.
const DELETE_MISSING = 'a request to delete a missing metadata item (v2.1)';
const DELETE_ONE = 'a request to delete one metadata item (v2.1)';
const MERGE = 'a request to merge metadata (v2.1)';
const MERGE_LOCKED = 'a request to merge metadata into a locked server (v2.1)';
const MERGE_FULL = 'a request to merge metadata into a server with 128 items (v2.1)';
const READ_MISSING = 'a request to read a missing metadata item (v2.1)';
const READ_ONE = 'a request to read one metadata item (v2.1)';
const REPLACE = 'a request to replace metadata (v2.1)';
const REPLACE_BUILDING = 'a request to replace the metadata of a building server (v2.1)';
const SET_ONE = 'a request to set one metadata item (v2.1)';
const ALL = [
  V2,
  V21,
  UNAUTHORIZED,
  EMPTY,
  UNKNOWN,
  DELETE_MISSING,
  DELETE_ONE,
  MERGE,
  MERGE_LOCKED,
  MERGE_FULL,
  READ_MISSING,
  READ_ONE,
  REPLACE,
  REPLACE_BUILDING,
  SET_ONE,
];
const NATIVE = [
  'a request to delete one metadata item through the ECS native API',
  'a request to merge metadata into an unknown server through the ECS native API',
  'a request to merge metadata through the ECS native API',
];
const CANNOT_BUILD = (state: string): string => `state "${state}" cannot be arranged through the API (keep the server building by other means)`;
const NEEDS_LOCK = (state: string): string => `state "${state}" needs --allow-lock (with --allow-writes): the verifier then locks the server through Nova's server action API, and unlocks it after the interaction`;

const STUB_TOKEN = 'stub-token-7f3a9c2e51';
const ORIGINAL = { owner: 'jonas', env: 'prod' };

const byDescription = (interactions: readonly InteractionOutcome[]): Record<string, InteractionOutcome> =>
  Object.fromEntries(interactions.map((outcome) => [outcome.description, outcome]));

function endpoint(url: string, overrides: Partial<EndpointTarget> = {}): EndpointTarget {
  return { kind: 'endpoint', baseUrl: url, token: STUB_TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, ...overrides };
}

async function withStub<T>(flaw: StubFlaw, use: (stub: StubProvider) => Promise<T>): Promise<T> {
  const stub = await startStubProvider({
    token: STUB_TOKEN,
    projectId: EXAMPLE_PROJECT_ID,
    serverId: EXAMPLE_SERVER_ID,
    metadata: ORIGINAL,
    flaw,
  });
  try {
    return await use(stub);
  } finally {
    await stub.close();
  }
}

describe('verifyPacts against the embedded mock', () => {
  it('verifies every interaction of the committed pact', async () => {
    const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactFiles: [PACT_FILE] } });

    expect(report.interactions.map((outcome) => [outcome.description, outcome.status])).toEqual(ALL.map((description) => [description, 'verified']));
    expect(report.interactions.every((outcome) => outcome.consumer === 'ecs-metadata-client' && outcome.provider === 'ecs-metadata-api')).toBe(true);
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
      expect(summary).toContain('15 verified, 0 failed, 0 not verifiable (15 interaction(s))');
      expect(await readFile(join(dir, 'results.xml'), 'utf8')).toContain('tests="15" failures="0"');
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
      locked.description = 'a request for the metadata of a server on the moon (v2.1)';
      locked.providerStates[0]!.name = 'a server on the moon exists';
      pact.interactions.push(locked);
      await writeFile(join(dir, 'pact.json'), JSON.stringify(pact));

      const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactDirs: [dir] } });

      const outcome = byDescription(report.interactions)['a request for the metadata of a server on the moon (v2.1)'];
      expect(outcome).toMatchObject({ status: 'failed', failures: ['no state handler for provider state "a server on the moon exists"'] });
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

describe('verifyPacts: the ECS native pact (provider ecs-native-metadata-api)', () => {
  it('verifies it against the embedded mock', async () => {
    const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, providers: ['ecs-native-metadata-api'], source: { kind: 'local', pactFiles: [NATIVE_PACT_FILE] } });
    expect(report.interactions.map((outcome) => [outcome.description, outcome.status, outcome.provider])).toEqual(
      NATIVE.map((description) => [description, 'verified', 'ecs-native-metadata-api']),
    );
    expect(report).toMatchObject({ provider: 'ecs-native-metadata-api', errors: [] });
    expect(decideExitCode(report).code).toBe(VerifierExitCode.Verified);
  });

  it('verifies both pacts of the workspace in one report, each interaction naming its provider', async () => {
    const report = await verifyPacts({ provider: { kind: 'embedded-mock' }, providers: ['ecs-metadata-api', 'ecs-native-metadata-api'] });
    expect(report.provider).toBe('ecs-metadata-api, ecs-native-metadata-api');
    expect(report.pactSources).toEqual([PACT_FILE, NATIVE_PACT_FILE]);
    expect(report.interactions.map((outcome) => outcome.description)).toEqual([...ALL, ...NATIVE]);
    expect(report.interactions.filter((outcome) => outcome.provider === 'ecs-native-metadata-api')).toHaveLength(3);
    expect(decideExitCode(report).code).toBe(VerifierExitCode.Verified);
    expect(toJUnitXml(report)).toContain('<testsuite name="ecs-metadata-client → ecs-native-metadata-api" tests="3"');
  });

  it('refuses an unknown provider name, and a pact file of a provider not asked for', async () => {
    await expect(verifyPacts({ provider: { kind: 'embedded-mock' }, providers: ['nova' as 'ecs-metadata-api'] })).rejects.toMatchObject({ name: 'ConfigError', setting: 'providers' });
    await expect(verifyPacts({ provider: { kind: 'embedded-mock' }, source: { kind: 'local', pactFiles: [NATIVE_PACT_FILE] } })).rejects.toThrow(
      /for provider "ecs-native-metadata-api"; this verifier verifies "ecs-metadata-api"/u,
    );
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
      [READ_ONE, WITH_METADATA],
      [DELETE_ONE, WITH_METADATA],
      [MERGE_FULL, FULL],
    ] as const) {
      expect(outcomes[description]).toMatchObject({ status: 'not-verifiable', reason: `needs --allow-writes to arrange state "${state}"`, unarrangeableStates: [state] });
    }
    expect(outcomes[MERGE_LOCKED]).toMatchObject({ status: 'not-verifiable', reason: NEEDS_LOCK(LOCKED), unarrangeableStates: [LOCKED] });
    expect(outcomes[REPLACE_BUILDING]).toMatchObject({ status: 'not-verifiable', reason: CANNOT_BUILD(BUILDING), unarrangeableStates: [BUILDING] });
    expect(report.interactions.filter((outcome) => outcome.status === 'verified')).toHaveLength(2);
    expect(skippedStates(report)).toEqual([BUILDING, LOCKED, FULL, WITH_METADATA, WITHOUT_METADATA]);
    expect(decideExitCode(report).code).toBe(VerifierExitCode.NotVerifiable);
    expect(decideExitCode(report, [WITHOUT_METADATA, WITH_METADATA, FULL, LOCKED, BUILDING]).code).toBe(VerifierExitCode.Verified);
    expect(decideExitCode(report, [WITH_METADATA]).code).toBe(VerifierExitCode.NotVerifiable);
    // Nothing was written, and the not-verifiable interactions were never sent.
    const sent = mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin'));
    expect(sent.every((entry) => entry.method === 'GET')).toBe(true);
    expect(sent.some((entry) => entry.path.startsWith('/v2/'))).toBe(false);
  });

  it('with writes: arranges each state on the server and restores its metadata afterwards', async () => {
    await withStub('none', async (stub) => {
      const report = await verifyPacts({ provider: endpoint(stub.url, { allowWrites: true }), source: { kind: 'local', pactFiles: [PACT_FILE] } });

      // Every interaction verified but the two whose state no metadata call can arrange.
      expect(report.interactions.map((outcome) => [outcome.description, outcome.status])).toEqual(
        ALL.map((description) => [description, description === MERGE_LOCKED || description === REPLACE_BUILDING ? 'not-verifiable' : 'verified']),
      );
      expect(report).toMatchObject({ errors: [], metadataRestored: true });
      expect(decideExitCode(report, [LOCKED, BUILDING]).code).toBe(VerifierExitCode.Verified);
      expect(stub.metadata()).toEqual(ORIGINAL);
      const puts = stub.requests.filter((request) => request.method === 'PUT').map((request) => JSON.parse(request.body) as unknown);
      expect(puts).toContainEqual({ metadata: { wj: 'True' } });
      expect(puts).toContainEqual({ metadata: {} });
      expect(puts.some((put) => Object.keys((put as { metadata?: object }).metadata ?? {}).length === 128)).toBe(true);
      // The unarrangeable interactions were never sent: nothing reached the server as a locked one's merge.
      expect(stub.requests.filter((request) => request.method === 'POST')).toHaveLength(2);
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
