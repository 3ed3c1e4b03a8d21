import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_TOKEN } from '@ecs-metadata/mock-provider';
import { type DesiredServerChange, planMetadataChanges, type ServerMetadataPlan } from '@ecs-metadata/core';
import { type ApplyOutcome, EcsMetadataClient, tokenAuth } from './index.js';
import { FleetJournal, JournalError, readFleetJournal, rollbackFromJournal, type RollbackOutcome } from './journal.js';
import { useMockProvider } from './test-support/mock-harness.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const servers = ['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003'];
const harness = useMockProvider(DEFAULT_FIXTURE);
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apply-plan-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const client = (): EcsMetadataClient =>
  harness.track(
    new EcsMetadataClient({
      endpoint: harness.mock.url,
      projectId: PROJECT,
      auth: tokenAuth(DEMO_TOKEN),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    }),
  );
const stored = (serverId: string): Record<string, string> | undefined => harness.mock.admin.getServer(PROJECT, serverId)?.metadata;
const seed = (metadata: Record<string, string>): void =>
  servers.forEach((id) => harness.mock.admin.putServer(PROJECT, id, { metadata: { ...metadata } }));
const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of iterable) {
    all.push(item);
  }
  return all;
};
const plansFor = (change: DesiredServerChange['change']): ServerMetadataPlan[] =>
  servers.map((serverId) => planMetadataChanges({ serverId, change }, stored(serverId) ?? {}));
const statuses = (outcomes: readonly (ApplyOutcome | RollbackOutcome)[]): Record<string, string> =>
  Object.fromEntries(outcomes.map((outcome) => [outcome.serverId, outcome.status]));
const journalPath = (name: string): string => join(dir, 'state', name);

