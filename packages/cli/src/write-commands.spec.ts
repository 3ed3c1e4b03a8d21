import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { MockProvider } from '@ecs-metadata/mock-provider';
import { type BinRun, runBin } from './test-support/run-bin.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const NOVA = `/v2.1/${PROJECT}/servers/${SERVER}/metadata`;

/** Runs the real bin with a scratch HOME plus `env`, `stdin` piped in when given. */
const run = (args: string[], env: Record<string, string> = {}, stdin?: string): Promise<BinRun> =>
  runBin(args, { HOME: home, ...env }, { stdin });

let mock: MockProvider;
let env: Record<string, string>;
let token: string;
let home: string;

beforeAll(async () => {
  // Dynamic, as in the CLI itself: the mock is a lazily loaded dependency of this package.
  const mockProvider = await import('@ecs-metadata/mock-provider');
  token = mockProvider.DEMO_TOKEN;
  mock = await mockProvider.startMockProvider({ port: 0, fixture: mockProvider.DEFAULT_FIXTURE });
  env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: token };
  home = await mkdtemp(join(tmpdir(), 'cli-write-'));
});
afterEach(() => mock.admin.reset());
afterAll(async () => {
  await mock.close();
  await rm(home, { recursive: true, force: true });
});

const apiRequests = (): string[] => mock.requestLog.filter((entry) => !entry.path.startsWith('/_admin')).map((entry) => `${entry.method} ${entry.path}`);
const stored = (): Record<string, string> | undefined => mock.admin.getServer(PROJECT, SERVER)?.metadata;

describe('ecs-metadata get --key', () => {
  it('reads the item with GET .../metadata/KEY', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: { wj: 'True', 'os:type': 'Linux' } });
    expect(await run(['get', SERVER, '--key', 'os:type', '--output', 'value'], env)).toMatchObject({ code: 0, stdout: 'Linux\n' });
    expect(await run(['get', SERVER, '--key', 'wj'], env)).toMatchObject({ code: 0, stdout: '{"wj":"True"}\n' });
    expect(apiRequests()).toEqual([`GET ${NOVA}/os:type`, `GET ${NOVA}/wj`]);
  });

  it('exits 4 with the server\'s message for a missing key', async () => {
    const result = await run(['get', SERVER, '--key', 'nope'], env);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('Metadata item was not found');
    expect(result.stdout).toBe('');
  });
});

