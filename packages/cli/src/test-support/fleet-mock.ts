import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from '@jest/globals';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { BIN, type BinRun, type RunOptions, runBin } from './run-bin.js';

/** The fixture's project, where the generated fleet lives. */
export const FLEET_PROJECT = '9c53a566cb3443ab910cf0daebca90c4';

/** A mock with a generated fleet for a spec file, and the bin pointed at it. Valid inside tests. */
export interface FleetMock {
  readonly mock: MockProvider;
  /** The API settings of the mock as environment variables. */
  readonly env: Record<string, string>;
  /** A scratch folder, removed after the file's tests. */
  readonly dir: string;
  /** The id of the fleet's server `index`. */
  fleetId(index: number): string;
  /** The ids of the fleet's first `count` servers. */
  fleet(count: number): string[];
  /** Runs the real bin against the mock. */
  run(args: readonly string[], options?: RunOptions): Promise<BinRun>;
}

/**
 * Starts the mock with the default fixture and `servers` generated servers before the spec file's
 * tests (loaded dynamically, as the CLI loads it), resets it after each test, closes it after all.
 */
export function useFleetMock(servers: number): FleetMock {
  let state: { mock: MockProvider; env: Record<string, string>; dir: string; fleetId: (index: number) => string } | undefined;
  const current = (): NonNullable<typeof state> => {
    if (state === undefined) {
      throw new Error('the fleet mock is available inside tests only');
    }
    return state;
  };
  beforeAll(async () => {
    const mockProvider = await import('@ecs-metadata/mock-provider');
    const mock = await mockProvider.startMockProvider({ port: 0, fixture: mockProvider.DEFAULT_FIXTURE, generatedServers: servers });
    const dir = await mkdtemp(join(tmpdir(), 'ecs-metadata-fleet-'));
    // Journals of batch writes go to the scratch folder's state directory, never the machine's.
    const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: FLEET_PROJECT, ECS_METADATA_TOKEN: mockProvider.DEMO_TOKEN, XDG_STATE_HOME: join(dir, 'state') };
    state = { mock, env, dir, fleetId: mockProvider.fleetServerId };
  });
  afterEach(() => current().mock.admin.reset());
  afterAll(async () => {
    await state?.mock.close();
    if (state !== undefined) {
      await rm(state.dir, { recursive: true, force: true });
    }
  });
  return {
    get mock() {
      return current().mock;
    },
    get env() {
      return current().env;
    },
    get dir() {
      return current().dir;
    },
    fleetId: (index) => current().fleetId(index),
    fleet: (count) => Array.from({ length: count }, (_, index) => current().fleetId(index)),
    run: (args, options = {}) => runBin(args, current().env, options),
  };
}

/** Single-quoted for `sh -c` (what `script -c` runs). */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * Runs the bin with `args` (a shell command line after the bin, already quoted where needed) on a
 * pseudo-terminal from util-linux `script`, as when a person types it: resolves with the exit code
 * and everything the terminal showed.
 */
export function runBinOnTerminal(commandLine: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const command = `${shellQuote(process.execPath)} ${shellQuote(BIN)} ${commandLine}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
