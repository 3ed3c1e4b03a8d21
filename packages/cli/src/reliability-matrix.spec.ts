import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EcsMetadataClient, tokenAuth } from '@ecs-metadata/client';
import * as core from '@ecs-metadata/core';
import type { FaultRule, MockProvider } from '@ecs-metadata/mock-provider';
import { renderReliabilityDoc } from './test-support/reliability-doc.js';
import {
  MATRIX_CALLS,
  type MatrixCall,
  type MatrixFault,
  type MatrixOutcome,
  type MatrixTiming,
  RELIABILITY_MATRIX,
  timeBoundMs,
} from './test-support/reliability-matrix.js';
import { type BinRun, runBin } from './test-support/run-bin.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const METADATA = { wj: 'True' };

/**
 * Small timeouts and delays, so the whole matrix runs in seconds; bounds are checked against these.
 * The `Retry-After` cap stays above the slack, so a wait taken from an unreadable header (the cap in
 * full) would break the bound of its row.
 */
const MATRIX_TIMING: MatrixTiming = { timeoutMs: 400, baseDelayMs: 20, maxDelayMs: 40, maxRetryAfterMs: 5000 };
/** What a loaded machine may add to a bound (scheduling, parsing, the other rows running alongside). */
const SLACK_MS = 2500;
/** The CLI's per-attempt timeout (`--timeout`): its retries keep the client's default backoff. */
const CLI_TIMEOUT_MS = 1000;
/** Rows run at once (each mostly waits on timers or a child process). */
const CONCURRENCY = 8;

interface Row {
  readonly fault: MatrixFault;
  readonly call: MatrixCall;
  readonly expected: MatrixOutcome;
}

interface ClientObservation {
  result: unknown;
  error: unknown;
  elapsedMs: number;
  attempts: number;
}

interface CliObservation {
  run: BinRun;
  attempts: number;
}

const ROWS: readonly Row[] = RELIABILITY_MATRIX.flatMap((fault) =>
  (Object.keys(MATRIX_CALLS) as MatrixCall[]).map((call) => ({ fault, call, expected: fault.outcomes[call] })),
);

const rowName = (row: Row): string => `${row.fault.id} ${row.call}`;
const serverIdOf = (row: Row, runner: 'client' | 'cli'): string => `mx-${row.fault.id}-${row.call.toLowerCase()}-${runner}`;

let mock: MockProvider;
const clientObservations = new Map<string, ClientObservation>();
const cliObservations = new Map<string, CliObservation>();

/** Requests that reached the mock for `serverId` (each attempt is one). */
const attemptsFor = (serverId: string): number => mock.requestLog.filter((entry) => entry.path.includes(`/servers/${serverId}/`)).length;

/** Gives `row` its own server with the fault's rules, so rows can run side by side on one mock. */
function arrange(row: Row, runner: 'client' | 'cli'): string {
  const serverId = serverIdOf(row, runner);
  mock.admin.putServer(PROJECT, serverId, { metadata: METADATA });
  mock.admin.queueFaults(row.fault.rules.map((rule): FaultRule => ({ ...rule, match: { ...rule.match, serverId } })));
  return serverId;
}

async function callClient(client: EcsMetadataClient, call: MatrixCall, serverId: string): Promise<unknown> {
  switch (call) {
    case 'GET':
      return client.getServerMetadata(serverId);
    case 'PUT':
      return client.replaceServerMetadata(serverId, METADATA);
    case 'POST':
      return client.updateServerMetadata(serverId, METADATA);
  }
}

