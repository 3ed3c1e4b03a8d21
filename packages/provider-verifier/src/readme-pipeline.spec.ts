import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { type FakeBroker, startFakeBroker } from './test-support/fake-broker.js';
import { PACT_FILE, runProcess } from './test-support/run-bin.js';

/**
 * The README's "Contract pipeline" section, run as written: each `sh` block in order, in the
 * workspace root, with the environment a CI job would set pointing at the fake broker and at the mock
 * provider standing in for a gateway. (A general "every README block runs" mechanism can take this over.)
 */

const WORKSPACE = fileURLToPath(new URL('../../../', import.meta.url));
const SECTION = '## Contract pipeline';
const BROKER_TOKEN = 'pipeline-broker-token-31e0c2';
const PROVIDER_TOKEN = 'pipeline-provider-token-8d2b47';
const STATE_HANDLERS = 'state-handlers.mjs';

/**
 * The gateway team's `--state-handlers` module for the one state no endpoint can arrange by itself:
 * it holds the server in `building` through the mock's admin API (standing in for a test cloud's
 * operator tooling) and puts it back afterwards.
 */
const BUILDING_HANDLER = `
let restore;
export default {
  'a building server exists': {
    async setup(params, target) {
      const url = \`\${target.baseUrl}/_admin/projects/\${target.projectId}/servers/\${target.serverId}\`;
      const put = (body) => fetch(url, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      const saved = await (await fetch(url)).json();
      restore = () => put({ metadata: saved.metadata, vmState: saved.vmState, locked: saved.locked });
      await put({ metadata: params.metadata ?? {}, vmState: 'building' });
    },
    async teardown() {
      await restore?.();
    },
  },
};
`;

/** The fenced `sh` blocks of one `## ` section of a Markdown text, in order. */
function shellBlocksOf(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) {
    throw new Error(`no section "${heading}"`);
  }
  const next = markdown.indexOf('\n## ', start + heading.length + 1);
  const section = markdown.slice(start, next < 0 ? undefined : next);
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gmu)].map((match) => match[1] ?? '');
}

let dir: string;
let mock: MockProvider;
let broker: FakeBroker;
let blocks: string[];

beforeAll(async () => {
  blocks = shellBlocksOf(await readFile(join(WORKSPACE, 'README.md'), 'utf8'), SECTION);
  dir = await mkdtemp(join(tmpdir(), 'readme-pipeline-'));
  // The consumer publishes the committed contract of the provider that verifies through the broker.
  await mkdir(join(dir, 'pacts'));
  await copyFile(PACT_FILE, join(dir, 'pacts', basename(PACT_FILE)));
  await writeFile(join(dir, STATE_HANDLERS), BUILDING_HANDLER);
  mock = await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE });
  mock.admin.addToken(PROVIDER_TOKEN, EXAMPLE_PROJECT_ID);
  broker = await startFakeBroker({ auth: { token: BROKER_TOKEN } });
});

afterAll(async () => {
  await broker?.close();
  await mock?.close();
  await rm(dir, { recursive: true, force: true });
});

/** What a CI job sets; `PACT_URL` is what the broker's webhook would pass (the latest pact). */
function ciEnvironment(): Record<string, string> {
  const pact = broker.model.pacts.at(-1);
  return {
    HOME: process.env.HOME ?? dir,
    PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    PACT_BROKER_BASE_URL: broker.url,
    PACT_BROKER_TOKEN: BROKER_TOKEN,
    PACT_BROKER_HTTP_RETRIES: '0',
    GIT_COMMIT: '3f9a2c1',
    GIT_BRANCH: 'main',
    BUILD_URL: 'https://ci.example/builds/42',
    PACT_ENVIRONMENT: 'production',
    PACT_DIR: join(dir, 'pacts'),
    ECS_METADATA_ENDPOINT: mock.url,
    ECS_METADATA_TOKEN: PROVIDER_TOKEN,
    ECS_METADATA_PROJECT_ID: EXAMPLE_PROJECT_ID,
    ECS_METADATA_SERVER_ID: EXAMPLE_SERVER_ID,
    PROVIDER_STATE_HANDLERS: join(dir, STATE_HANDLERS),
    PACT_URL: pact === undefined ? '' : `${broker.url}/pacts/provider/${pact.provider}/consumer/${pact.consumer}/pact-version/${pact.sha}`,
    npm_config_update_notifier: 'false',
  };
}

describe('README "Contract pipeline"', () => {
  it('has the five steps', () => {
    expect(blocks).toHaveLength(5);
  });

  it('runs as written, in order, against the test broker', async () => {
    for (const [index, block] of blocks.entries()) {
      const run = await runProcess('bash', ['-euo', 'pipefail', '-c', block], ciEnvironment(), 60_000, undefined, WORKSPACE);
      if (run.code !== 0) {
        throw new Error(`README block ${index + 1} exited ${String(run.code)}:\n${block}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`);
      }
      expect(run.stdout + run.stderr).not.toContain(PROVIDER_TOKEN);
      expect(run.stdout + run.stderr).not.toContain(BROKER_TOKEN);
    }
    // What the blocks did, as the broker recorded it.
    expect(broker.model.pacts.map((pact) => [pact.consumer, pact.consumerVersion.number, pact.consumerVersion.branch])).toEqual([['ecs-metadata-client', '3f9a2c1', 'main']]);
    expect(broker.model.verifications.map((result) => [result.provider, result.providerVersion.number, result.success])).toEqual([
      ['ecs-metadata-api', '3f9a2c1', true],
      ['ecs-metadata-api', '3f9a2c1', true],
    ]);
    expect(
      broker.model.deployments.map((deployment) => [
        deployment.version.pacticipant,
        deployment.environment.name,
        deployment.currentlyDeployed,
      ]),
    ).toEqual([
      ['ecs-metadata-api', 'production', true],
      ['ecs-metadata-client', 'production', true],
    ]);
  }, 240_000);

  it('stops a script at once, naming the variable it lacks', async () => {
    const env = ciEnvironment();
    delete env['GIT_COMMIT'];
    const calls = broker.calls.length;
    const run = await runProcess('npm', ['run', '--silent', 'pact:can-i-deploy'], env, 30_000, undefined, WORKSPACE);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('GIT_COMMIT: set GIT_COMMIT to the commit SHA');
    expect(broker.calls.length).toBe(calls);
  });
});