describe('ecs-metadata set', () => {
  it('merges KEY=VALUE items and prints the complete map', async () => {
    const result = await run(['set', SERVER, 'owner=li', 'env=prod', 'empty='], env);
    expect(result).toMatchObject({ code: 0, stdout: '{"wj":"True","owner":"li","env":"prod","empty":""}\n', stderr: '' });
    expect(apiRequests()).toEqual([`POST ${NOVA}`]);
    expect(stored()).toEqual({ wj: 'True', owner: 'li', env: 'prod', empty: '' });
  });

  it('splits at the first "=" only', async () => {
    expect((await run(['set', SERVER, 'url=a=b'], env)).code).toBe(0);
    expect(stored()).toMatchObject({ url: 'a=b' });
  });

  it('replaces the whole map with --replace, as a table', async () => {
    const result = await run(['set', SERVER, 'owner=li', '--replace', '--output', 'table'], env);
    expect(result).toMatchObject({ code: 0, stdout: 'KEY    VALUE\nowner  li\n' });
    expect(apiRequests()).toEqual([`PUT ${NOVA}`]);
  });

  it('reads items from a file, plain or wrapped in "metadata", with the command line winning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cli-set-'));
    try {
      await writeFile(join(dir, 'plain.json'), '{"a":"1","b":"2"}');
      await writeFile(join(dir, 'wrapped.json'), '{"metadata":{"c":"3"}}');
      expect((await run(['set', SERVER, '--items', join(dir, 'plain.json'), 'b=cli'], env)).code).toBe(0);
      expect((await run(['set', SERVER, '--items', join(dir, 'wrapped.json')], env)).code).toBe(0);
      expect(stored()).toEqual({ wj: 'True', a: '1', b: 'cli', c: '3' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads items from stdin with --items -, and clears all with --replace and {}', async () => {
    expect((await run(['set', SERVER, '--items', '-'], env, '{"from":"stdin"}')).code).toBe(0);
    expect((await run(['set', SERVER, '--items', '-'], env, '{"metadata":{"again":"yes"}}')).code).toBe(0);
    expect(stored()).toEqual({ wj: 'True', from: 'stdin', again: 'yes' });
    expect(await run(['set', SERVER, '--replace', '--items', '-'], env, '{}')).toMatchObject({ code: 0, stdout: '{}\n' });
  });

  it('uses the ECS native merge with --native', async () => {
    expect(await run(['set', SERVER, 'key1=value1', '--native'], env)).toMatchObject({ code: 0, stdout: '{"wj":"True","key1":"value1"}\n' });
    expect(apiRequests()).toEqual([`POST /v1/${PROJECT}/cloudservers/${SERVER}/metadata`]);
  });

  it('allows a space in keys with --nova-keys only', async () => {
    expect((await run(['set', SERVER, 'a b=c'], env)).code).toBe(2);
    expect((await run(['set', SERVER, 'a b=c', '--nova-keys'], env)).code).toBe(0);
    expect(stored()).toEqual({ wj: 'True', 'a b': 'c' });
  });

  it('writes a platform key only with --force', async () => {
    const refused = await run(['set', SERVER, 'os_type=Linux'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('"os_type" is a platform key');
    expect(apiRequests()).toEqual([]);
    expect((await run(['set', SERVER, 'os_type=Linux', '--force'], env)).code).toBe(0);
  });

  it('prints the request with --dry-run and sends nothing, needing no credential', async () => {
    const result = await run(['set', SERVER, 'owner=li', '--dry-run'], { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `POST ${mock.url}${NOVA}\nAccept: application/json\nContent-Type: application/json\nUser-Agent: ecs-metadata/0.1.0\nX-Project-Id: ${PROJECT}\n\n{"metadata":{"owner":"li"}}\n`,
    );
    expect(result.stderr).toContain('Dry run: nothing was sent');
    const replace = await run(['set', SERVER, 'owner=li', '--replace', '--dry-run', '--api-version', 'v2'], env);
    expect(replace.stdout.split('\n')[0]).toBe(`PUT ${mock.url}/v2/${PROJECT}/servers/${SERVER}/metadata`);
    expect(replace.stdout + replace.stderr).not.toContain(token);
    expect(apiRequests()).toEqual([]);
  });

  it.each([
    ['a key with "/"', ['a/b=1'], 'metadata'],
    ['a key of 256 characters', [`${'k'.repeat(256)}=v`], 'must be 1-255 characters'],
    ['a value of 256 characters', [`wj=${'v'.repeat(256)}`], 'must be at most 255 characters'],
    ['a non-ASCII key', ['ключ=v'], 'may contain only'],
    ['an item without "="', ['owner'], '"owner" is not KEY=VALUE'],
    ['a key given twice', ['a=1', 'a=2'], 'the key "a" is given twice'],
    ['nothing to set', [], 'at least one KEY=VALUE'],
    ['a traversal server id', ['x=1'], 'serverId'],
    ['--replace with --native', ['x=1', '--replace', '--native'], '--replace and --native exclude each other'],
    ['an unknown output', ['x=1', '--output', 'value'], '--output must be one of json, yaml, table, env'],
    ['a missing file', ['--items', '/nonexistent/items.json'], 'cannot read /nonexistent/items.json'],
    ['stdin for both ids and items', ['-', '--items', '-'], 'stdin can be read once'],
  ])('exits 2 before any request for %s', async (label, items, named) => {
    const serverId = label === 'a traversal server id' ? '../x' : SERVER;
    const result = await run(['set', serverId, ...items], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(result.stderr).not.toMatch(/\n\s+at /u);
    expect(apiRequests()).toEqual([]);
  });

  it('exits 2 for invalid JSON, a non-object and 129 items from stdin', async () => {
    expect((await run(['set', SERVER, '--items', '-'], env, '{"a":')).stderr).toContain('stdin is not valid JSON');
    expect((await run(['set', SERVER, '--items', '-'], env, '["a"]')).stderr).toContain('must hold a JSON object');
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 129 }, (_, index) => [`k${index}`, 'v'])));
    const tooMany = await run(['set', SERVER, '--items', '-'], env, many);
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toContain('holds 129 items; at most 128');
    expect((await run(['set', SERVER, '--items', '-'], env, '{"wj":1}')).stderr).toContain('the value of "wj" must be a string');
    expect(apiRequests()).toEqual([]);
  });

  it('exits 3 over the 128-item limit and 5 for a locked server, with the server\'s message', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: Object.fromEntries(Array.from({ length: 128 }, (_, index) => [`k${index}`, 'v'])) });
    const limit = await run(['set', SERVER, 'new=1'], env);
    expect(limit.code).toBe(3);
    expect(limit.stderr).toContain('Maximum number of metadata items exceeds 128');
    mock.admin.putServer(PROJECT, SERVER, { metadata: {}, locked: true });
    const locked = await run(['set', SERVER, 'new=1'], env);
    expect(locked.code).toBe(5);
    expect(locked.stderr).toContain(`Instance ${SERVER} is locked`);
  });
});