async function observeClient(row: Row, token: string): Promise<void> {
  const serverId = arrange(row, 'client');
  const client = new EcsMetadataClient({
    endpoint: mock.url,
    projectId: PROJECT,
    auth: tokenAuth(token),
    timeoutMs: MATRIX_TIMING.timeoutMs,
    retry: {
      limit: 3,
      baseDelayMs: MATRIX_TIMING.baseDelayMs,
      maxDelayMs: MATRIX_TIMING.maxDelayMs,
      maxRetryAfterMs: MATRIX_TIMING.maxRetryAfterMs,
    },
  });
  const started = Date.now();
  let result: unknown;
  let error: unknown;
  try {
    result = await callClient(client, row.call, serverId);
  } catch (thrown) {
    error = thrown;
  } finally {
    client.close();
  }
  clientObservations.set(rowName(row), { result, error, elapsedMs: Date.now() - started, attempts: attemptsFor(serverId) });
}

async function observeCli(row: Row, env: Record<string, string>): Promise<void> {
  const serverId = arrange(row, 'cli');
  const run = await runBin([...MATRIX_CALLS[row.call].cli(serverId), '--timeout', String(CLI_TIMEOUT_MS)], env);
  cliObservations.set(rowName(row), { run, attempts: attemptsFor(serverId) });
}

/** Runs `tasks` with at most `limit` at once. */
async function pool(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next] as () => Promise<void>;
      next += 1;
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

beforeAll(async () => {
  // Dynamic, as in the CLI itself: the mock is a lazily loaded dependency of this package.
  const mockProvider = await import('@ecs-metadata/mock-provider');
  mock = await mockProvider.startMockProvider({ port: 0 });
  const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: mockProvider.DEMO_TOKEN };
  // CLI rows first: they are the long ones (default backoff, 1 s Retry-After).
  await pool(
    [...ROWS.map((row) => () => observeCli(row, env)), ...ROWS.map((row) => () => observeClient(row, mockProvider.DEMO_TOKEN))],
    CONCURRENCY,
  );
}, 120_000);

afterAll(async () => {
  await mock?.close();
});

describe('reliability matrix: the client under each fault', () => {
  it.each(ROWS.map((row) => [rowName(row), row] as const))('%s', (_name, row) => {
    const observed = clientObservations.get(rowName(row)) as ClientObservation;
    const { expected } = row;
    expect(observed.attempts).toBe(expected.attempts);
    if (expected.result === 'success') {
      expect(observed.error).toBeUndefined();
      expect(observed.result).toEqual(METADATA);
    } else {
      expect(observed.result).toBeUndefined();
      const errorClass = core[expected.result];
      expect(observed.error).toBeInstanceOf(errorClass);
      expect((observed.error as Error).name).toBe(expected.result);
      expect((observed.error as Error).message).toContain(expected.message);
      // The attempts the error reports (network and API errors carry them) are the mock's count.
      const reported = (observed.error as { attempts?: number }).attempts;
      if (reported !== undefined) {
        expect(reported).toBe(expected.attempts);
      }
    }
    expect(observed.elapsedMs).toBeLessThanOrEqual(timeBoundMs(row.fault, expected, MATRIX_TIMING) + SLACK_MS);
    if (expected.honoursRetryAfterMs !== undefined) {
      // Retry-After was honoured (capped at maxRetryAfterMs), not replaced by a shorter backoff.
      const waited = (expected.attempts - 1) * Math.min(expected.honoursRetryAfterMs, MATRIX_TIMING.maxRetryAfterMs);
      expect(observed.elapsedMs).toBeGreaterThanOrEqual(waited - 5);
    }
  });
});

describe('reliability matrix: the CLI under each fault', () => {
  it.each(ROWS.map((row) => [rowName(row), row] as const))('%s', (_name, row) => {
    const { run, attempts } = cliObservations.get(rowName(row)) as CliObservation;
    const { expected } = row;
    expect({ code: run.code, attempts }).toEqual({ code: expected.exitCode, attempts: expected.attempts });
    expect(run.stderr).not.toMatch(/\n\s+at /u); // never a stack trace
    if (expected.result === 'success') {
      expect(run.stdout).toContain(expected.message);
    } else {
      // Nothing on stdout that a pipeline could take for data.
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^ecs-metadata: /u);
      expect(run.stderr).toContain(expected.message);
    }
  });
});

