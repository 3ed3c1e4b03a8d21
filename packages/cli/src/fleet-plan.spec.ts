import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, type RunOptions, runBin } from './test-support/run-bin.js';

/**
 * `plan`, `apply` and `rollback` through the real bin against the mock: the output contract, a bad
 * file refused before any request, rollback read back equal, and SIGKILL / Ctrl-C at seeded points
 * followed by `--resume`: the final state is the plan's and no POST was sent twice.
 */

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const FLEET = 30;

let mock: MockProvider;
let env: Record<string, string>;
let fleetId: (index: number) => string;
let dir: string;

beforeAll(async () => {
  const mockProvider = await import('@ecs-metadata/mock-provider');
  fleetId = mockProvider.fleetServerId;
  mock = await mockProvider.startMockProvider({ port: 0, fixture: mockProvider.DEFAULT_FIXTURE, generatedServers: FLEET });
  dir = await mkdtemp(join(tmpdir(), 'ecs-metadata-fleet-'));
  env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: mockProvider.DEMO_TOKEN, XDG_STATE_HOME: join(dir, 'state') };
});
afterEach(() => mock.admin.reset());
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], options: RunOptions = {}): Promise<BinRun> => runBin(args, env, options);
const lines = (stdout: string): Record<string, unknown>[] => stdout.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
const byServer = (stdout: string): Record<string, Record<string, unknown>> => Object.fromEntries(lines(stdout).map((line) => [line['serverId'] as string, line]));
const stored = (serverId: string): Record<string, string> | undefined => mock.admin.getServer(PROJECT, serverId)?.metadata;
const writes = (): { method: string; path: string }[] => mock.requestLog.filter((entry) => entry.method !== 'GET' && !entry.path.startsWith('/_admin'));

/** A third of the fleet gets a merge of two keys (one POST), a third an exact map, a third an unset. */
function desiredNdjson(): string {
  return Array.from({ length: FLEET }, (_, i) => {
    const serverId = fleetId(i);
    const entry = i % 3 === 0 ? { serverId, set: { owner: 'li', env: 'prod' } } : i % 3 === 1 ? { serverId, metadata: { owner: 'ops' } } : { serverId, unset: ['index'] };
    return JSON.stringify(entry);
  }).join('\n');
}
const expected = (i: number): Record<string, string> => (i % 3 === 0 ? { index: String(i), owner: 'li', env: 'prod' } : i % 3 === 1 ? { owner: 'ops' } : {});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

