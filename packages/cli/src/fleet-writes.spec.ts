import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FLEET_PROJECT, runBinOnTerminal, shellQuote, useFleetMock } from './test-support/fleet-mock.js';
import { BIN } from './test-support/run-bin.js';

/**
 * Issue 17 items 1 and 4 through the real bin against the mock: `set` and `unset` over many
 * servers with the batch contract of `get`, lost merge answers read back (never resent, proved by
 * the mock's request log), `get --key` and `get --resume` over many servers, and the diff of a
 * single-server `set` on a terminal.
 */

const PROJECT = FLEET_PROJECT;
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const UNKNOWN = '00000000-0000-0000-0000-000000000000';
const FLEET = 30;

const harness = useFleetMock(FLEET);
const { fleetId, fleet, run } = harness;
const lines = (stdout: string): Record<string, unknown>[] => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const byServer = (stdout: string): Record<string, Record<string, unknown>> => Object.fromEntries(lines(stdout).map((line) => [line['serverId'] as string, line]));
const stored = (serverId: string): Record<string, string> | undefined => harness.mock.admin.getServer(PROJECT, serverId)?.metadata;
const apiRequests = (): string[] => harness.mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin')).map((entry) => `${entry.method} ${entry.path}`);
const metadataPath = (serverId: string): string => `/v2.1/${PROJECT}/servers/${serverId}/metadata`;
const idsFile = async (name: string, ids: readonly string[]): Promise<string> => {
  const path = join(harness.dir, name);
  await writeFile(path, `${ids.join('\n')}\n`);
  return path;
};

