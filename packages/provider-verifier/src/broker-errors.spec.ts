import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import { VerifierExitCode } from './report.js';
import { type BinRun, runBin } from './test-support/run-bin.js';

/**
 * A broker that cannot be used (issue 13 "Bad input"): a clear message naming the URL, never a
 * credential, a documented exit code, and nothing sent to the provider.
 */

const PROVIDER_TOKEN = 'provider-token-c4d1e8a702';
const BROKER_USER = 'ci-robot';
const BROKER_PASSWORD = 'broker-password-9a7e3f61';
const BASIC = Buffer.from(`${BROKER_USER}:${BROKER_PASSWORD}`).toString('base64');

interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

let mock: MockProvider;
let hostile: Server;
let hostileUrl: string;
/** What the hostile broker answers next. */
let answer: Answer;

beforeAll(async () => {
  mock = await startMockProvider({ port: 0, host: '127.0.0.1', fixture: DEFAULT_FIXTURE });
  mock.admin.addToken(PROVIDER_TOKEN, EXAMPLE_PROJECT_ID);
  hostile = createServer((req, res) => {
    // It echoes the Authorization header it got, as a careless proxy's error page might.
    res.writeHead(answer.status, { 'Content-Type': answer.type });
    res.end(answer.body.replace('{auth}', req.headers.authorization ?? ''));
  });
  await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
  hostileUrl = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => hostile.close(() => resolve()));
  await mock.close();
});

/** The verifier against the mock as a real endpoint (writes allowed), pacts from `source`. */
async function verifyWith(source: readonly string[]): Promise<BinRun> {
  const logged = mock.requestLog.length;
  const run = await runBin(
    ['--provider-base-url', mock.url, '--project-id', EXAMPLE_PROJECT_ID, '--server-id', EXAMPLE_SERVER_ID, '--allow-writes', '--timeout', '3000', ...source],
    { ECS_METADATA_TOKEN: PROVIDER_TOKEN, PACT_BROKER_USERNAME: BROKER_USER, PACT_BROKER_PASSWORD: BROKER_PASSWORD },
  );
  // Nothing reached the provider: the broker is asked before anything starts.
  expect(mock.requestLog.slice(logged)).toEqual([]);
  for (const secret of [PROVIDER_TOKEN, BROKER_PASSWORD, BASIC]) {
    expect(run.stdout + run.stderr).not.toContain(secret);
  }
  return run;
}

describe('a broker that cannot be used', () => {
  const cases: [string, number, Answer, RegExp][] = [
    ['an HTML page (a login portal)', VerifierExitCode.BrokerInvalidResponse, { status: 200, type: 'text/html', body: '<!DOCTYPE html><html><body>Sign in {auth}</body></html>' }, /did not answer JSON \(HTTP 200, text\/html\): the body starts "<!DOCTYPE html>/u],
    ['garbage', VerifierExitCode.BrokerInvalidResponse, { status: 200, type: 'application/json', body: '\u0000\u0001{{{ not json {auth}' }, /did not answer JSON/u],
    ['JSON that is not a broker index', VerifierExitCode.BrokerInvalidResponse, { status: 200, type: 'application/json', body: '{"hello":"world"}' }, /is not a Pact Broker: its index has no "pb:provider-pacts-for-verification" relation/u],
    ['a 502 from a proxy', VerifierExitCode.BrokerInvalidResponse, { status: 502, type: 'text/html', body: '<html>Bad Gateway {auth}</html>' }, /answered HTTP 502: the body starts "<html>Bad Gateway Basic \*\*\*/u],
    ['401', VerifierExitCode.BrokerRefused, { status: 401, type: 'text/plain', body: 'Unauthorized' }, /refused the credentials \(HTTP 401\): check --broker-token, or --broker-username and --broker-password/u],
    ['403', VerifierExitCode.BrokerRefused, { status: 403, type: 'application/json', body: '{"error":"forbidden"}' }, /denied access with these credentials \(HTTP 403\)/u],
  ];
  it.each(cases)('%s: exit %i', async (_, code, reply, message) => {
    answer = reply;
    const run = await verifyWith(['--broker-url', hostileUrl]);
    expect(run.stderr).toContain(hostileUrl);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(code);
  });

  it('a pact URL answering HTML: exit 5, naming the URL', async () => {
    answer = { status: 200, type: 'text/html', body: '<html>not a pact</html>' };
    const pactUrl = `${hostileUrl}/pacts/provider/ecs-metadata-api/consumer/ecs-metadata-client/pact-version/abc`;
    const run = await verifyWith(['--pact-url', pactUrl]);
    expect(run.stderr).toContain(`The pact at ${pactUrl} did not answer JSON`);
    expect(run.code).toBe(VerifierExitCode.BrokerInvalidResponse);
  });

  it('a pact URL answering JSON that is not a pact: exit 5', async () => {
    answer = { status: 200, type: 'application/hal+json', body: '{"_links":{}}' };
    const run = await verifyWith(['--pact-url', `${hostileUrl}/pacts/x`]);
    expect(run.stderr).toContain(`${hostileUrl}/pacts/x is not a pact`);
    expect(run.code).toBe(VerifierExitCode.BrokerInvalidResponse);
  });

  it('an unreachable broker: exit 6 at once, naming the URL', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const started = Date.now();
    const run = await verifyWith(['--broker-url', `http://127.0.0.1:${port}`]);
    expect(run.stderr).toContain(`Cannot reach the Pact Broker at http://127.0.0.1:${port}: ECONNREFUSED`);
    expect(run.code).toBe(VerifierExitCode.BrokerUnreachable);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('a broker that never answers: exit 6 after the timeout', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    try {
      const run = await verifyWith(['--broker-url', url]);
      expect(run.stderr).toContain(`Cannot reach the Pact Broker at ${url}: no answer within 3000 ms`);
      expect(run.code).toBe(VerifierExitCode.BrokerUnreachable);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

describe('broker options on the command line', () => {
  const usage: [string, string[], RegExp][] = [
    ['--pact-url with --broker-url', ['--pact-url', 'http://127.0.0.1:9/p', '--broker-url', 'http://127.0.0.1:9'], /--pact-url excludes --broker-url/u],
    ['--pact-url with selectors', ['--pact-url', 'http://127.0.0.1:9/p', '--consumer-version-selectors', '[{"mainBranch":true}]'], /--consumer-version-selectors selects pacts on a broker/u],
    ['--pact-url with --pact-file', ['--pact-url', 'http://127.0.0.1:9/p', '--pact-file', 'x.json'], /--pact-url excludes --pact-dir\/--pact-file/u],
    ['a token and basic auth', ['--broker-url', 'http://127.0.0.1:9', '--broker-token', 'tok-123456'], /either a token or a username and password, not both/u],
    ['basic auth over plain http to another host', ['--broker-url', 'http://broker.example'], /must use https/u],
  ];
  it.each(usage)('refuses %s (exit 2)', async (_, args, message) => {
    const run = await verifyWith(args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(VerifierExitCode.Usage);
  });

  it('refuses a username without a password (exit 2)', async () => {
    const run = await runBin(['--against-mock', '--broker-url', 'http://127.0.0.1:9', '--broker-username', 'someone']);
    expect(run.stderr).toContain('--broker-password (or PACT_BROKER_PASSWORD): Basic auth to the broker needs both a username and a password');
    expect(run.code).toBe(VerifierExitCode.Usage);
  });
});