describe('the CLI interrupted', () => {
  /** Runs `get` on a server of its own and sends SIGINT once the mock has seen `requests` attempts. */
  async function interruptAfter(
    serverId: string,
    requests: number,
    rules: readonly FaultRule[],
  ): Promise<{ run: BinRun; sinceSignalMs: number }> {
    mock.admin.putServer(PROJECT, serverId, { metadata: METADATA });
    mock.admin.queueFaults(rules.map((rule): FaultRule => ({ ...rule, match: { serverId } })));
    const { DEMO_TOKEN } = await import('@ecs-metadata/mock-provider');
    let signalledAt = 0;
    const run = await runBin(
      ['get', serverId],
      { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: DEMO_TOKEN },
      {
        onStart: (child) => {
          const timer = setInterval(() => {
            if (attemptsFor(serverId) >= requests) {
              clearInterval(timer);
              // Let the client reach its sleep after the 429 before interrupting.
              setTimeout(() => {
                signalledAt = Date.now();
                child.kill('SIGINT');
              }, 100);
            }
          }, 10);
          child.once('exit', () => clearInterval(timer));
        },
      },
    );
    return { run, sinceSignalMs: Date.now() - signalledAt };
  }

  it('exits 130 at once, without a stack trace, during a Retry-After sleep between attempts', async () => {
    const { run, sinceSignalMs } = await interruptAfter('mx-sigint-retry-sleep', 1, [{ status: 429, headers: { 'Retry-After': '30' } }]);
    expect(run.code).toBe(130);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('ecs-metadata: interrupted\n'); // the CLI's word, not the library's
    expect(run.stderr).not.toMatch(/\n\s+at /u);
    expect(sinceSignalMs).toBeLessThan(2000); // not the 30 s the server asked for
    expect(attemptsFor('mx-sigint-retry-sleep')).toBe(1);
  });
});

describe('the CLI interrupted during a password login', () => {
  it('exits 130 at once, without a stack trace, while the login for the catalog hangs', async () => {
    mock.admin.queueFault({ match: { route: 'login' }, delayMs: 30_000 });
    const logins = (): number => mock.requestLog.filter((entry) => entry.path === '/v3/auth/tokens').length;
    const { DEMO_USER } = await import('@ecs-metadata/mock-provider');
    let signalledAt = 0;
    // No endpoint: the CLI logs in first to read the compute endpoint from the catalog.
    const env = { OS_AUTH_URL: `${mock.url}/v3`, OS_USERNAME: DEMO_USER.username, OS_PASSWORD: DEMO_USER.password, OS_PROJECT_ID: PROJECT };
    const run = await runBin(['get', 'mx-sigint-login'], env, {
      onStart: (child) => {
        const timer = setInterval(() => {
          if (logins() > 0) {
            clearInterval(timer);
            signalledAt = Date.now();
            child.kill('SIGINT');
          }
        }, 10);
        child.once('exit', () => clearInterval(timer));
      },
    });
    expect(run.code).toBe(130);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('ecs-metadata: interrupted\n');
    expect(run.stderr).not.toMatch(/\n\s+at /u);
    expect(run.stderr).not.toContain(DEMO_USER.password);
    expect(Date.now() - signalledAt).toBeLessThan(2000); // not the 30 s the login would hang
  });
});

describe('docs/reliability.md', () => {
  it('is the rendering of the matrix (run "npm run docs:reliability" after changing it)', async () => {
    const docPath = fileURLToPath(new URL('../../../docs/reliability.md', import.meta.url));
    const committed = await readFile(docPath, 'utf8').catch(() => '(missing)');
    if (committed !== renderReliabilityDoc()) {
      throw new Error('docs/reliability.md differs from the matrix in packages/cli/src/test-support/reliability-matrix.ts: run "npm run docs:reliability" and commit the result');
    }
  });
});
