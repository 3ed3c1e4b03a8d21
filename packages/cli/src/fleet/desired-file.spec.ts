import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DesiredServerChange } from '@ecs-metadata/core';
import { desiredChanges, openDesiredFile } from './desired-file.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desired-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}
async function changesOf(path: string): Promise<DesiredServerChange[]> {
  const all: DesiredServerChange[] = [];
  for await (const change of desiredChanges(await openDesiredFile(path))) {
    all.push(change);
  }
  return all;
}
const message = (promise: Promise<unknown>): Promise<string> => promise.then(() => 'resolved', (error: unknown) => (error as Error).message);

describe('openDesiredFile', () => {
  const expected = [
    { serverId: 'a', change: { kind: 'merge', set: { k: 'v' }, unset: [] } },
    { serverId: 'b', change: { kind: 'merge', set: { k: 'v' }, unset: [] } },
    { serverId: 'c', change: { kind: 'exact', metadata: {} } },
  ];

  it('reads the same changes from JSON, YAML and NDJSON, the format by extension or, without one, by content', async () => {
    const json = JSON.stringify({ servers: [{ serverIds: ['a', 'b'], set: { k: 'v' } }, { serverId: 'c', metadata: {} }] }, null, 2);
    const yaml = 'servers:\n  - serverIds: [a, b]\n    set: { k: v }\n  - serverId: c\n    metadata: {}\n';
    const ndjson = '{"serverIds":["a","b"],"set":{"k":"v"}}\n\n{"serverId":"c","metadata":{}}\n';
    for (const [name, text, format] of [
      ['d.json', json, 'json'],
      ['d.yml', yaml, 'yaml'],
      ['d.jsonl', ndjson, 'ndjson'],
      ['json.txt', json, 'json'],
      ['yaml.txt', yaml, 'yaml'],
      ['ndjson.txt', ndjson, 'ndjson'],
      ['one-line.txt', JSON.stringify(JSON.parse(json)), 'json'],
    ] as const) {
      const path = await file(name, text);
      expect([name, (await openDesiredFile(path)).format]).toEqual([name, format]);
      expect(await changesOf(path)).toEqual(expected);
    }
  });

  it('names the file, line and JSON path of what is wrong', async () => {
    expect(await message(openDesiredFile(await file('e1.yaml', 'servers:\n  - serverId: a\n    unset: [k]\n  - serverId: b\n    set: [x]\n')))).toMatch(/e1\.yaml:5: \$\.servers\[1\]\.set: /u);
    expect(await message(openDesiredFile(await file('e2.yaml', 'servers:\n  - serverId: a\n    set: {k: v\n')))).toMatch(/e2\.yaml:\d+: not valid YAML: /u);
    expect(await message(openDesiredFile(await file('e3.ndjson', '{"serverId":"a","unset":["k"]}\n{"serverId":"a","unset":["j"]}\n')))).toMatch(/e3\.ndjson:2: server "a" is already given on line 1/u);
    expect(await message(openDesiredFile(await file('e4.json', '{"servers": [{"serverId": "a", "unset": ["k"]}, {"serverId": "a", "set": {}}]}')))).toMatch(/e4\.json:1: \$\.servers\[1\]: server "a" is already given/u);
    expect(await message(openDesiredFile(join(dir, 'missing.json')))).toMatch(/cannot read the desired-state file .*missing\.json/u);
  });
});