describe('ecs-metadata set with many servers', () => {
  it('merges the items into every server given as arguments: NDJSON lines, a summary, exit 0', async () => {
    const result = await run(['set', fleetId(0), fleetId(1), 'owner=li', 'env=prod']);
    expect(result.code).toBe(0);
    expect(byServer(result.stdout)).toEqual({
      [fleetId(0)]: { serverId: fleetId(0), metadata: { index: '0', owner: 'li', env: 'prod' } },
      [fleetId(1)]: { serverId: fleetId(1), metadata: { index: '1', owner: 'li', env: 'prod' } },
    });
    expect(result.stderr).toMatch(/^ecs-metadata: journal: (\S+) \(undo: ecs-metadata rollback \1\)\necs-metadata: 2 of 2 servers updated, 0 failed, in 0:0\d \(\d+\/s\)\n$/u);
    // Per server, the read of its before-state (journaled), then the merge.
    expect(apiRequests().sort()).toEqual([`GET ${metadataPath(fleetId(0))}`, `GET ${metadataPath(fleetId(1))}`, `POST ${metadataPath(fleetId(0))}`, `POST ${metadataPath(fleetId(1))}`]);
  });

  it('reads ids from --from-file and stdin; an unknown server and a typo are their own lines; exit 7', async () => {
    const file = await idsFile('set-ids.txt', [fleetId(2), UNKNOWN, '../x']);
    const result = await run(['set', '--from-file', file, 'owner=ops']);
    expect(result.code).toBe(7);
    const lines = byServer(result.stdout);
    expect(lines[fleetId(2)]).toEqual({ serverId: fleetId(2), metadata: { index: '2', owner: 'ops' } });
    expect(lines[UNKNOWN]).toMatchObject({ error: { name: 'NotFoundError', status: 404 } });
    expect(lines['../x']).toMatchObject({ error: { name: 'ValidationError', message: expect.stringContaining('serverId') } });
    expect(result.stderr).toContain('1 of 3 servers updated, 2 failed');

    const piped = await run(['set', '-', 'team=a', '--output', 'text'], { stdin: `${fleetId(3)}\n${fleetId(4)}\n` });
    expect(piped.code).toBe(0);
    expect(piped.stdout.split('\n').filter(Boolean).sort()).toEqual([`${fleetId(3)}  {"index":"3","team":"a"}`, `${fleetId(4)}  {"index":"4","team":"a"}`]);
  });

  it('exits with the failure\'s code when every server failed, and stops at the first with --fail-fast', async () => {
    expect((await run(['set', UNKNOWN, UNKNOWN, 'a=1'])).code).toBe(4);
    const stopped = await run(['set', UNKNOWN, ...fleet(FLEET), 'a=1', '--fail-fast', '--concurrency', '1']);
    expect(stopped.code).toBe(4);
    expect(stopped.stderr).toContain('(stopped at the first failure: --fail-fast)');
    expect(lines(stopped.stdout).length).toBeLessThan(FLEET + 1);
  });

  it('replaces every server\'s map with --replace', async () => {
    const result = await run(['set', fleetId(5), fleetId(6), 'only=this', '--replace']);
    expect(result.code).toBe(0);
    expect([stored(fleetId(5)), stored(fleetId(6))]).toEqual([{ only: 'this' }, { only: 'this' }]);
  });

  it.each([
    ['a bad key', ['a/b=1'], 'a/b'],
    ['a platform key', ['os_type=Linux'], '"os_type" is a platform key'],
    ['an item followed by an id', ['a=1', 'not-an-item'], '"not-an-item" is not KEY=VALUE'],
    ['no items', [], 'at least one KEY=VALUE'],
    ['--native', ['a=1', '--native'], '--native writes one server'],
    ['--dry-run', ['a=1', '--dry-run'], '--dry-run prints one server'],
    ['a bad --concurrency', ['a=1', '--concurrency', '0'], '--concurrency'],
  ])('refuses %s with exit 2, naming it, before any request', async (_label, args, named) => {
    const result = await run(['set', fleetId(0), fleetId(1), ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(apiRequests()).toEqual([]);
  });

  it('resolves a lost answer by reading back, never sending a POST twice (the mock\'s request log)', async () => {
    // fleetId(7): processed, then the connection reset — the read-back finds the items: success.
    // fleetId(8): reset before it was processed — the read-back does not find them: its error line.
    harness.mock.admin.queueFault({ match: { method: 'POST', serverId: fleetId(7) }, afterHandler: 'reset' });
    harness.mock.admin.queueFault({ match: { method: 'POST', serverId: fleetId(8) }, action: 'reset' });
    const result = await run(['set', fleetId(7), fleetId(8), fleetId(9), 'owner=li']);
    expect(result.code).toBe(7);
    const outcome = byServer(result.stdout);
    expect(outcome[fleetId(7)]).toEqual({ serverId: fleetId(7), metadata: { index: '7', owner: 'li' } });
    expect(outcome[fleetId(9)]).toEqual({ serverId: fleetId(9), metadata: { index: '9', owner: 'li' } });
    expect(outcome[fleetId(8)]).toEqual({
      serverId: fleetId(8),
      error: { name: 'UnconfirmedWriteError', message: expect.stringMatching(/^the answer to the merge was lost \(.*ECONNRESET.*\); read back, not applied \(missing owner\); not resent$/u) },
    });
    expect(stored(fleetId(7))).toEqual({ index: '7', owner: 'li' });
    expect(stored(fleetId(8))).toEqual({ index: '8' });
    const posts = apiRequests().filter((request) => request.startsWith('POST'));
    expect(posts.sort()).toEqual([fleetId(7), fleetId(8), fleetId(9)].map((id) => `POST ${metadataPath(id)}`).sort());
    // Each server's before-state read, and the read-back of the two lost answers.
    expect(apiRequests().filter((request) => request.startsWith('GET')).sort()).toEqual([fleetId(7), fleetId(7), fleetId(8), fleetId(8), fleetId(9)].map((id) => `GET ${metadataPath(id)}`).sort());
  });

  it('exits 6 when the only server\'s lost answer could not be confirmed', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST', serverId: fleetId(10) }, action: 'reset' });
    const result = await run(['set', fleetId(10), 'owner=li', '--output', 'ndjson']);
    expect(result.code).toBe(6);
    expect(lines(result.stdout)).toEqual([{ serverId: fleetId(10), error: expect.objectContaining({ name: 'UnconfirmedWriteError' }) }]);
  });

  it('stops on Ctrl-C with exit 130 and the summary; every line written is a server that was updated', async () => {
    harness.mock.admin.queueFault({ match: { method: 'POST' }, delayMs: 150, times: FLEET });
    const result = await run(['set', '-', 'stopped=yes', '--concurrency', '2'], {
      stdin: fleet(FLEET).join('\n'),
      onStart: (child) => {
        child.stdout?.once('data', () => child.kill('SIGINT'));
      },
    });
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/servers updated, 0 failed, in \d+:\d\d \(\d+\/s\) \(interrupted\)\n/u);
    const written = lines(result.stdout);
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(FLEET);
    expect(written.every((line) => stored(line['serverId'] as string)?.['stopped'] === 'yes')).toBe(true);
  }, 30_000);

  it('is paced by the adaptive rate limiter against a throttled provider: every server read, journaled and updated', async () => {
    harness.mock.admin.setRateLimit({ ratePerSecond: 40, burst: 5 });
    const result = await run(['set', ...fleet(FLEET), 'paced=yes', '--concurrency', '8']);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(FLEET);
    expect(fleet(FLEET).every((id) => stored(id)?.['paced'] === 'yes')).toBe(true);
    // More requests than a read and a merge per server: the provider answered 429s, and the
    // throttled requests were sent again until accepted.
    expect(apiRequests().length).toBeGreaterThan(2 * FLEET);
  });
});

