import { describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatDuration, formatProgress } from './batch/progress.js';
import { runBinOnTerminal, shellQuote, useFleetMock } from './test-support/fleet-mock.js';

const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const UNKNOWN = '00000000-0000-0000-0000-000000000000';
const FLEET = 40;

const harness = useFleetMock(FLEET);
const { fleetId, fleet, run } = harness;
const lines = (stdout: string): unknown[] => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown);

describe('ecs-metadata get with many servers', () => {
  it('streams one NDJSON line per server in a pipe, a summary on stderr, exit 0', async () => {
    const result = await run(['get', SERVER, fleetId(0), fleetId(1)]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual(
      expect.arrayContaining([
        { serverId: SERVER, metadata: { wj: 'True' } },
        { serverId: fleetId(0), metadata: { index: '0' } },
        { serverId: fleetId(1), metadata: { index: '1' } },
      ]),
    );
    expect(lines(result.stdout)).toHaveLength(3);
    // No progress bar on a pipe: only the summary.
    expect(result.stderr).toMatch(/^ecs-metadata: 3 of 3 servers read, 0 failed, in 0:0\d \(\d+\/s\)\n$/u);
  });

  it('reads ids from stdin: a typo is its own error line, never sent; the rest go on; exit 7', async () => {
    const stdin = `${fleetId(2)}\r\n\n  ../etc  \n${UNKNOWN}\n${fleetId(3)}`;
    const result = await run(['get', '-'], { stdin });
    expect(result.code).toBe(7);
    const byId = Object.fromEntries(lines(result.stdout).map((line) => [(line as { serverId: string }).serverId, line]));
    expect(Object.keys(byId).sort()).toEqual(['../etc', UNKNOWN, fleetId(2), fleetId(3)].sort());
    expect(byId['../etc']).toEqual({ serverId: '../etc', error: { name: 'ValidationError', message: expect.stringContaining('serverId') } });
    expect(byId[UNKNOWN]).toEqual({
      serverId: UNKNOWN,
      error: { name: 'NotFoundError', message: expect.stringContaining(UNKNOWN), status: 404, code: 'itemNotFound', requestId: expect.stringMatching(/^[0-9a-f]{32}$/u) },
    });
    expect(result.stdout + result.stderr).not.toContain(harness.env['ECS_METADATA_TOKEN']);
    expect(harness.mock.requestLog.some((entry) => entry.path.includes('etc'))).toBe(false);
    expect(result.stderr).toContain('2 of 4 servers read, 2 failed');
  });

  it('reads ids from --from-file, and names a file it cannot read (exit 2)', async () => {
    const file = join(harness.dir, 'ids.txt');
    await writeFile(file, `${fleet(5).join('\n')}\n`);
    const result = await run(['get', '--from-file', file, '--concurrency', '2']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(5);
    const missing = await run(['get', '--from-file', join(harness.dir, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.txt');
  });

  it('exits with the failure code when every server failed', async () => {
    const result = await run(['get', UNKNOWN, UNKNOWN]);
    expect(result.code).toBe(4);
    expect(lines(result.stdout)).toHaveLength(2);
  });

  it('--fail-fast stops at the first failure with its code', async () => {
    const result = await run(['get', '--fail-fast', '--concurrency', '1', UNKNOWN, ...fleet(10)]);
    expect(result.code).toBe(4);
    expect(lines(result.stdout)).toEqual([expect.objectContaining({ serverId: UNKNOWN })]);
    expect(result.stderr).toContain('--fail-fast');
  });

  it('prints "<id>  {...}" lines with --output text', async () => {
    const result = await run(['get', '--output', 'text', SERVER]);
    expect(result).toMatchObject({ code: 0, stdout: `${SERVER}  {"wj":"True"}\n` });
  });

  it.each([
    [['get', SERVER, SERVER, '--key', 'a/b'], 'a/b'],
    [['get', SERVER, SERVER, '--output', 'table'], '--output'],
    [['get', SERVER, SERVER, '--concurrency', '0'], '--concurrency'],
    [['get', '-', '--from-file', '-'], 'stdin'],
    [['get'], 'server-id'],
  ])('refuses %j with exit 2, naming %s', async (args, named) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
  });

  it('slows down instead of failing against a throttled provider', async () => {
    harness.mock.admin.setRateLimit({ ratePerSecond: 50, burst: 10 });
    const result = await run(['get', '-'], { stdin: fleet(FLEET).join('\n') });
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(FLEET);
  }, 30_000);

  it('stops on Ctrl-C with exit 130 and a summary', async () => {
    harness.mock.admin.setRateLimit({ ratePerSecond: 5, burst: 1 });
    const result = await run(['get', '-'], {
      stdin: fleet(FLEET).join('\n'),
      onStart: (child) => {
        setTimeout(() => child.kill('SIGINT'), 800);
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('(interrupted)');
    expect(lines(result.stdout).length).toBeLessThan(FLEET);
  }, 30_000);
});

describe('the progress line', () => {
  it.each([
    [{ done: 0, failed: 0 }, 100, 0, '[------------------------] 0/100 0%  0.0/s  ETA ?'],
    [{ done: 50, failed: 2 }, 100, 10_000, '[############------------] 50/100 50%  5.0/s  ETA 0:10  2 failed'],
    [{ done: 3000, failed: 0 }, 3000, 15_000, '[########################] 3000/3000 100%  200/s  ETA 0:00'],
    [{ done: 1234, failed: 0 }, undefined, 61_000, '1234 done  20/s  1:01'],
  ])('%j of %s after %d ms', (counts, total, elapsed, expected) => {
    expect(formatProgress(counts, total, elapsed)).toBe(expected);
  });

  it('formats long durations with hours', () => {
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('ecs-metadata mock serve flags', () => {
  it.each([
    [['mock', 'serve', '--rate', 'fast'], '--rate'],
    [['mock', 'serve', '--burst', '5'], '--burst needs --rate'],
    [['mock', 'serve', '--servers', '-1'], '--servers'],
  ])('refuses %j, naming the flag', async (args, named) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
  });
});

describe('ecs-metadata get with many servers, stderr on a real terminal', () => {
  // util-linux `script` gives the bin a pseudo-terminal, as in Li's audit:
  // `ecs-metadata get - < ids.txt > audit.ndjson` in her shell. stdout goes to a file (NDJSON, no
  // progress), stderr is the terminal (the progress line, redrawn in place, then the summary).
  it('draws the progress bar with rate and ETA on the terminal and keeps the file pure NDJSON', async () => {
    harness.mock.admin.setRateLimit({ ratePerSecond: 20, burst: 5 }); // ~1 s of work: several redraws
    const ids = join(harness.dir, 'tty-ids.txt');
    const audit = join(harness.dir, 'tty-audit.ndjson');
    await writeFile(ids, `${fleet(20).join('\n')}\n`);
    const terminal = await runBinOnTerminal(`get - < ${shellQuote(ids)} > ${shellQuote(audit)}`, harness.env);
    expect(terminal.code).toBe(0);
    const eraseLine = '\r\u001b[K'; // each redraw: back to the line's start, erase it
    expect(terminal.output).toContain(eraseLine);
    expect(terminal.output).toMatch(/\[[#-]{24}\] \d+\/20 \d+% {2}[\d.]+\/s {2}ETA \d+:\d\d/u);
    expect(terminal.output).toMatch(/ecs-metadata: 20 of 20 servers read, 0 failed, in \d+:\d\d/u);
    const written = await readFile(audit, 'utf8');
    expect(written).not.toContain('\r');
    expect(written).not.toContain('\u001b');
    expect(lines(written)).toHaveLength(20);
  });
});

describe('ecs-metadata get with many servers, when the reader of stdout goes away', () => {
  it('stops quietly with 141 (as `… | head -1` would see from cat), no stack trace', async () => {
    const result = await run(['get', ...fleet(FLEET)], {
      onStart: (child) => {
        child.stdout?.once('data', () => child.stdout?.destroy());
      },
    });
    expect(result.code).toBe(141);
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /u);
  });
});
