import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID } from '@ecs-metadata/core';
import { DEFAULT_FIXTURE, type MockProvider, startMockProvider } from '@ecs-metadata/mock-provider';
import type { ChildProcess } from 'node:child_process';
import { type BinRun, endpointArgs, runBin } from './test-support/run-bin.js';
import { startStubProvider } from './test-support/stub-provider.js';

const TOKEN = 'crash-token-61f0a9d3c2';
/** Distinct from every state the contract arranges, so a change shows. */
const ORIGINAL = { keep: 'me', team: 'blue' };
const JOURNALED = /is journaled in (\S+)/u;

let mock: MockProvider;
let stateHome: string;
beforeAll(async () => {
  mock = await startMockProvider({ port: 0, fixture: DEFAULT_FIXTURE });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.admin.reset();
  mock.admin.addToken(TOKEN, EXAMPLE_PROJECT_ID);
  mock.admin.putServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID, { metadata: ORIGINAL });
  stateHome = await mkdtemp(join(tmpdir(), 'pv-crash-'));
});
afterEach(async () => {
  await rm(stateHome, { recursive: true, force: true });
});

const endpointFlags = (): string[] => endpointArgs(mock.url, TOKEN, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID);
const metadataNow = (): Record<string, string> | undefined => mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.metadata;
const puts = (): number => mock.requestLog.filter((entry) => entry.method === 'PUT').length;

/** Runs the bin, and sends `signal` once `when(stderr)` holds (polled every 10 ms). */
function runUntil(args: string[], when: (stderr: string) => boolean, signal: NodeJS.Signals): Promise<BinRun> {
  return runBin([...endpointFlags(), ...args], { XDG_STATE_HOME: stateHome }, 25_000, (child: ChildProcess) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const poll = setInterval(() => {
      if (when(stderr)) {
        clearInterval(poll);
        child.kill(signal);
      }
    }, 10);
    child.on('close', () => clearInterval(poll));
  });
}

/**
 * The bin's worker (which writes the journal) kills itself once it sees its supervisor die; wait,
 * bounded, until the pid the journal names is gone, as a next run would find it.
 */
