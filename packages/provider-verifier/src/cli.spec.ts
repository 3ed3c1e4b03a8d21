import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, endpointArgs, PACT_FILE, runBin } from './test-support/run-bin.js';
import { startStubProvider } from './test-support/stub-provider.js';

const TOKEN = 'cli-token-4b8e61d0a7f2';
const WITH_METADATA = 'a server with metadata exists';
const WITHOUT_METADATA = 'a server without metadata exists';
const LOCKED = 'a locked server exists';
const BUILDING = 'a building server exists';
const FULL = 'a server with 128 metadata items exists';
/** Every state a real endpoint cannot arrange without writes, as the bin lists them (sorted). */
const SKIPPED_STATES = [BUILDING, LOCKED, FULL, WITH_METADATA, WITHOUT_METADATA];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pv-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const testcases = (xml: string): string[] => [...xml.matchAll(/<testcase [^>]*name="([^"]*)"/gu)].map((match) => match[1] as string);

function expectNoSecret(run: BinRun, ...files: string[]): void {
  expect(run.stdout).not.toContain(TOKEN);
  expect(run.stderr).not.toContain(TOKEN);
  for (const file of files) {
    expect(file).not.toContain(TOKEN);
  }
}

describe('ecs-metadata-verify --against-mock', () => {
  it('verifies both committed pacts, exits 0 and writes a JUnit report with one testcase per interaction', async () => {
    const junit = join(dir, 'reports', 'mock.xml');
    const run = await runBin(['--against-mock', '--junit', junit]);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Provider ecs-metadata-api, ecs-native-metadata-api at the embedded mock');
    expect(run.stdout).toContain('✓ a request for server metadata (v2.1)');
    expect(run.stdout).toContain('✓ a request to merge metadata into a server with 128 items (v2.1)');
    expect(run.stdout).toContain('✓ a request to delete one metadata item through the ECS native API');
    // 15 interactions of the Nova-compatible pact, 3 of the native one.
    expect(run.stdout).toContain('18 verified, 0 failed, 0 not verifiable');
    const xml = await readFile(junit, 'utf8');
    expect(xml).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>/u);
    expect(testcases(xml)).toHaveLength(18);
    expect(xml).toContain('tests="18" failures="0" errors="0" skipped="0"');
    expect(xml).not.toMatch(/<failure|<skipped|<error/u);
    // Written through a temporary file that was renamed: nothing else is left beside it.
    expect(await readdir(join(dir, 'reports'))).toEqual(['mock.xml']);
  });
});