describe('batch set and unset, journaled', () => {
  const journalOf = (stderr: string): string => /journal: (\S+) \(undo/u.exec(stderr)?.[1] as string;
  const original = (count: number): Record<string, Record<string, string> | undefined> =>
    Object.fromEntries(fleet(count).map((id) => [id, stored(id)]));
  const restoredAll = (stdout: string): boolean =>
    lines(stdout).every((line) => line['status'] === 'restored' || line['status'] === 'unchanged');

  it('journals every server\'s before-state (0600, under $XDG_STATE_HOME), and rollback restores every server, read back', async () => {
    harness.mock.admin.putServer(PROJECT, fleetId(0), { metadata: { owner: 'li', keep: 'x' } });
    const before = original(10);
    const set = await run(['set', ...fleet(10), 'owner=ops', 'env=prod']);
    expect(set.code).toBe(0);
    const journal = journalOf(set.stderr);
    expect(journal).toMatch(new RegExp(`^${join(harness.dir, 'state', 'ecs-metadata', 'set-')}`, 'u'));
    expect((await stat(journal)).mode & 0o777).toBe(0o600);
    expect(stored(fleetId(0))).toEqual({ owner: 'ops', keep: 'x', env: 'prod' });

    const rollback = await run(['rollback', journal]);
    expect(rollback.code).toBe(0);
    expect(lines(rollback.stdout).map((line) => line['status'])).toEqual(Array.from({ length: 10 }, () => 'restored'));
    expect(rollback.stderr).toContain('rollback: 10 of 10 servers restored (read back equal)');
    expect(original(10)).toEqual(before);
  });

  it('journals a batch unset, and one server with --journal (a batch of one); rollback undoes both', async () => {
    const before = original(4);
    const unset = await run(['unset', '--key', 'index', ...fleet(3)]);
    expect(unset.code).toBe(0);
    const single = await run(['set', fleetId(3), 'a=1', '--journal', join(harness.dir, 'one.ndjson')]);
    expect(single).toMatchObject({ code: 0, stdout: `${JSON.stringify({ serverId: fleetId(3), metadata: { index: '3', a: '1' } })}\n` });
    expect(journalOf(single.stderr)).toBe(join(harness.dir, 'one.ndjson'));
    expect(original(4)).not.toEqual(before);

    for (const journal of [journalOf(unset.stderr), join(harness.dir, 'one.ndjson')]) {
      const rollback = await run(['rollback', journal]);
      expect(rollback.code).toBe(0);
      expect(restoredAll(rollback.stdout)).toBe(true);
    }
    expect(original(4)).toEqual(before);
  });

  it.each([4, 12])('is undone by rollback after a SIGKILL mid-batch (killed after %i lines)', async (after) => {
    const before = original(FLEET);
    const journal = join(harness.dir, `kill-${after}.ndjson`);
    // Merges answer slowly, so the kill finds servers read, journaled and being written.
    harness.mock.admin.queueFault({ match: { method: 'POST' }, delayMs: 60, times: FLEET });
    let seen = 0;
    const killed = await run(['set', '-', 'killed=yes', '--concurrency', '4', '--journal', journal], {
      stdin: fleet(FLEET).join('\n'),
      onStart: (child) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString().split('\n').filter(Boolean).length;
          if (seen >= after) {
            child.kill('SIGKILL');
          }
        });
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const changed = fleet(FLEET).filter((id) => stored(id)?.['killed'] === 'yes');
    expect(changed.length).toBeGreaterThanOrEqual(after);
    expect(changed.length).toBeLessThan(FLEET);

    const rollback = await run(['rollback', journal]);
    expect(rollback.code).toBe(0);
    expect(restoredAll(rollback.stdout)).toBe(true);
    expect(original(FLEET)).toEqual(before);
  }, 30_000);
});

describe('ecs-metadata unset with many servers', () => {
  it('with --key, every argument is a server: deleted and absent keys per line, exit 0', async () => {
    harness.mock.admin.putServer(PROJECT, fleetId(0), { metadata: { old: '1', keep: 'x' } });
    const result = await run(['unset', '--key', 'old', '--key', 'gone', fleetId(0), fleetId(1)]);
    expect(result.code).toBe(0);
    expect(byServer(result.stdout)).toEqual({
      [fleetId(0)]: { serverId: fleetId(0), deleted: ['old'], absent: ['gone'] },
      [fleetId(1)]: { serverId: fleetId(1), deleted: [], absent: ['old', 'gone'] },
    });
    expect(stored(fleetId(0))).toEqual({ keep: 'x' });
    expect(result.stderr).toContain('2 of 2 servers unset, 0 failed');
  });

  it('with --from-file every argument is a key; "-" first reads ids from stdin; an unknown server fails', async () => {
    const file = await idsFile('unset-ids.txt', [fleetId(2), UNKNOWN]);
    const result = await run(['unset', '--from-file', file, 'index']);
    expect(result.code).toBe(7);
    const outcome = byServer(result.stdout);
    expect(outcome[fleetId(2)]).toEqual({ serverId: fleetId(2), deleted: ['index'], absent: [] });
    expect(outcome[UNKNOWN]).toMatchObject({ error: { name: 'NotFoundError', status: 404 } });
    const piped = await run(['unset', '-', 'index'], { stdin: `${fleetId(3)}\n` });
    expect(piped.code).toBe(0);
    expect(lines(piped.stdout)).toEqual([{ serverId: fleetId(3), deleted: ['index'], absent: [] }]);
  });

  it('keeps the one-server form: the first argument is the server, the rest keys', async () => {
    const result = await run(['unset', fleetId(4), 'index']);
    expect(result).toMatchObject({ code: 0, stdout: 'deleted index\n' });
  });

  it('refuses a bad key with exit 2 before any request', async () => {
    const result = await run(['unset', '--key', 'a/b', fleetId(0), fleetId(1)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('a/b');
    expect(apiRequests()).toEqual([]);
  });
});

describe('ecs-metadata get --key with many servers', () => {
  it('prints {"serverId","value"} lines, and a server without the key as its 404 error line', async () => {
    harness.mock.admin.putServer(PROJECT, fleetId(1), { metadata: {} });
    const result = await run(['get', fleetId(0), fleetId(1), '--key', 'index']);
    expect(result.code).toBe(7);
    expect(byServer(result.stdout)).toEqual({
      [fleetId(0)]: { serverId: fleetId(0), value: '0' },
      [fleetId(1)]: { serverId: fleetId(1), error: expect.objectContaining({ name: 'NotFoundError', status: 404, message: expect.stringContaining('Metadata item was not found') }) },
    });
    expect(apiRequests().sort()).toEqual([`GET ${metadataPath(fleetId(0))}/index`, `GET ${metadataPath(fleetId(1))}/index`]);
  });
});

describe('ecs-metadata get --resume', () => {
  it('skips the ids an earlier output answered, reads its errors again, and skips a line cut short', async () => {
    const earlier = join(harness.dir, 'earlier.ndjson');
    await writeFile(
      earlier,
      [
        JSON.stringify({ serverId: fleetId(0), metadata: { index: '0' } }),
        JSON.stringify({ serverId: fleetId(1), error: { name: 'NetworkError', message: 'reset' } }),
        JSON.stringify({ serverId: fleetId(2), value: '2' }),
        `{"serverId":"${fleetId(3)}","metad`,
      ].join('\n'),
    );
    const ids = await idsFile('resume-ids.txt', fleet(5));
    const result = await run(['get', '--from-file', ids, '--resume', earlier]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout).map((line) => line['serverId']).sort()).toEqual([fleetId(1), fleetId(3), fleetId(4)].sort());
    expect(apiRequests()).toHaveLength(3);
  });

  it('appends to the very file it resumes (>>): the cut line is ended first, and the file resumes again', async () => {
    const audit = join(harness.dir, 'audit.ndjson');
    await writeFile(audit, `${JSON.stringify({ serverId: fleetId(0), metadata: { index: '0' } })}\n{"serverId":"${fleetId(1)}","meta`);
    const ids = await idsFile('append-ids.txt', fleet(3));
    const resume = (): Promise<{ code: number | null }> =>
      new Promise((resolve, reject) => {
        const command = `${shellQuote(process.execPath)} ${shellQuote(BIN)} get --from-file ${shellQuote(ids)} --resume ${shellQuote(audit)} >> ${shellQuote(audit)}`;
        const child = spawn('sh', ['-c', command], { env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent', ...harness.env }, stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', (code) => resolve({ code }));
      });
    expect(await resume()).toEqual({ code: 0 });
    const text = await readFile(audit, 'utf8');
    expect(text.split('\n')[1]).toBe(`{"serverId":"${fleetId(1)}","meta`);
    expect(lines(text.split('\n').slice(2).join('\n')).map((line) => line['serverId']).sort()).toEqual([fleetId(1), fleetId(2)].sort());
    // Everything is answered now: a second resume reads nothing, and accepts the cut line in the middle.
    harness.mock.admin.reset();
    expect(await resume()).toEqual({ code: 0 });
    expect(apiRequests()).toEqual([]);
  });

  it('refuses a line that is not a result line, naming the file and line, before any request', async () => {
    const earlier = join(harness.dir, 'corrupt.ndjson');
    await writeFile(earlier, `${JSON.stringify({ serverId: fleetId(0), metadata: {} })}\nnot json\n${JSON.stringify({ serverId: fleetId(1), metadata: {} })}\n`);
    const result = await run(['get', fleetId(0), fleetId(1), '--resume', earlier]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${earlier} line 2 is not a result line`);
    expect(apiRequests()).toEqual([]);
  });
});

describe('ecs-metadata set of one server on a terminal', () => {
  // util-linux `script` gives the bin a pseudo-terminal, as when Li types the command.
  const onTerminal = (args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; output: string }> =>
    runBinOnTerminal(args.map(shellQuote).join(' '), { ...harness.env, ...extraEnv });

  it('shows the before/after diff, coloured, read with a GET before the POST', async () => {
    harness.mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True', owner: 'ops' } });
    const result = await onTerminal(['set', SERVER, 'owner=li', 'env=prod']);
    expect(result.code).toBe(0);
    expect(result.output).toContain('\u001b[32m+ env="prod"\u001b[0m');
    expect(result.output).toContain('\u001b[33m~ owner: "ops" → "li"\u001b[0m');
    expect(result.output).not.toContain('wj');
    expect(apiRequests()).toEqual([`GET ${metadataPath(SERVER)}`, `POST ${metadataPath(SERVER)}`]);
  });

  it('shows removed keys of a --replace, without colour under NO_COLOR', async () => {
    const result = await onTerminal(['set', SERVER, 'wj=True', 'new=1', '--replace'], { NO_COLOR: '1' });
    expect(result.code).toBe(0);
    expect(result.output).toContain('+ new="1"');
    expect(result.output).not.toContain('\u001b[');
    await expect(onTerminal(['set', SERVER, 'wj=True', '--replace'], { NO_COLOR: '1' })).resolves.toMatchObject({ output: expect.stringContaining('- new="1"') });
    await expect(onTerminal(['set', SERVER, 'wj=True'], { NO_COLOR: '1' })).resolves.toMatchObject({ output: expect.stringContaining('(no change)') });
  });
});