describe('applyMetadataPlan', () => {
  it('re-reads each server, journals its before-state, then sends deletes and one merge; the journal is 0600 in a 0700 directory', async () => {
    seed({ old: '1', env: 'dev', keep: 'k' });
    const journal = await FleetJournal.create(journalPath('apply-1.ndjson'), { endpoint: harness.mock.url, projectId: PROJECT }, 'desired.yaml');
    const outcomes = await collect(client().applyMetadataPlan(plansFor({ kind: 'merge', set: { env: 'prod', owner: 'li' }, unset: ['old'] }), { concurrency: 2, journal }));
    await journal.close();
    expect(statuses(outcomes)).toEqual(Object.fromEntries(servers.map((id) => [id, 'applied'])));
    for (const id of servers) {
      expect(stored(id)).toEqual({ keep: 'k', env: 'prod', owner: 'li' });
    }
    const perServer = harness
      .apiRequests()
      .filter((request) => request.path.includes(servers[0] as string))
      .map((request) => request.method);
    expect(perServer).toEqual(['GET', 'DELETE', 'POST']);
    const contents = await readFleetJournal(journal.file, { endpoint: harness.mock.url, projectId: PROJECT });
    expect(contents.servers.get(servers[0] as string)).toEqual({ before: { old: '1', env: 'dev', keep: 'k' }, after: { keep: 'k', env: 'prod', owner: 'li' } });
    expect(contents.source).toBe('desired.yaml');
    expect((await stat(journal.file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
  });

  it('skips a server changed since the plan unless force, and writes nothing for an unchanged one', async () => {
    seed({ env: 'dev' });
    const plans = plansFor({ kind: 'merge', set: { env: 'prod' }, unset: [] });
    harness.mock.admin.putServer(PROJECT, servers[1] as string, { metadata: { env: 'dev', other: 'writer' } });
    harness.mock.admin.putServer(PROJECT, servers[2] as string, { metadata: { env: 'prod' } });
    const unchangedPlan = planMetadataChanges(
      { serverId: servers[2] as string, change: { kind: 'merge', set: { env: 'prod' }, unset: [] } },
      { env: 'prod' },
    );
    const outcomes = await collect(
      client().applyMetadataPlan([plans[0] as ServerMetadataPlan, plans[1] as ServerMetadataPlan, unchangedPlan]),
    );
    expect(statuses(outcomes)).toEqual({
      [servers[0] as string]: 'applied',
      [servers[1] as string]: 'skipped',
      [servers[2] as string]: 'unchanged',
    });
    expect(outcomes.find((outcome) => outcome.status === 'skipped')).toMatchObject({ current: { env: 'dev', other: 'writer' } });
    expect(stored(servers[1] as string)).toEqual({ env: 'dev', other: 'writer' });
    const forced = await collect(client().applyMetadataPlan([plans[1] as ServerMetadataPlan], { force: true }));
    expect(statuses(forced)).toEqual({ [servers[1] as string]: 'applied' });
    expect(stored(servers[1] as string)).toEqual({ env: 'prod', other: 'writer' });
  });

  it('never resends a merge whose answer was lost: it reads the server back and counts it done when the keys are there', async () => {
    seed({});
    harness.mock.admin.queueFaults([{ match: { method: 'POST' }, afterHandler: 'reset', times: 1 }]);
    const [plan] = plansFor({ kind: 'merge', set: { a: '1', b: '2' }, unset: [] });
    const outcomes = await collect(client().applyMetadataPlan([plan as ServerMetadataPlan]));
    expect(statuses(outcomes)).toEqual({ [servers[0] as string]: 'applied' });
    expect(harness.apiRequests().map((request) => request.method)).toEqual(['GET', 'POST', 'GET']);
  });

  it('reports a server that fails as failed, with whether something may have been written, and goes on', async () => {
    seed({ env: 'dev' });
    harness.mock.admin.queueFaults([{ match: { method: 'PUT', path: servers[0] as string }, status: 409, times: 1 }]);
    const outcomes = await collect(client().applyMetadataPlan(plansFor({ kind: 'merge', set: { env: 'prod' }, unset: [] })));
    expect(statuses(outcomes)[servers[0] as string]).toBe('failed');
    expect(outcomes.find((outcome) => outcome.status === 'failed')).toMatchObject({ written: true, error: { name: 'ConflictError' } });
    expect(stored(servers[1] as string)).toEqual({ env: 'prod' });
  });
});

describe('rollbackFromJournal', () => {
  it('restores every server, read back equal, and reports one changed by someone else since', async () => {
    seed({ old: '1', env: 'dev' });
    const file = journalPath('apply-2.ndjson');
    const journal = await FleetJournal.create(file, { endpoint: harness.mock.url, projectId: PROJECT });
    await collect(client().applyMetadataPlan(plansFor({ kind: 'exact', metadata: { env: 'prod', owner: 'li' } }), { journal }));
    await journal.close();
    harness.mock.admin.putServer(PROJECT, servers[2] as string, { metadata: { env: 'prod', owner: 'li', late: 'writer' } });
    const undo = await FleetJournal.create(journalPath('rollback-2.ndjson'), { endpoint: harness.mock.url, projectId: PROJECT });
    const outcomes = await collect(rollbackFromJournal(client(), file, { journal: undo }));
    await undo.close();
    expect(statuses(outcomes)).toEqual(Object.fromEntries(servers.map((id) => [id, 'restored'])));
    expect(outcomes.map((outcome) => [outcome.serverId, outcome.changedSince])).toEqual(
      expect.arrayContaining([
        [servers[0], false],
        [servers[2], true],
      ]),
    );
    for (const id of servers) {
      expect(stored(id)).toEqual({ old: '1', env: 'dev' });
    }
    // The rollback journaled what it overwrote: the late writer's key can be got back.
    const undone = await readFleetJournal(undo.file, { endpoint: harness.mock.url, projectId: PROJECT });
    expect(undone.servers.get(servers[2] as string)?.before).toEqual({ env: 'prod', owner: 'li', late: 'writer' });
  });

  it('refuses a journal of another project or endpoint, a corrupt record, and names the line', async () => {
    const file = journalPath('apply-3.ndjson');
    const journal = await FleetJournal.create(file, { endpoint: harness.mock.url, projectId: 'ffff' });
    await journal.close();
    await expect(collect(rollbackFromJournal(client(), file))).rejects.toThrow(/belongs to project ffff/u);
    const other = journalPath('apply-4.ndjson');
    await (await FleetJournal.create(other, { endpoint: 'http://127.0.0.2:1', projectId: PROJECT })).close();
    await expect(collect(rollbackFromJournal(client(), other))).rejects.toThrow(/belongs to endpoint http:\/\/127\.0\.0\.2:1/u);
    const corrupt = journalPath('apply-5.ndjson');
    await (await FleetJournal.create(corrupt, { endpoint: harness.mock.url, projectId: PROJECT })).close();
    await writeFile(corrupt, `${await readFile(corrupt, 'utf8')}{"type":"before"\n`);
    const error = await collect(rollbackFromJournal(client(), corrupt)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(JournalError);
    expect((error as Error).message).toMatch(/line 2 is not JSON/u);
  });

  it('a last record cut short by a kill is left out (its write never started), and resuming cuts it off', async () => {
    const file = journalPath('apply-6.ndjson');
    const journal = await FleetJournal.create(file, { endpoint: harness.mock.url, projectId: PROJECT });
    await journal.recordBefore('s1', { a: '1' });
    await journal.close();
    await writeFile(file, `${await readFile(file, 'utf8')}{"type":"before","serverId":"s2","meta`);
    const contents = await readFleetJournal(file, { endpoint: harness.mock.url, projectId: PROJECT });
    expect([...contents.servers.keys()]).toEqual(['s1']);
    expect(contents.truncatedLastRecord).toBe(true);
    const resumed = await FleetJournal.resume(file, { endpoint: harness.mock.url, projectId: PROJECT });
    await resumed.journal.recordBefore('s1', { a: 'changed' }); // the original stays
    await resumed.journal.recordBefore('s2', { b: '2' });
    await resumed.journal.close();
    const after = await readFleetJournal(file, { endpoint: harness.mock.url, projectId: PROJECT });
    expect(Object.fromEntries(after.servers)).toEqual({ s1: { before: { a: '1' } }, s2: { before: { b: '2' } } });
    expect(after.truncatedLastRecord).toBe(false);
  });
});
