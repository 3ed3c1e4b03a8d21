import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { ENDPOINT_UNARRANGEABLE_STATES } from './internal/contract.js';
import { type FakeBroker, startFakeBroker } from './test-support/fake-broker.js';
import { type BinRun, PACT_FILE, runBin, runPactBroker } from './test-support/run-bin.js';

/**
 * The whole contract pipeline, driven by the official `pact-broker` CLI and the real
 * `ecs-metadata-verify` bin against the fake broker (issue 13 item 6): publish → verify with
 * selectors → publish results → can-i-deploy → record-deployment → `deployedOrReleased` matches.
 */

const PROVIDER_TOKEN = 'provider-token-7f31c9e2aa';
const BROKER_USER = 'pipeline-user';
const BROKER_PASSWORD = 'broker-password-5be0d1c4';
const CONSUMER = 'ecs-metadata-client';
const PROVIDER = 'ecs-metadata-api';
const UNKNOWN_SERVER = 'a request for the metadata of an unknown server (v2.1)';

let dir: string;
let goodPacts: string;
let brokenPacts: string;
let mock: MockProvider;
let broker: FakeBroker;
let brokerEnv: Record<string, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'broker-flow-'));
  const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as { interactions: { description: string; providerStates?: { name: string }[]; response: { status: number } }[] };
  // What a real endpoint can arrange with --allow-writes: every interaction but the locked and building ones.
  pact.interactions = pact.interactions.filter(
    (interaction) => !(interaction.providerStates ?? []).some((state) => ENDPOINT_UNARRANGEABLE_STATES.has(state.name)),
  );
  goodPacts = join(dir, 'good');
  brokenPacts = join(dir, 'broken');
  await writeFile(`${goodPacts}.json`, JSON.stringify(pact));
  // A consumer change the provider does not honour: a 410 where the provider answers 404.
  const broken = structuredClone(pact);
  const changed = broken.interactions.find((interaction) => interaction.description === UNKNOWN_SERVER);
  if (changed === undefined) {
    throw new Error(`the pact has no "${UNKNOWN_SERVER}"`);
  }
  changed.response.status = 410;
  await writeFile(`${brokenPacts}.json`, JSON.stringify(broken));

  mock = await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE });
  mock.admin.addToken(PROVIDER_TOKEN, EXAMPLE_PROJECT_ID);
  broker = await startFakeBroker({ auth: { username: BROKER_USER, password: BROKER_PASSWORD } });
  brokerEnv = { PACT_BROKER_BASE_URL: broker.url, PACT_BROKER_USERNAME: BROKER_USER, PACT_BROKER_PASSWORD: BROKER_PASSWORD };
});