describe('ecs-metadata plan', () => {
  it('prints one NDJSON line per server with its diff, the counts on stderr; exit 0, or 9 with --detailed-exitcode', async () => {
    const desired = await file('plan.yaml', `servers:\n  - serverIds: [${fleetId(0)}, ${fleetId(1)}]\n    set: { index: "0", owner: li }\n  - serverId: ${fleetId(2)}\n    metadata: { index: "2" }\n`);
    const result = await run(['plan', desired]);
    expect(result.code).toBe(0);
    expect(byServer(result.stdout)).toEqual({
      [fleetId(0)]: { serverId: fleetId(0), status: 'changes', added: { owner: 'li' }, changed: {}, removed: {} },
      [fleetId(1)]: { serverId: fleetId(1), status: 'changes', added: { owner: 'li' }, changed: { index: { from: '1', to: '0' } }, removed: {} },
      [fleetId(2)]: { serverId: fleetId(2), status: 'unchanged' },
    });
    expect(result.stderr).toMatch(/^ecs-metadata: plan: 2 of 3 servers to change \(\+2 ~1 -0 keys\), 1 unchanged, 0 failed, in 0:0\d/u);
    expect(writes()).toEqual([]);
    expect((await run(['plan', desired, '--detailed-exitcode'])).code).toBe(9);
    const none = await file('none.json', JSON.stringify({ servers: [{ serverId: fleetId(2), metadata: { index: '2' } }] }));
    expect((await run(['plan', none, '--detailed-exitcode'])).code).toBe(0);
  });

  it('apply --dry-run prints what plan prints and writes nothing, not even a journal', async () => {
    const desired = await file('dry.ndjson', desiredNdjson());
    const plan = await run(['plan', desired]);
    const dry = await run(['apply', desired, '--dry-run']);
    expect([dry.code, plan.code]).toEqual([0, 0]);
    expect(byServer(dry.stdout)).toEqual(byServer(plan.stdout));
    expect(Object.keys(byServer(dry.stdout))).toHaveLength(FLEET);
    expect(dry.stderr).toContain('Dry run: nothing was written.');
    expect(dry.stderr).not.toContain('journal');
    expect(writes()).toEqual([]);
  });

  it('refuses a file that breaks the schema before any request: exit 2 naming file, line and JSON path', async () => {
    const desired = await file('bad.json', `{"servers": [\n  {"serverId": "${fleetId(0)}", "set": {"a": "1"}},\n  {"serverId": "${fleetId(1)}", "set": {"a": 1}}\n]}\n`);
    const result = await run(['apply', desired]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(`ecs-metadata: ${desired}:3: $.servers[1].set.a: Invalid input: expected string, received number\n`);
    const ndjson = await file('bad.ndjson', `{"serverId": "${fleetId(0)}", "unset": ["a"]}\n\n{"serverId": "${fleetId(1)}", "unset": "a"}\n`);
    expect((await run(['plan', ndjson])).stderr).toMatch(/bad\.ndjson:3: \$\.unset: /u);
    expect(mock.requestLog).toEqual([]);
  });

  it('names a bad key per server and sends nothing for that server; the others go on (exit 7)', async () => {
    const desired = await file('badkey.ndjson', `{"serverId": "${fleetId(0)}", "set": {"bad key": "x"}}\n{"serverId": "${fleetId(1)}", "set": {"ok": "x"}}\n`);
    const result = await run(['apply', desired, '--journal', join(dir, 'badkey-journal.ndjson')]);
    expect(result.code).toBe(7);
    expect(byServer(result.stdout)[fleetId(0)]).toMatchObject({ status: 'failed', error: { name: 'ValidationError', message: expect.stringContaining('"bad key"') } });
    expect(mock.requestLog.filter((entry) => entry.path.includes(fleetId(0)))).toEqual([]);
    expect(stored(fleetId(1))).toEqual({ index: '1', ok: 'x' });
  });
});

describe('ecs-metadata apply and rollback', () => {
  it('applies with the fewest safe requests, prints the journal (0600), and rollback restores every server, read back equal', async () => {
    const desired = await file('fleet.ndjson', desiredNdjson());
    const before = Array.from({ length: FLEET }, (_, i) => stored(fleetId(i)));
    const result = await run(['apply', desired, '--concurrency', '8']);
    expect(result.code).toBe(0);
    const journal = /journal: (\S+)/u.exec(result.stderr)?.[1] as string;
    expect(journal).toMatch(new RegExp(`^${join(dir, 'state', 'ecs-metadata', 'apply-')}`, 'u'));
    expect((await stat(journal)).mode & 0o777).toBe(0o600);
    expect(Object.values(byServer(result.stdout)).every((line) => line['status'] === 'applied')).toBe(true);
    for (let i = 0; i < FLEET; i += 1) {
      expect(stored(fleetId(i))).toEqual(expected(i));
    }
    // merge of two keys: one POST; exact map: one DELETE and one PUT item; unset: one DELETE.
    expect(writes().filter((write) => write.path.includes(fleetId(0))).map((write) => write.method)).toEqual(['POST']);
    expect(writes().filter((write) => write.path.includes(fleetId(1))).map((write) => write.method)).toEqual(['DELETE', 'PUT']);
    expect(writes().filter((write) => write.path.includes(fleetId(2))).map((write) => write.method)).toEqual(['DELETE']);

    mock.admin.putServer(PROJECT, fleetId(4), { metadata: { owner: 'someone-else' } });
    const rollback = await run(['rollback', journal]);
    expect(rollback.code).toBe(0);
    expect(Object.values(byServer(rollback.stdout)).map((line) => line['status'])).toEqual(Array.from({ length: FLEET }, () => 'restored'));
    expect(byServer(rollback.stdout)[fleetId(4)]).toMatchObject({ changedSince: true });
    expect(rollback.stderr).toContain(`1 had been changed by someone else since the apply (restored anyway`);
    expect(Array.from({ length: FLEET }, (_, i) => stored(fleetId(i)))).toEqual(before);
  });

  it('skips a server changed between plan and write unless --force: exit 7', async () => {
    // The plan's read is answered at once, the re-read before the write only after another writer
    // changed the server (while the re-read waits): the plan's `current` no longer holds.
    const read = { method: 'GET', path: `${fleetId(5)}/metadata$` };
    mock.admin.queueFaults([
      { match: read, delayMs: 0, times: 1 },
      { match: read, delayMs: 300, times: 1 },
    ]);
    const desired = await file('skip.json', JSON.stringify({ servers: [{ serverId: fleetId(5), set: { owner: 'li' } }] }));
    let changed = false;
    const result = await run(['apply', desired, '--journal', join(dir, 'skip-journal.ndjson')], {
      onStart: () => {
        const timer = setInterval(() => {
          if (!changed && mock.requestLog.filter((entry) => entry.method === 'GET' && entry.path.includes(fleetId(5))).length === 2) {
            changed = true;
            mock.admin.putServer(PROJECT, fleetId(5), { metadata: { index: '5', other: 'writer' } });
            clearInterval(timer);
          }
        }, 0);
      },
    });
    expect(changed).toBe(true);
    expect(result.code).toBe(7);
    expect(byServer(result.stdout)[fleetId(5)]).toMatchObject({ status: 'skipped', reason: 'changed since the plan', current: { index: '5', other: 'writer' } });
    expect(stored(fleetId(5))).toEqual({ index: '5', other: 'writer' });
  });

  it('refuses a journal of another project, and a missing one, before any request (exit 2)', async () => {
    const desired = await file('one.json', JSON.stringify({ servers: [{ serverId: fleetId(0), set: { a: '1' } }] }));
    const other = await file('other-journal.ndjson', `${JSON.stringify({ type: 'ecs-metadata-apply', version: 1, endpoint: mock.url, projectId: 'ffff' })}\n`);
    const refused = await run(['apply', desired, '--resume', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('belongs to project ffff');
    expect((await run(['rollback', join(dir, 'nope.ndjson')])).stderr).toContain('nope.ndjson: does not exist');
    expect(mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin'))).toEqual([]);
  });
});

// A small seeded generator (mulberry32), so the kill points are the same on every run.
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

describe('an interrupted apply, resumed', () => {
  const random = seeded(20_261_206);
  const killPoints = [1, 2, 3].map(() => 1 + Math.floor(random() * 25));

  it.each(killPoints.map((after) => [after]))('SIGKILL after %i writes, then --resume: the final state is the plan, no POST sent twice', async (after) => {
    const desired = await file(`kill-${after}.ndjson`, desiredNdjson());
    const journal = join(dir, `kill-${after}-journal.ndjson`);
    // Reads answer slowly, so the kill finds servers at every step: planned, journaled, half written.
    // (Writes are not delayed: the mock drops a delayed request whose client went away, and a POST
    // logged but never carried out would be sent again, rightly, after the read-back.)
    mock.admin.queueFaults([{ match: { method: 'GET' }, delayMs: 3, times: 1000 }]);
    const killed = await run(['apply', desired, '--journal', journal, '--concurrency', '4'], {
      onStart: (child) => {
        const timer = setInterval(() => {
          if (writes().length >= after) {
            child.kill('SIGKILL');
            clearInterval(timer);
          }
        }, 0);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await run(['apply', desired, '--resume', journal, '--concurrency', '4']);
    expect(resumed.stderr).toContain(`resuming ${journal}`);
    expect(resumed.code).toBe(0);
    for (let i = 0; i < FLEET; i += 1) {
      expect(stored(fleetId(i))).toEqual(expected(i));
    }
    const posts = writes().filter((write) => write.method === 'POST').map((write) => write.path);
    expect(posts).toHaveLength(FLEET / 3);
    expect(new Set(posts).size).toBe(posts.length);
    // And the journal still undoes everything: rollback restores every server.
    const rollback = await run(['rollback', journal]);
    expect(rollback.code).toBe(0);
    for (let i = 0; i < FLEET; i += 1) {
      expect(stored(fleetId(i))).toEqual({ index: String(i) });
    }
  });

  it('Ctrl-C lets the writes in flight finish, exits 130 with the summary, and --resume completes', async () => {
    const desired = await file('int.ndjson', desiredNdjson());
    const journal = join(dir, 'int-journal.ndjson');
    mock.admin.queueFaults([{ match: { method: 'POST' }, delayMs: 20, times: 1000 }, { match: { method: 'DELETE' }, delayMs: 20, times: 1000 }]);
    const interrupted = await run(['apply', desired, '--journal', journal, '--concurrency', '4'], {
      onStart: (child) => {
        const timer = setInterval(() => {
          if (writes().length >= 5) {
            child.kill('SIGINT');
            clearInterval(timer);
          }
        }, 0);
        child.on('close', () => clearInterval(timer));
      },
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toMatch(/apply: .* \(interrupted\)\n$/u);
    // Every server it reported applied is complete, and the journal says so.
    const reported = lines(interrupted.stdout).filter((line) => line['status'] === 'applied').map((line) => line['serverId'] as string);
    const journalText = await readFile(journal, 'utf8');
    for (const serverId of reported) {
      expect(journalText).toContain(`{"type":"after","serverId":"${serverId}"`);
    }
    const resumed = await run(['apply', desired, '--resume', journal]);
    expect(resumed.code).toBe(0);
    expect(byServer(resumed.stdout)[reported[0] as string]).toMatchObject({ status: 'already-applied' });
    for (let i = 0; i < FLEET; i += 1) {
      expect(stored(fleetId(i))).toEqual(expected(i));
    }
    expect(await readdir(dir)).toContain('int-journal.ndjson');
  });
});
