import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigError, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { checkStateHandlers, loadStateHandlers } from './state-handlers.js';
import { endpointArgs, runBin } from './test-support/run-bin.js';

const TOKEN = 'handler-token-3f9a0d27c4';
const ORIGINAL = { keep: 'me' };

/**
 * A user's module for "a building server exists": it holds the server in `building` through the
 * mock's admin API (as an operator's tooling would on a test cloud) and puts it back in teardown.
 */
const HANDLERS = `
const admin = (url) => \`\${url}/_admin/projects/\${'${EXAMPLE_PROJECT_ID}'}/servers/\${'${EXAMPLE_SERVER_ID}'}\`;
let saved;
export default {
  'a building server exists': {
    async setup(params, target) {
      saved = await (await fetch(admin(target.baseUrl))).json();
      const metadata = params.metadata ?? {};
      await fetch(admin(target.baseUrl), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata, vmState: 'building' }) });
    },
    async teardown() {
      await fetch(admin(process.env.HANDLER_BASE_URL), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: saved.metadata, vmState: 'active' }) });
    },
  },
};
`;

let mock: MockProvider;
let dir: string;
beforeAll(async () => {
  mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
  mock.admin.addToken(TOKEN, EXAMPLE_PROJECT_ID);
  mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: ORIGINAL });
  dir = await mkdtemp(join(tmpdir(), 'pv-handlers-'));
  await writeFile(join(dir, 'handlers.mjs'), HANDLERS);
  await writeFile(join(dir, 'not-handlers.mjs'), 'export default { "a building server exists": 42 };\n');
  await writeFile(join(dir, 'built-in.mjs'), 'export const stateHandlers = { "a server with metadata exists": { async setup() {} } };\n');
});
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

const endpointFlags = (): string[] => endpointArgs(mock.url, TOKEN, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID);

describe('--state-handlers: user-supplied handlers for states the verifier cannot arrange', () => {
  it('arranges "a building server exists" with the user module, so every interaction verifies', async () => {
    const run = await runBin([...endpointFlags(), '--allow-writes', '--allow-lock', '--state-handlers', join(dir, 'handlers.mjs')], { HANDLER_BASE_URL: mock.url });

    expect(run.stdout).toContain('✓ a request to replace the metadata of a building server (v2.1)');
    expect(run.stdout).toContain('15 verified, 0 failed, 0 not verifiable');
    expect(run.code).toBe(0);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)).toMatchObject({ metadata: ORIGINAL, vmState: 'active', locked: false });
  });

  it('refuses a module that is not a map of handlers, and a handler for a state the verifier arranges itself', async () => {
    await expect(loadStateHandlers(join(dir, 'not-handlers.mjs'))).rejects.toThrow('the handler of state "a building server exists" needs a setup function');
    await expect(loadStateHandlers(join(dir, 'missing.mjs'))).rejects.toThrow(ConfigError);
    expect(() => checkStateHandlers([], 'x')).toThrow('must export');

    const run = await runBin([...endpointFlags(), '--allow-writes', '--state-handlers', join(dir, 'not-handlers.mjs')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('not-handlers.mjs: the handler of state "a building server exists" needs a setup function');

    const puts = (): number => mock.requestLog.filter((entry) => entry.method === 'PUT').length;
    const before = puts();
    const clash = await runBin([...endpointFlags(), '--allow-writes', '--state-handlers', join(dir, 'built-in.mjs')]);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain('--state-handlers: state "a server with metadata exists" is arranged by the verifier itself');
    expect(puts()).toBe(before);
  });
});
