import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import type { InteractionOutcome } from './report.js';
import { PACT_FILE } from './test-support/run-bin.js';
import { type StubProvider, startStubProvider } from './test-support/stub-provider.js';
import { verifyPacts } from './verify-pacts.js';

const TOKEN = 'stub-token-5b1e0c77aa';
const ORIGINAL = { owner: 'jonas', env: 'prod' };
const FOREIGN_SERVER = '5e11a9d0-0000-4000-8000-00000000f0e1';
const ITEM_PATH = `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata`;

interface PactInteractionJson {
  description: string;
  providerStates?: { name: string; params?: Record<string, unknown> }[];
  request: { method: string; path: string; generators?: unknown; matchingRules?: unknown };
}
interface PactJson {
  interactions: PactInteractionJson[];
}

/** The committed pact's replace interaction, as the base of each hostile one. */
async function replaceInteraction(): Promise<PactInteractionJson> {
  const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as PactJson;
  const found = pact.interactions.find((interaction) => interaction.description === 'a request to replace metadata (v2.1)');
  if (found === undefined) {
    throw new Error('the committed pact has no replace interaction');
  }
  return found;
}

/** A hostile interaction: `method` to the literal `path` (no generator), under `states`. */
async function hostile(description: string, method: string, path: string, states: string[]): Promise<PactInteractionJson> {
  const base = structuredClone(await replaceInteraction());
  const params = base.providerStates?.[0]?.params ?? {};
  return {
    ...base,
    description,
    providerStates: states.map((name) => ({ name, params })),
    request: { ...base.request, method, path, generators: undefined, matchingRules: undefined },
  };
}