describe('ecs-metadata unset', () => {
  it('deletes each key with its own DELETE and reports it', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: { a: '1', b: '2', c: '3' } });
    const result = await run(['unset', SERVER, 'a', 'b'], env);
    expect(result).toMatchObject({ code: 0, stdout: 'deleted a\ndeleted b\n', stderr: '' });
    expect(apiRequests()).toEqual([`DELETE ${NOVA}/a`, `DELETE ${NOVA}/b`]);
    expect(stored()).toEqual({ c: '3' });
  });

  it('exits 7 when only some keys were deleted, naming the others', async () => {
    mock.admin.putServer(PROJECT, SERVER, { metadata: { a: '1', c: '3' } });
    const result = await run(['unset', SERVER, 'a', 'nope', 'c'], env);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('deleted a\ndeleted c\n');
    expect(result.stderr).toContain('nope not deleted: HTTP 404 itemNotFound: Metadata item was not found');
  });

  it('exits 4 when no key was deleted, and stops at an unknown server', async () => {
    expect((await run(['unset', SERVER, 'nope'], env)).code).toBe(4);
    const server = await run(['unset', '00000000-0000-4000-8000-000000000000', 'a', 'b'], env);
    expect(server.code).toBe(4);
    expect(server.stderr).toContain('not attempted: b');
    expect(apiRequests()).toHaveLength(2);
  });

  it.each([429, 503])('exits 4 for a key that never existed when a %i came before its 404 (the first DELETE was not processed)', async (status) => {
    mock.admin.queueFault({ match: { method: 'DELETE' }, status });
    const result = await run(['unset', SERVER, 'never-there'], env);
    expect(result).toMatchObject({ code: 4, stdout: '' });
    expect(result.stderr).toContain('never-there not deleted: HTTP 404 itemNotFound: Metadata item was not found');
    expect(apiRequests()).toEqual([`DELETE ${NOVA}/never-there`, `DELETE ${NOVA}/never-there`]);
  });

  it('uses the native delete with --native', async () => {
    expect(await run(['unset', SERVER, 'wj', '--native'], env)).toMatchObject({ code: 0, stdout: 'deleted wj\n' });
    expect(apiRequests()).toEqual([`DELETE /v1/${PROJECT}/cloudservers/${SERVER}/metadata/wj`]);
  });

  it('prints one request per key with --dry-run and sends nothing', async () => {
    const result = await run(['unset', SERVER, 'a', 'os:type', '--dry-run'], env);
    expect(result.code).toBe(0);
    const requestLines = result.stdout.split('\n').filter((line) => line.startsWith('DELETE '));
    expect(requestLines).toEqual([`DELETE ${mock.url}${NOVA}/a`, `DELETE ${mock.url}${NOVA}/os:type`]);
    expect(result.stdout).not.toContain(token);
    expect(apiRequests()).toEqual([]);
  });

  it.each([
    ['no key', [SERVER], 'at least one KEY'],
    ['a key given twice', [SERVER, 'a', 'a'], 'the key "a" is given twice'],
    ['a platform key without --force', [SERVER, 'a', 'charging_mode'], '"charging_mode" is a platform key'],
    ['a traversal key', [SERVER, '..', '--nova-keys'], '".." is a relative path segment'],
    ['a key with a space', [SERVER, 'a b'], 'may contain only'],
  ])('exits 2 before any request for %s', async (_label, args, named) => {
    const result = await run(['unset', ...args], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(apiRequests()).toEqual([]);
  });
});

describe('usage', () => {
  it('lists set and unset, and prints their help', async () => {
    expect((await run(['--help'])).stdout).toMatch(/set <server-id>\.\.\. KEY=VALUE\.\.\..*\n\s+unset <server-id> KEY\.\.\./u);
    expect((await run(['set', '--help'])).stdout).toContain('--dry-run');
    expect((await run(['unset', '--help'])).stdout).toContain('one DELETE .../metadata/{key} per key');
  });
});