async function workerGone(journal: string): Promise<void> {
  const header = JSON.parse((await readFile(journal, 'utf8')).split('\n')[0] ?? '{}') as { pid?: number };
  const alive = (): boolean => {
    try {
      process.kill(header.pid ?? -1, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; alive() && waited < 10_000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(alive()).toBe(false);
}

async function journalFiles(): Promise<string[]> {
  const dir = join(stateHome, 'ecs-metadata');
  return (await readdir(dir).catch(() => [])).map((name) => join(dir, name));
}

describe('crash safety: a verifier killed at any point is recoverable from its journal', () => {
  it.each([
    ['right after the original was journaled', 'restore', (stderr: string) => JOURNALED.test(stderr)],
    ['while the first arranging write is held in flight', 'next-run', () => puts() > 0],
    ['after arranging writes changed the server', 'restore', () => JSON.stringify(metadataNow()) !== JSON.stringify(ORIGINAL)],
  ] as const)('SIGKILL %s, then recovery by %s', async (_point, recovery, when) => {
    // A delay fault holds the first arranging PUT, so a kill can land while it is on the wire.
    mock.admin.queueFault({ match: { method: 'PUT' }, times: 1, delayMs: 1500 });
    const killed = await runUntil(['--allow-writes'], (stderr) => when(stderr), 'SIGKILL');
    expect(killed.code).toBeNull();

    const [journal, ...others] = await journalFiles();
    expect(others).toEqual([]);
    await workerGone(journal!);
    expect(killed.stderr).toContain(`is journaled in ${journal}`);
    expect((await stat(journal!)).mode & 0o777).toBe(0o600);
    expect((await stat(dirname(journal!))).mode & 0o777).toBe(0o700);
    const records = (await readFile(journal!, 'utf8')).trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      expect.objectContaining({ type: 'ecs-metadata-verify', version: 1, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID }),
      { type: 'original', metadata: ORIGINAL },
    ]);
    expect(JSON.stringify(records)).not.toContain(TOKEN);

    mock.admin.clearFaults();
    if (recovery === 'restore') {
      const restored = await runBin([...endpointFlags(), '--restore', journal!], { XDG_STATE_HOME: stateHome });
      expect(restored).toMatchObject({ code: 0, stdout: `metadata of ${EXAMPLE_SERVER_ID} restored from ${journal}\n` });
    } else {
      // The next run finds the journal and restores before anything else, then verifies as usual.
      const next = await runBin([...endpointFlags(), '--allow-writes', '--expect-skipped', 'a building server exists,a locked server exists'], { XDG_STATE_HOME: stateHome });
      expect(next.code).toBe(0);
      const found = next.stderr.indexOf(`found the journal ${journal} of a run that did not finish: metadata of ${EXAMPLE_SERVER_ID} restored from it`);
      expect(found).toBeGreaterThanOrEqual(0);
      expect(found).toBeLessThan(next.stderr.indexOf('is journaled in'));
    }
    expect(metadataNow()).toEqual(ORIGINAL);
    expect(await journalFiles()).toEqual([]);
  });

  it('--allow-lock arranges "a locked server exists" through the server action API, unlocks, and a kill while locked is recoverable', async () => {
    const full = await runBin([...endpointFlags(), '--allow-writes', '--allow-lock', '--expect-skipped', 'a building server exists'], { XDG_STATE_HOME: stateHome });
    expect(full.code).toBe(0);
    expect(full.stdout).toContain('✓ a request to merge metadata into a locked server (v2.1)');
    expect(full.stdout).toContain('14 verified, 0 failed, 1 not verifiable');
    const actions = mock.requestLog.filter((entry) => entry.path.endsWith('/action')).map((entry) => entry.method);
    expect(actions).toEqual(['POST', 'POST']);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)).toMatchObject({ metadata: ORIGINAL, locked: false });
    expect(await journalFiles()).toEqual([]);

    // Pact's merges wait 1.5 s each (the plain one, then the one under the lock): a window to kill in.
    mock.admin.queueFault({ match: { method: 'POST', path: '/metadata$' }, times: 2, delayMs: 1500 });
    const killed = await runUntil(['--allow-writes', '--allow-lock'], () => mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)?.locked === true, 'SIGKILL');
    mock.admin.clearFaults();
    expect(killed.code).toBeNull();
    const [journal] = await journalFiles();
    await workerGone(journal!);
    expect(await readFile(journal!, 'utf8')).toContain('{"type":"lock"');
    const restored = await runBin([...endpointFlags(), '--restore', journal!], { XDG_STATE_HOME: stateHome });
    expect(restored.code).toBe(0);
    expect(mock.admin.getServer(EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID)).toMatchObject({ metadata: ORIGINAL, locked: false });
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s with an arranging write in flight waits for it, restores, and exits %i', async (signal, code) => {
    mock.admin.queueFault({ match: { method: 'PUT' }, times: 1, delayMs: 1500 });
    const junit = join(stateHome, 'results.xml');
    const run = await runUntil(['--allow-writes', '--junit', junit], () => puts() > 0, signal);

    expect(run.code).toBe(code);
    expect(run.stderr).toContain(`interrupted; metadata of ${EXAMPLE_SERVER_ID} restored`);
    expect(metadataNow()).toEqual(ORIGINAL);
    // The held write landed first, the restore after it, then the read-back.
    const writes = mock.requestLog.filter((entry) => entry.method !== 'GET' || entry.path.endsWith('/metadata'));
    expect(writes.at(-1)?.method).toBe('GET');
    expect(await journalFiles()).toEqual([]);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('name="verification run"');
    expect(xml).toContain(`interrupted; metadata of ${EXAMPLE_SERVER_ID} restored`);
  });

  it('refuses to start when the original could not be written back, naming the key, and writes nothing', async () => {
    // The mock refuses such a key as Nova's API does; a provider whose console set it holds it anyway.
    const stub = await startStubProvider({ token: TOKEN, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, metadata: { 'a@b': '1', keep: 'me' } });
    try {
      const run = await runBin([...endpointArgs(stub.url, TOKEN, EXAMPLE_PROJECT_ID, EXAMPLE_SERVER_ID), '--allow-writes'], { XDG_STATE_HOME: stateHome });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('key "a@b"');
      expect(stub.requests.filter((request) => request.method !== 'GET')).toEqual([]);
      expect(await journalFiles()).toEqual([]);
    } finally {
      await stub.close();
    }
  });

  describe('a journal that cannot be used: exit 10, the file named, nothing written', () => {
    const header = { type: 'ecs-metadata-verify', version: 1, projectId: EXAMPLE_PROJECT_ID, serverId: EXAMPLE_SERVER_ID, startedAt: '2026-12-06T00:00:00.000Z' };
    it.each([
      ['truncated last record', (url: string) => `${JSON.stringify({ ...header, endpoint: url })}\n{"type":"original","metada`, 'line 2 is truncated'],
      ['corrupt record', (url: string) => `${JSON.stringify({ ...header, endpoint: url })}\nnot json\n`, 'line 2 is not JSON'],
      ['not a journal', () => '{"hello":"world"}\n', 'line 1 is not a journal record'],
      [
        'one a running verifier still uses (this test process stands in for it)',
        (url: string) => `${JSON.stringify({ ...header, endpoint: url, host: hostname(), pid: process.pid })}\n${JSON.stringify({ type: 'original', metadata: {} })}\n`,
        `is in use by a verifier still running as process ${process.pid}`,
      ],
      [
        "another server's",
        (url: string) => `${JSON.stringify({ ...header, endpoint: url, serverId: 'other-server' })}\n${JSON.stringify({ type: 'original', metadata: {} })}\n`,
        `belongs to server other-server of project ${EXAMPLE_PROJECT_ID}`,
      ],
    ])('%s', async (_case, content, message) => {
      const journal = join(stateHome, 'given.ndjson');
      await writeFile(journal, content(mock.url));
      for (const args of [['--restore', journal], ['--allow-writes', '--journal', journal]]) {
        const run = await runBin([...endpointFlags(), ...args], { XDG_STATE_HOME: stateHome });
        expect(run.code).toBe(10);
        expect(run.stderr).toContain(`${journal}: ${message}`);
      }
      expect(puts()).toBe(0);
      expect(metadataNow()).toEqual(ORIGINAL);
      expect(await readFile(journal, 'utf8')).toBe(content(mock.url));
    });
  });
});