describe('write safety: hostile pact files against a provider that records every request', () => {
  let stub: StubProvider;
  let foreign: StubProvider;
  let dir: string;

  beforeEach(async () => {
    stub = await startStubProvider({ token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: ORIGINAL });
    // Another host an absolute URL in a pact points to: it must hear nothing either.
    foreign = await startStubProvider({ token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: ORIGINAL });
    dir = await mkdtemp(join(tmpdir(), 'pv-hostile-'));
  });
  afterEach(async () => {
    await Promise.all([stub.close(), foreign.close(), rm(dir, { recursive: true, force: true })]);
  });

  async function verifyHostile(interactions: PactInteractionJson[], allowWrites: boolean): Promise<Record<string, InteractionOutcome>> {
    const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as PactJson;
    await writeFile(join(dir, 'hostile.json'), JSON.stringify({ ...pact, interactions }));
    const report = await verifyPacts({
      provider: { kind: 'endpoint', baseUrl: stub.url, token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, allowWrites },
      source: { kind: 'local', pactDirs: [dir] },
    });
    return Object.fromEntries(report.interactions.map((outcome) => [outcome.description, outcome]));
  }

  const pactWrites = (provider: StubProvider): string[] =>
    provider.requests.filter((request) => !request.fromVerifier && request.method !== 'GET').map((request) => `${request.method} ${request.path}`);

  it('without --allow-writes sends no write at all, state or not, and reports each as not verifiable', async () => {
    const outcomes = await verifyHostile(
      [
        await hostile('PUT without a state', 'PUT', ITEM_PATH, []),
        await hostile('POST without a state', 'POST', ITEM_PATH, []),
        await hostile('DELETE without a state', 'DELETE', `${ITEM_PATH}/owner`, []),
        await hostile('PUT with an arrangeable state', 'PUT', ITEM_PATH, ['a server with metadata exists']),
      ],
      false,
    );

    expect(stub.requests.filter((request) => request.method !== 'GET')).toEqual([]);
    expect(stub.metadata()).toEqual(ORIGINAL);
    for (const description of ['PUT without a state', 'POST without a state', 'DELETE without a state', 'PUT with an arrangeable state']) {
      expect(outcomes[description]).toMatchObject({ status: 'not-verifiable' });
    }
    expect(outcomes['PUT without a state']).toMatchObject({ reason: expect.stringContaining('only with --allow-writes') });
  });

  it('with --allow-writes sends no write whose states the verifier did not arrange, nor to another server or host', async () => {
    const outcomes = await verifyHostile(
      [
        await hostile('PUT without a state', 'PUT', ITEM_PATH, []),
        await hostile('POST without a state', 'POST', ITEM_PATH, []),
        await hostile('DELETE without a state', 'DELETE', `${ITEM_PATH}/owner`, []),
        await hostile('PUT under an unknown state', 'PUT', ITEM_PATH, ['a server on the moon exists']),
        await hostile('PUT under a known and an unknown state', 'PUT', ITEM_PATH, ['a server with metadata exists', 'a server on the moon exists']),
        await hostile('POST under a state no endpoint can arrange', 'POST', ITEM_PATH, ['a building server exists']),
        await hostile('PUT to a literal foreign server', 'PUT', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${FOREIGN_SERVER}/metadata`, ['a server with metadata exists']),
        await hostile('PUT to a literal foreign server under no server exists', 'PUT', `/v2.1/${EXAMPLE_PROJECT_ID}/servers/${FOREIGN_SERVER}/metadata`, ['no server exists']),
        await hostile('PUT to another project', 'PUT', `/v2.1/0123456789abcdef0123456789abcdef/servers/${EXAMPLE_SERVER_ID}/metadata`, ['a server with metadata exists']),
        await hostile('PUT to an absolute URL', 'PUT', `${foreign.url}${ITEM_PATH}`, ['a server with metadata exists']),
        await hostile('GET of an absolute URL', 'GET', `${foreign.url}${ITEM_PATH}`, ['a server with metadata exists']),
        await hostile('PUT to a scheme-relative URL', 'PUT', `//${new URL(foreign.url).host}${ITEM_PATH}`, ['a server with metadata exists']),
        await hostile('PUT outside the metadata API', 'PUT', `/v2.1/${EXAMPLE_PROJECT_ID}/flavors/1`, ['a server with metadata exists']),
        // Dot segments climb out of the arranged server once a URL parser resolves them (Pact's core
        // does, before the request filter sees it: the guard then judges the server really named).
        await hostile('PUT climbing to a foreign server', 'PUT', `${ITEM_PATH.replace('/metadata', '')}/../${FOREIGN_SERVER}/metadata`, ['a server with metadata exists']),
        await hostile('PUT climbing with encoded dots', 'PUT', `${ITEM_PATH.replace('/metadata', '')}/%2e%2E/${FOREIGN_SERVER}/metadata`, ['a server with metadata exists']),
        await hostile('PUT climbing with a backslash', 'PUT', `${ITEM_PATH.replace('/metadata', '')}/..\\${FOREIGN_SERVER}/metadata`, ['a server with metadata exists']),
      ],
      true,
    );

    // Nothing Pact asked for was written: only the verifier's own arranging writes and restores arrived.
    expect(pactWrites(stub)).toEqual([]);
    expect(stub.requests.filter((request) => request.path.includes('://'))).toEqual([]);
    expect(foreign.requests).toEqual([]);
    expect(stub.metadata()).toEqual(ORIGINAL);
    for (const [description, outcome] of Object.entries(outcomes)) {
      // The building state is known unarrangeable before the run: that interaction is left out of it.
      const reason = description.includes('no endpoint can arrange') ? expect.stringContaining('cannot be arranged') : expect.stringMatching(/^not sent: /u);
      expect(outcome).toMatchObject({ description, status: 'not-verifiable', reason });
    }
    expect(Object.keys(outcomes)).toHaveLength(16);
    expect(outcomes['PUT without a state']).toMatchObject({ reason: expect.stringContaining('it has none') });
    expect(outcomes['PUT under an unknown state']).toMatchObject({ reason: expect.stringContaining('"a server on the moon exists"') });
    expect(outcomes['PUT to a literal foreign server']).toMatchObject({ reason: expect.stringContaining(`server ${FOREIGN_SERVER}`) });
    expect(outcomes['PUT to an absolute URL']).toMatchObject({ reason: expect.stringContaining('is not a path') });
    expect(outcomes['GET of an absolute URL']).toMatchObject({ reason: expect.stringContaining('is not a path') });
    for (const climbing of ['PUT climbing to a foreign server', 'PUT climbing with encoded dots', 'PUT climbing with a backslash']) {
      expect(outcomes[climbing]).toMatchObject({ reason: expect.stringContaining(`server ${FOREIGN_SERVER}`) });
    }
  });

  it('with --allow-writes sends an arranged write to the server named, as the committed pact does', async () => {
    const outcomes = await verifyHostile([await replaceInteraction()], true);

    expect(outcomes['a request to replace metadata (v2.1)']).toMatchObject({ status: 'verified' });
    expect(pactWrites(stub)).toEqual([`PUT ${ITEM_PATH}`]);
    // Pact's request names the provider's host, not the loopback proxy in front of it.
    expect(stub.requests.filter((request) => !request.fromVerifier).map((request) => request.host)).toEqual([new URL(stub.url).host]);
    expect(stub.metadata()).toEqual(ORIGINAL);
  });
});