afterAll(async () => {
  await broker?.close();
  await mock?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `ecs-metadata-verify` against the mock as a real endpoint (writes allowed), pacts from the broker. */
function verify(args: readonly string[]): Promise<BinRun> {
  return verifyFrom(['--broker-url', broker.url, ...args]);
}

/** `ecs-metadata-verify` against the mock as a real endpoint, with the broker credentials in the environment. */
function verifyFrom(args: readonly string[]): Promise<BinRun> {
  return runBin(
    [
      '--provider-base-url',
      mock.url,
      '--project-id',
      EXAMPLE_PROJECT_ID,
      '--server-id',
      EXAMPLE_SERVER_ID,
      '--allow-writes',
      ...args,
    ],
    { ...brokerEnv, ECS_METADATA_TOKEN: PROVIDER_TOKEN },
    40_000,
  );
}

function publishResults(version: string, branch = 'main'): string[] {
  return ['--publish-results', '--provider-version', version, '--provider-branch', branch, '--build-url', `https://ci.example/provider/${version}`];
}

function expectNoSecret(run: BinRun): void {
  for (const secret of [PROVIDER_TOKEN, BROKER_PASSWORD, Buffer.from(`${BROKER_USER}:${BROKER_PASSWORD}`).toString('base64')]) {
    expect(run.stdout + run.stderr).not.toContain(secret);
  }
}

describe('the contract pipeline with the official pact-broker CLI', () => {
  it('publishes, verifies, answers can-i-deploy, records deployments, and deployedOrReleased follows them', async () => {
    // Consumer CI: publish the pact of commit c1 on main.
    const published = await runPactBroker(['publish', `${goodPacts}.json`, '--consumer-app-version', 'c1', '--branch', 'main', '--build-url', 'https://ci.example/consumer/c1'], brokerEnv);
    expect(published).toMatchObject({ code: 0 });
    expect(published.stdout).toContain(`Pact published for ${CONSUMER} version c1 (branch main) and provider ${PROVIDER}`);

    const described = await runPactBroker(['describe-pacticipant', '--name', CONSUMER, '--output', 'json'], brokerEnv);
    expect(described.code).toBe(0);
    expect(JSON.parse(described.stdout)).toMatchObject({ name: CONSUMER, mainBranch: 'main' });

    // Nothing is deployed yet: the deployedOrReleased selector alone finds no pact.
    const none = await verify(['--consumer-version-selectors', '[{"deployedOrReleased":true}]']);
    expect(none.code).toBe(1);
    expect(none.stdout).toContain('No pacts found');

    // Provider CI: the default selectors (mainBranch, deployedOrReleased), results published for p1.
    const verified = await verify(['--enable-pending', ...publishResults('p1')]);
    expectNoSecret(verified);
    expect(verified.stdout).toContain('13 verified, 0 failed, 0 not verifiable');
    expect(verified.code).toBe(0);
    const [result] = broker.model.verifications;
    expect(result).toMatchObject({ success: true, providerVersion: { number: 'p1', branch: 'main' }, body: { buildUrl: 'https://ci.example/provider/p1' } });
    expect(broker.calls.every((call) => call.authorization === `Basic ${Buffer.from(`${BROKER_USER}:${BROKER_PASSWORD}`).toString('base64')}`)).toBe(true);

    // The provider may go first: no consumer is in production yet. Then it records its deployment.
    const providerCanDeploy = await runPactBroker(['can-i-deploy', '--pacticipant', PROVIDER, '--version', 'p1', '--to-environment', 'production'], brokerEnv);
    expect(providerCanDeploy).toMatchObject({ code: 0 });
    expect(providerCanDeploy.stdout).toContain('Computer says yes');
    expect(await runPactBroker(['record-deployment', '--pacticipant', PROVIDER, '--version', 'p1', '--environment', 'production'], brokerEnv)).toMatchObject({ code: 0 });

    // The consumer's c1 was verified by the provider version in production: yes; then it deploys.
    const consumerCanDeploy = await runPactBroker(['can-i-deploy', '--pacticipant', CONSUMER, '--version', 'c1', '--to-environment', 'production'], brokerEnv);
    expect(consumerCanDeploy.stdout).toContain('Computer says yes');
    expect(consumerCanDeploy.code).toBe(0);
    const recorded = await runPactBroker(['record-deployment', '--pacticipant', CONSUMER, '--version', 'c1', '--environment', 'production'], brokerEnv);
    expect(recorded.stdout).toContain(`Recorded deployment of ${CONSUMER} version c1 to production environment`);
    expect(recorded.code).toBe(0);

    // Now deployedOrReleased selects c1's pact.
    const deployed = await verify(['--consumer-version-selectors', '[{"deployedOrReleased":true}]']);
    expect(deployed.stdout).toContain('13 verified, 0 failed, 0 not verifiable');
    expect(deployed.stdout).toContain('currently deployed to production');
    expect(deployed.code).toBe(0);

    // A consumer branch the provider does not honour: verification fails, can-i-deploy says no.
    expect(await runPactBroker(['publish', `${brokenPacts}.json`, '--consumer-app-version', 'c2', '--branch', 'feature/gone'], brokerEnv)).toMatchObject({ code: 0 });
    const failing = await verify(['--consumer-version-selectors', '[{"branch":"feature/gone"}]', ...publishResults('p1')]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain(UNKNOWN_SERVER);
    expect(broker.model.verifications.at(-1)).toMatchObject({ success: false, providerVersion: { number: 'p1' } });
    const consumerCannotDeploy = await runPactBroker(['can-i-deploy', '--pacticipant', CONSUMER, '--version', 'c2', '--to-environment', 'production'], brokerEnv);
    expect(consumerCannotDeploy.stdout).toContain('Computer says no');
    expect(consumerCannotDeploy.code).toBe(1);
    // With pending and WIP pacts, main's build sees the branch's pact as work in progress: reported, not failing.
    const wip = await verify(['--enable-pending', '--include-wip-pacts-since', '2020-01-31', '--provider-branch', 'main']);
    expect(wip.stdout).toContain('a work in progress pact from branch feature/gone');
    expect(wip.stdout).toMatch(/pending/iu);
    expect(wip.code).toBe(0);
    // The failure is on c2's pact only: c1 stays deployable.
    expect(await runPactBroker(['can-i-deploy', '--pacticipant', CONSUMER, '--version', 'c1', '--to-environment', 'production'], brokerEnv)).toMatchObject({ code: 0 });
  }, 120_000);

  it('verifies the one pact a webhook names (--pact-url) and publishes the result to that pact version', async () => {
    const pact = broker.model.pacts.find((candidate) => candidate.consumerVersion.number === 'c1');
    expect(pact).toBeDefined();
    // What the broker's ${'$'}{pactbroker.pactUrl} looks like: the pact version, with a metadata segment.
    const pactUrl = `${broker.url}/pacts/provider/${PROVIDER}/consumer/${CONSUMER}/pact-version/${pact?.sha ?? ''}/metadata/Y3ZuPWMx`;
    const before = broker.model.verifications.length;
    const callsBefore = broker.calls.length;
    // PACT_BROKER_BASE_URL is set too, as in CI: the pact URL alone is verified.
    const junit = join(dir, 'pact-url.xml');
    const run = await verifyFrom(['--pact-url', pactUrl, ...publishResults('p2'), '--junit', junit]);
    expectNoSecret(run);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('testcase');
    expect(xml).not.toContain(BROKER_PASSWORD);
    expect(xml).not.toContain(PROVIDER_TOKEN);
    expect(run.stdout).toContain('13 verified, 0 failed, 0 not verifiable');
    expect(run.stdout).toContain(`Pacts: ${pactUrl}`);
    expect(run.code).toBe(0);
    expect(broker.model.verifications.slice(before)).toEqual([expect.objectContaining({ sha: pact?.sha, success: true, providerVersion: expect.objectContaining({ number: 'p2', branch: 'main' }) })]);
    expect(broker.calls.slice(callsBefore).filter((call) => call.path.includes('/for-verification'))).toEqual([]);
  }, 60_000);

  it.each(['debug', 'trace'])("keeps the broker's username, password and Basic header out of Pact's own output at --log-level %s", async (level) => {
    // Pact's core logs the broker credentials (`auth=User(name, password)`) at debug and trace, the
    // password in clear at trace; only the bin's supervisor, which filters the worker's output, can redact them.
    const run = await runBin(['--against-mock', '--provider-name', PROVIDER, '--broker-url', broker.url, '--log-level', level], brokerEnv, 40_000);
    expect(run.stdout).toContain('13 verified, 0 failed, 0 not verifiable');
    expect(run.stdout).toContain('User(***');
    expect(run.stdout + run.stderr).not.toContain(BROKER_USER);
    expectNoSecret(run);
    expect(run.code).toBe(0);
  }, 60_000);

  it('is refused by a broker behind basic auth without the right password', async () => {
    const run = await runPactBroker(['describe-pacticipant', '--name', CONSUMER], { ...brokerEnv, PACT_BROKER_PASSWORD: 'wrong-password' });
    expect(run.code).not.toBe(0);
    expect(run.stdout + run.stderr).toContain('401');
  });

  it('fails at once, naming the broker, when the CLI meets a broker that is down', async () => {
    const started = Date.now();
    const run = await runPactBroker(['can-i-deploy', '--pacticipant', CONSUMER, '--version', 'c1', '--to-environment', 'production'], { PACT_BROKER_BASE_URL: 'http://127.0.0.1:9' });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("Failed to access pact broker path 'http://127.0.0.1:9/matrix");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
