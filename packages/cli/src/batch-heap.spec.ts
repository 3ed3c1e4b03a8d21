import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { batchHeapFlags, isStreamedBatch, restartArguments, type RunningProcess } from './batch-heap.js';
import { useFleetMock } from './test-support/fleet-mock.js';
import { runBin } from './test-support/run-bin.js';

describe('isStreamedBatch', () => {
  it.each([
    [['plan', 'fleet.ndjson'], true],
    [['apply', 'fleet.ndjson', '--resume', 'j.ndjson'], true],
    [['rollback', 'j.ndjson'], true],
    [['get', '-'], true],
    [['get', '--from-file', 'ids.txt'], true],
    [['set', '--from-file=ids.txt', 'owner=ops'], true],
    [['unset', '-', 'owner'], true],
    [['get', 'a', 'b', 'c'], false],
    [['get', 'a'], false],
    [['set', 'a', 'owner=ops'], false],
    [['plan', '--help'], false],
    [['get', '-', '-h'], false],
    [['config', 'show'], false],
    [['demo'], false],
    [[], false],
  ])('%j → %s', (argv, expected) => {
    expect(isStreamedBatch(argv)).toBe(expected);
  });
});

describe('batchHeapFlags', () => {
  it('sizes the old generation from --concurrency, in either spelling', () => {
    expect(batchHeapFlags(['get', '-'])).toEqual(['--max-semi-space-size=4', '--max-old-space-size=128']);
    expect(batchHeapFlags(['get', '-', '--concurrency', '64'])).toEqual(['--max-semi-space-size=4', '--max-old-space-size=320']);
    expect(batchHeapFlags(['plan', 'f', '--concurrency=1'])).toEqual(['--max-semi-space-size=4', '--max-old-space-size=68']);
    expect(batchHeapFlags(['plan', 'f', '--concurrency', '1024'])).toEqual(['--max-semi-space-size=4', '--max-old-space-size=4160']);
  });

  it('counts an invalid --concurrency as the default (the command refuses it, naming it)', () => {
    for (const value of ['0', '1025', 'x', '']) {
      expect(batchHeapFlags(['get', '-', '--concurrency', value])).toEqual(['--max-semi-space-size=4', '--max-old-space-size=128']);
    }
    expect(batchHeapFlags(['get', '-', '--concurrency'])).toEqual(['--max-semi-space-size=4', '--max-old-space-size=128']);
  });
});

describe('restartArguments', () => {
  const running = (argv: string[], more: Partial<RunningProcess> = {}): RunningProcess => ({
    execPath: '/node',
    argv: ['/node', '/bin/ecs-metadata.js', ...argv],
    execArgv: [],
    nodeOptions: undefined,
    ...more,
  });

  it('restarts a streamed batch with its heap flags, keeping Node flags, the script and the arguments', () => {
    expect(restartArguments(running(['get', '-'], { execArgv: ['--enable-source-maps'] }))).toEqual([
      '/node',
      '--enable-source-maps',
      '--max-semi-space-size=4',
      '--max-old-space-size=128',
      '/bin/ecs-metadata.js',
      'get',
      '-',
    ]);
  });

  it('runs as it is without a streamed batch, or with a heap already set (by the user or a restart)', () => {
    expect(restartArguments(running(['get', 'a']))).toBeUndefined();
    expect(restartArguments(running(['plan', 'f'], { execArgv: ['--max-old-space-size=512'] }))).toBeUndefined();
    expect(restartArguments(running(['plan', 'f'], { execArgv: ['--max-semi-space-size=4', '--max-old-space-size=128'] }))).toBeUndefined();
    expect(restartArguments(running(['plan', 'f'], { nodeOptions: '--max-old-space-size=512' }))).toBeUndefined();
    expect(restartArguments(running(['plan', 'f'], { nodeOptions: '--max_semi_space_size=8' }))).toBeUndefined();
    expect(restartArguments(running(['plan', 'f'], { execArgv: ['--max-heap-size=256'] }))).toBeUndefined();
    expect(restartArguments(running(['plan', 'f'], { nodeOptions: '--enable-source-maps' }))).toEqual(expect.arrayContaining(['--max-old-space-size=128']));
  });
});

// Through the real bin: a process image that loads the reporter appends a line (pid, heap flags, limit).
const REPORTER = fileURLToPath(new URL('./test-support/heap-report.mjs', import.meta.url));
const harness = useFleetMock(3);
const { fleetId } = harness;

interface HeapReport {
  pid: number;
  heapFlags: string[];
  heapLimitMb: number;
}

async function reportsOf(
  args: string[],
  options: { stdin?: string; nodeOptions?: string } = {},
): Promise<{ code: number | null; reports: HeapReport[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'ecs-metadata-heap-'));
  try {
    const file = join(dir, 'report.ndjson');
    const env = { ...harness.env, NODE_OPTIONS: `--import ${REPORTER} ${options.nodeOptions ?? ''}`, HEAP_REPORT_FILE: file };
    const result = await runBin(args, env, { stdin: options.stdin });
    const text = await readFile(file, 'utf8');
    return { code: result.code, reports: text.trim().split('\n').map((line) => JSON.parse(line) as HeapReport) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('the bin in a batch', () => {
  it('restarts a streamed batch in place (same pid) with a heap sized from --concurrency', async () => {
    const { code, reports } = await reportsOf(['get', '-', '--concurrency', '8'], { stdin: `${fleetId(0)}\n${fleetId(1)}\n` });
    expect(code).toBe(0);
    expect(reports).toHaveLength(2);
    const [before, after] = reports as [HeapReport, HeapReport];
    expect(after.pid).toBe(before.pid);
    expect(before.heapFlags).toEqual([]);
    expect(after.heapFlags).toEqual(['--max-semi-space-size=4', '--max-old-space-size=96']);
    // V8's default is gigabytes; the cap plus the young generation stays near 96 MB.
    expect(after.heapLimitMb).toBeLessThan(before.heapLimitMb);
    expect(after.heapLimitMb).toBeLessThanOrEqual(96 + 3 * 4 + 16);
  });

  it('runs a one-server get in the process as it is', async () => {
    const { code, reports } = await reportsOf(['get', fleetId(0)]);
    expect(code).toBe(0);
    expect(reports).toEqual([expect.objectContaining({ heapFlags: [] })]);
  });

  it("leaves the user's own heap flags alone", async () => {
    const { code, reports } = await reportsOf(['get', '-'], { stdin: `${fleetId(2)}\n`, nodeOptions: '--max-old-space-size=300' });
    expect(code).toBe(0);
    expect(reports).toHaveLength(1);
    expect((reports[0] as HeapReport).heapLimitMb).toBeGreaterThanOrEqual(300);
  });
});