describe('ecs-metadata-verify --provider-base-url (the mock started separately)', () => {
  let mock: MockProvider;
  let args: string[];
  beforeAll(async () => {
    mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
    mock.admin.addToken(TOKEN, EXAMPLE_PROJECT_ID);
    args = ['--provider-base-url', mock.url, '--token', TOKEN, '--project-id', EXAMPLE_PROJECT_ID, '--server-id', EXAMPLE_SERVER_ID];
  });
  afterAll(async () => {
    await mock.close();
  });

  it('sends --header to the provider, keeps its value out of the output, and warns about a command-line --token', async () => {
    const secret = 'tenant-secret-9d81f2';
    const before = mock.requestLog.length;
    const run = await runBin([...args, '--header', `X-Tenant: ${secret}`, '--log-level', 'info', '--pact-file', PACT_FILE]);

    expect(run.code).toBe(8);
    const sent = mock.requestLog.slice(before).filter((entry) => entry.path.includes('/servers/'));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((entry) => entry.headers['x-tenant'] === secret)).toBe(true);
    expect(run.stdout + run.stderr).not.toContain(secret);
    expect(run.stderr).toContain('warning: --token put a secret on the command line');
    expectNoSecret(run);
  });

  it('exits 8 without --allow-writes, listing each interaction it could not arrange with the reason', async () => {
    const junit = join(dir, 'real.xml');
    const run = await runBin([...args, '--junit', junit]);

    expect(run.code).toBe(8);
    expect(run.stdout).toContain('✓ a request for server metadata with an invalid token (v2.1)');
    expect(run.stdout).toContain('✓ a request for the metadata of an unknown server (v2.1)');
    expect(run.stdout).toContain(`– a request for server metadata (v2) [given "${WITH_METADATA}"]: not verifiable, needs --allow-writes to arrange state "${WITH_METADATA}"`);
    expect(run.stdout).toContain(`– a request for the metadata of a server without metadata (v2.1) [given "${WITHOUT_METADATA}"]: not verifiable`);
    expect(run.stdout).toContain(
      `– a request to merge metadata into a locked server (v2.1) [given "${LOCKED}"]: not verifiable, state "${LOCKED}" needs --allow-lock`,
    );
    // The native pact is verified only when asked for (--provider-name) against a real endpoint.
    expect(run.stdout).not.toContain('ECS native API');
    expect(run.stdout).toContain('2 verified, 0 failed, 13 not verifiable');
    expect(run.stderr).toContain(`--expect-skipped "${SKIPPED_STATES.join(',')}"`);
    const xml = await readFile(junit, 'utf8');
    // One per interaction, and the failing "verification run" of exit 8 (a CI widget must not show green).
    expect(testcases(xml)).toHaveLength(16);
    expect(xml).toMatch(/<testcase classname="[^"]*" name="verification run">\n\s+<error message="exit 8: /u);
    expect(xml.match(/<skipped message="not verifiable: needs --allow-writes/gu)).toHaveLength(11);
    expect(xml.match(/<skipped message="not verifiable: state &quot;a building server exists&quot; cannot be arranged/gu)).toHaveLength(1);
    expect(xml.match(/<skipped message="not verifiable: state &quot;a locked server exists&quot; needs --allow-lock/gu)).toHaveLength(1);
    expectNoSecret(run, xml);
  });

  it('exits 0 when --expect-skipped names exactly the skipped states, 8 when it does not', async () => {
    const exact = await runBin([...args, '--expect-skipped', `${WITHOUT_METADATA}, ${WITH_METADATA}, ${FULL}, ${LOCKED}, ${BUILDING}`]);
    expect(exact.code).toBe(0);
    expect(exact.stdout).toContain('13 skipped for the expected state(s)');

    const partial = await runBin([...args, '--expect-skipped', WITH_METADATA]);
    expect(partial.code).toBe(8);
    expect(partial.stdout).toContain(`expected to skip "${WITH_METADATA}" but skipped ${SKIPPED_STATES.map((state) => `"${state}"`).join(', ')}`);
    expectNoSecret(exact);
    expectNoSecret(partial);
  });

  it('takes the endpoint and credentials from the environment', async () => {
    const run = await runBin(['--expect-skipped', SKIPPED_STATES.join(',')], {
      ECS_METADATA_ENDPOINT: mock.url,
      ECS_METADATA_TOKEN: TOKEN,
      ECS_METADATA_PROJECT_ID: EXAMPLE_PROJECT_ID,
      ECS_METADATA_SERVER_ID: EXAMPLE_SERVER_ID,
    });
    expect(run.code).toBe(0);
    expectNoSecret(run);
  });
});

describe('ecs-metadata-verify --provider-name', () => {
  it('verifies only the pact named, here the native one against the mock', async () => {
    const run = await runBin(['--against-mock', '--provider-name', 'ecs-native-metadata-api']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Provider ecs-native-metadata-api at the embedded mock');
    expect(run.stdout).toContain('3 verified, 0 failed, 0 not verifiable');
  });

  it('verifies the native pact on a real endpoint when asked; without writes not even the unknown-server POST is sent', async () => {
    const mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
    try {
      mock.admin.addToken(TOKEN, EXAMPLE_PROJECT_ID);
      const run = await runBin([
        '--provider-base-url',
        mock.url,
        '--token',
        TOKEN,
        '--project-id',
        EXAMPLE_PROJECT_ID,
        '--server-id',
        EXAMPLE_SERVER_ID,
        '--provider-name',
        'ecs-native-metadata-api',
      ]);
      expect(run.code).toBe(8);
      expect(run.stdout).toContain('a request to merge metadata into an unknown server through the ECS native API [given "no server exists"]: not verifiable, not sent: a POST request is sent only with --allow-writes');
      expect(run.stdout).toContain('0 verified, 0 failed, 3 not verifiable');
      expect(mock.requestLog.filter((entry) => entry.method !== 'GET' && !entry.path.startsWith('/_admin'))).toEqual([]);
      expectNoSecret(run);
    } finally {
      await mock.close();
    }
  });
});

describe('ecs-metadata-verify against a broken provider', () => {
  it("passes Pact's own output through the redactor, without colour codes off a terminal", async () => {
    // The provider echoes the token it was sent into the body: Pact's own failure diff would print it.
    const stub = await startStubProvider({ token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { a: 'b' }, flaw: 'echo-token' });
    try {
      const run = await runBin([...endpointArgs(stub.url, TOKEN, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID), '--allow-writes', '--log-level', 'debug']);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain('Type mismatch: Expected ["***"] (Array)');
      expect(run.stdout).toContain('Verifying a pact between ecs-metadata-client and ecs-metadata-api');
      expect(run.stdout + run.stderr).not.toContain('\u001b[');
      expectNoSecret(run);
    } finally {
      await stub.close();
    }
  });

  it('exits 1 and names the interaction and the mismatch, on stdout and in JUnit', async () => {
    const stub = await startStubProvider({ token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { a: 'b' }, flaw: 'metadata-as-list' });
    try {
      const junit = join(dir, 'broken.xml');
      const run = await runBin([
        '--provider-base-url',
        stub.url,
        '--project-id',
        EXAMPLE_PROJECT_ID,
        '--server-id',
        EXAMPLE_SERVER_ID,
        '--allow-writes',
        '--junit',
        junit,
      ], { ECS_METADATA_TOKEN: TOKEN });

      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/✗ a request for server metadata \(v2\.1\).*\n\s+\$\.metadata: Type mismatch: Expected \["a"\] \(Array\)/u);
      expect(run.stdout).toContain('The server metadata changed for the states was restored.');
      expect(stub.metadata()).toEqual({ a: 'b' });
      const xml = await readFile(junit, 'utf8');
      expect(xml).toContain('<failure message="$.metadata: Type mismatch: Expected [&quot;a&quot;] (Array)');
      expect(xml).toContain('tests="15" failures="3"');
      expectNoSecret(run, xml);
    } finally {
      await stub.close();
    }
  });
});

describe('ecs-metadata-verify interrupted', () => {
  it('restores the metadata it changed and exits 130 on SIGINT', async () => {
    const stub = await startStubProvider({ token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { keep: 'me' }, flaw: 'hang' });
    try {
      const run = await runBin(
        ['--provider-base-url', stub.url, '--project-id', EXAMPLE_PROJECT_ID, '--server-id', EXAMPLE_SERVER_ID, '--allow-writes', '--timeout', '20000'],
        { ECS_METADATA_TOKEN: TOKEN },
        25_000,
        (child) => {
          // Once the first state is arranged (and Pact's request hangs), interrupt.
          const poll = setInterval(() => {
            if (stub.requests.some((request) => request.method === 'PUT')) {
              clearInterval(poll);
              child.kill('SIGINT');
            }
          }, 20);
          child.on('close', () => clearInterval(poll));
        },
      );

      expect(run.code).toBe(130);
      expect(run.stderr).toContain(`interrupted; metadata of ${EXAMPLE_SERVER_ID} restored`);
      expect(stub.metadata()).toEqual({ keep: 'me' });
      expect(stub.requests.filter((request) => request.method === 'PUT').map((request) => request.body)).toEqual([
        JSON.stringify({ metadata: { wj: 'True' } }),
        JSON.stringify({ metadata: { keep: 'me' } }),
      ]);
      expectNoSecret(run);
    } finally {
      await stub.close();
    }
  });
});

describe('ecs-metadata-verify usage errors (exit 2, naming the flag)', () => {
  it.each([
    [['--against-mock', '--publish-results'], '--provider-version'],
    [['--against-mock', '--log-level', 'loud'], '--log-level must be one of trace, debug, info, warn, error'],
    [['--against-mock', '--header', 'no-colon'], '--header takes "Name: value"'],
    [['--against-mock', '--header', 'X-Auth-Token: x'], '--header: The token goes in with the credentials'],
    [['--against-mock', '--allow-lock'], '--allow-lock applies to --provider-base-url only'],
    [['--against-mock', '--publish-results', '--provider-version', 'abc123'], '--provider-branch'],
    [['--against-mock', '--publish-results', '--provider-version', 'abc123', '--provider-branch', 'main'], '--broker-url'],
    [['--against-mock', '--provider-base-url', 'http://127.0.0.1:9'], '--against-mock and --provider-base-url exclude each other'],
    [[], '--against-mock, or --provider-base-url'],
    [['--provider-base-url', 'http://gw.example.com', '--token', TOKEN, '--project-id', EXAMPLE_PROJECT_ID, '--server-id', 'x'], '--provider-base-url: The provider base URL must use https'],
    [['--provider-base-url', 'https://gw.example.com', '--project-id', EXAMPLE_PROJECT_ID, '--server-id', 'x'], '--token: No credentials configured: set a token (ECS_METADATA_TOKEN or OS_TOKEN), an AK/SK pair'],
    [['--provider-base-url', 'https://gw.example.com', '--token', TOKEN, '--project-id', 'NOT-HEX', '--server-id', 'x'], '--project-id'],
    [['--against-mock', '--token', TOKEN], '--token applies to --provider-base-url only'],
    [['--against-mock', '--enable-pending'], '--enable-pending applies to pacts from a broker'],
    [['--against-mock', '--broker-url', 'http://127.0.0.1:9', '--consumer-version-selectors', '{not json'], '--consumer-version-selectors'],
    [['--against-mock', '--pact-dir', '/nonexistent/pacts'], '--pact-dir: Cannot read the pact directory /nonexistent/pacts: it does not exist'],
    [['--against-mock', '--timeout', 'soon'], '--timeout'],
    [['--against-mock', '--provider-name', 'nova'], '--provider-name must be one of ecs-metadata-api, ecs-native-metadata-api; got "nova"'],
    [['--against-mock', '--no-such-flag'], "'--no-such-flag'"],
  ])('%j → %s', async (args, named) => {
    const run = await runBin(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(named);
    expect(run.stdout).toBe('');
    expectNoSecret(run);
  });

  it('accepts finding no pact only with --no-fail-if-no-pacts-found', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty, { recursive: true });
    const pact = JSON.parse(await readFile(PACT_FILE, 'utf8')) as Record<string, unknown>;
    await writeFile(join(empty, 'pact.json'), JSON.stringify({ ...pact, interactions: [] }));

    expect((await runBin(['--against-mock', '--pact-dir', empty])).code).toBe(1);
    const allowed = await runBin(['--against-mock', '--pact-dir', empty, '--no-fail-if-no-pacts-found']);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toContain('no pact found, and --no-fail-if-no-pacts-found accepts that');
  });

  it('prints its usage with --help', async () => {
    const run = await runBin(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Exit codes: 0 all verified; 1 a mismatch or an error (also: results held back');
    expect(run.stdout).toContain('3 the broker refused the credentials');
    expect(run.stdout).toContain('10 a journal that cannot be used');
    expect(run.stdout).toContain('--pact-url URL');
  });
});
