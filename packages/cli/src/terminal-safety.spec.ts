import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { runBin } from './test-support/run-bin.js';
import { type ScriptedServer, startScriptedServer } from './test-support/scripted-server.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const SERVER = '998af54b-5762-4041-abc1-f98a2c27b3a2';
const TOKEN = 'tok-"quoted"\\back%2F/é-0123456789';
const SECURITY_TOKEN = 'sts-security-token-0123456789';
const ESC = '\u001b';
const HOSTILE = `${ESC}]0;pwned\u0007${ESC}[2J\rfake line\u009b31m`;

let server: ScriptedServer;
let dir: string;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startScriptedServer();
  dir = mkdtempSync(join(tmpdir(), 'ecs-metadata-safety-'));
});
beforeEach(() => {
  server.seen.length = 0;
  server.answer(() => ({ status: 200, body: '{"metadata":{}}' }));
  env = { ECS_METADATA_ENDPOINT: server.url, ECS_METADATA_PROJECT_ID: PROJECT, ECS_METADATA_TOKEN: TOKEN };
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** No raw control character but newlines, and none of the credentials in any form. */
function expectSafe(text: string): void {
  // eslint-disable-next-line no-control-regex -- the point
  expect(text).not.toMatch(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/u);
  for (const secret of [TOKEN, SECURITY_TOKEN]) {
    for (const form of [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)]) {
      expect(text).not.toContain(form);
    }
  }
}

describe('messages in the CLI\'s words', () => {
  it('says "HTTP 401:" once, not "HTTP 401 401:", for a Keystone-style fault', async () => {
    server.answer(() => ({ status: 401, body: '{"error":{"code":401,"message":"The request you have made requires authentication."}}' }));
    const result = await runBin(['get', SERVER], env);
    expect(result).toMatchObject({ code: 3, stdout: '', stderr: 'ecs-metadata: HTTP 401: The request you have made requires authentication.\n' });
  });

  it('names the flag (--force) for a platform key, without spec section numbers, and sends nothing', async () => {
    const result = await runBin(['set', SERVER, 'os_type=Linux'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('ecs-metadata: Invalid metadata: key "os_type" is a platform key, managed by the cloud; pass --force to write or delete it\n');
    expect(server.seen).toEqual([]);
  });

  it('refuses a missing --from-file before anything else: no batch summary', async () => {
    const result = await runBin(['get', '--from-file', '/nonexistent/ids.txt'], env);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: 'ecs-metadata: --from-file /nonexistent/ids.txt: cannot read it: no such file\n' });
  });

  it.each([['set', 'owner=li', 'updated'], ['unset', 'owner', 'unset']])('takes a lone "-" as stdin, never as a server id: %s - ...', async (command, item, done) => {
    // Issue 17: "-" reads the server ids from stdin, here empty: a batch of no servers.
    const result = await runBin([command, '-', item], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`^ecs-metadata: 0 of 0 servers ${done}, 0 failed, in 0:00 \\(0/s\\)\n$`, 'u'));
    expect(server.seen).toEqual([]);
  });

  it('prints the demo credentials of the README in the mock\'s banner', async () => {
    let banner = '';
    const result = await runBin(['mock', 'serve', '--port', '0'], {}, {
      onStart: (child) =>
        child.stderr?.on('data', (chunk: Buffer) => {
          banner += chunk.toString();
          if (banner.includes('Press Ctrl-C')) {
            child.kill('SIGINT');
          }
        }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('token demo-token → project 9c53a566cb3443ab910cf0daebca90c4');
    expect(result.stderr).toContain('access key DEMOACCESSKEY0000000, secret key demo-secret-key-0000000000000000000000000 → project');
    expect(result.stderr).toContain('user demo, password demo-password → project');
  });
});

describe('nothing unsafe reaches the terminal', () => {
  it('escapes control characters and masks the token a server echoes in an error (raw, URL-encoded, JSON-escaped)', async () => {
    server.answer((request) => {
      const echoed = String(request.headers['x-auth-token']);
      const message = `${HOSTILE} token ${echoed} url ${encodeURIComponent(echoed)} json ${JSON.stringify(echoed)}`;
      return { status: 400, body: JSON.stringify({ badRequest: { code: 400, message } }) };
    });
    const result = await runBin(['get', SERVER], env);
    expect(result.code).toBe(5);
    expectSafe(result.stderr);
    expect(result.stderr).toContain('\\e]0;pwned\\u{7}\\e[2J\\rfake line');
    expect(result.stderr).toContain('token **** url **** json "****"');
  });

  it('masks the security token of AK/SK credentials when a server echoes it', async () => {
    server.answer((request) => ({ status: 403, body: JSON.stringify({ error: { code: 'Ecs.0001', message: `bad ${String(request.headers['x-security-token'])}` } }) }));
    const result = await runBin(['get', SERVER], {
      ECS_METADATA_ENDPOINT: server.url,
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
      HUAWEICLOUD_SDK_AK: 'AKEXAMPLE0000000TEST',
      HUAWEICLOUD_SDK_SK: 'sk-secret-0000000000000000',
      HUAWEICLOUD_SDK_SECURITY_TOKEN: SECURITY_TOKEN,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('bad ****');
    expectSafe(result.stderr);
  });

  it('escapes control characters of values in --output table, and keeps JSON parseable with C1 characters escaped', async () => {
    server.answer(() => ({ status: 200, body: JSON.stringify({ metadata: { note: HOSTILE } }) }));
    const [table, json] = await Promise.all([runBin(['get', SERVER, '--output', 'table'], env), runBin(['get', SERVER], env)]);
    expect(table.stdout).toBe('KEY   VALUE\nnote  \\e]0;pwned\\u{7}\\e[2J\\rfake line\\u{9b}31m\n');
    expect(json.stdout).toContain('\\u009b');
    expect(JSON.parse(json.stdout)).toEqual({ note: HOSTILE });
  });

  it('prints --output yaml that parses back to the same strings, control characters escaped', async () => {
    server.answer(() => ({ status: 200, body: JSON.stringify({ metadata: { note: HOSTILE, flag: 'True', mode: '0755' } }) }));
    const result = await runBin(['get', SERVER, '-o', 'yaml'], env);
    expect(result.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- the point
    expect(result.stdout).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/u);
    expect(parseYaml(result.stdout)).toEqual({ note: HOSTILE, flag: 'True', mode: '0755' });
  });

  it('escapes control characters of ids and messages in --output text, and cuts a 50 MB line in bounded time', async () => {
    server.answer(() => ({ status: 404, body: JSON.stringify({ itemNotFound: { code: 404, message: `gone ${HOSTILE}` } }) }));
    const hugeLine = 'x'.repeat(50 * 1024 * 1024);
    const started = Date.now();
    const result = await runBin(['get', '-', '--output', 'text'], env, { stdin: `a${ESC}[2Jb\ngood-id\n${hugeLine}\n` });
    const elapsedMs = Date.now() - started;
    const lines = result.stdout.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(3);
    expect(lines).toContain('a\\e[2Jb  ValidationError: Invalid serverId: must not contain control characters (CR, LF, NUL, ...)');
    expect(lines).toContain('good-id  NotFoundError: HTTP 404 itemNotFound: gone \\e]0;pwned\\u{7}\\e[2J\\rfake line\\u{9b}31m');
    const cut = lines.find((line) => line.startsWith('xxx')) as string;
    expect(cut.startsWith(`${'x'.repeat(256)}…  ValidationError: Invalid serverId: must be at most 255 characters`)).toBe(true);
    expect(cut.length).toBeLessThan(1000); // echoed cut, never whole
    expect(server.seen.map((request) => request.url)).toEqual([`/v2.1/${PROJECT}/servers/good-id/metadata`]);
    expect(elapsedMs).toBeLessThan(10_000); // a bound, not a benchmark: the quadratic reader took 14 s
  });

  it('echoes no user info of a URL it cannot parse', async () => {
    const result = await runBin(['get', SERVER], { ...env, ECS_METADATA_ENDPOINT: 'http://user:pa55word@[::1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('"http://****@[::1" is not an absolute URL');
    expect(result.stderr).not.toContain('pa55word');
  });

  it('never prints a YAML parser warning that quotes a clouds.yaml password', async () => {
    const cwd = join(dir, 'yaml-warning');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      auth_url: ${server.url}/v3\n      username: u\n      password: !secret pw-in-yaml-0123\n      project_id: ${PROJECT}\n`, { mode: 0o600 });
    const result = await runBin(['config', 'show'], { OS_CLOUD: 'c' }, { cwd });
    expect(result.stderr).not.toContain('pw-in-yaml-0123');
    expect(result.stdout).not.toContain('pw-in-yaml-0123');
  });

  it('warns about a clouds.yaml others can read that holds a token (not only a password)', async () => {
    const cwd = join(dir, 'world-readable');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    auth:\n      token: tok-in-yaml-0123\n      project_id: ${PROJECT}\n`);
    chmodSync(join(cwd, 'clouds.yaml'), 0o644);
    const result = await runBin(['config', 'show'], { OS_CLOUD: 'c', ECS_METADATA_ENDPOINT: server.url }, { cwd });
    expect(result.stderr).toContain('clouds.yaml holds a token and is accessible by other users (mode 0644)');
    expect(result.stderr).not.toContain('tok-in-yaml-0123');
  });

  it.each(['constructor', 'toString', '__proto__'])('looks profiles up as own keys: --profile %s is no profile', async (name) => {
    const home = join(dir, 'profiles');
    mkdirSync(join(home, 'ecs-metadata'), { recursive: true });
    writeFileSync(join(home, 'ecs-metadata/config.toml'), `[default]\nregion = "cn-north-4"\n`, { mode: 0o600 });
    const result = await runBin(['config', 'show', '--profile', name], { XDG_CONFIG_HOME: home });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`No profile "${name}"`);
  });

  it.each([
    ['', 'must be a letter'],
    ['APP', 'ending with _'],
    ['LD_', 'LD_'],
    ['node_', 'NODE_'],
    ['B', 'must be a letter'],
  ])('refuses --env-prefix "%s" before any request (exit 2)', async (prefix, named) => {
    const result = await runBin(['get', SERVER, '--output', 'env', '--env-prefix', prefix], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(named);
    expect(server.seen).toEqual([]);
  });

  it('warns once when credentials would go over plain http to another host than this machine', async () => {
    const remote = server.url.replace('127.0.0.1', '[::ffff:127.0.0.1]');
    const [plain, loopback] = await Promise.all([runBin(['get', SERVER], { ...env, ECS_METADATA_ENDPOINT: remote }), runBin(['get', SERVER], env)]);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toBe(`ecs-metadata: warning: credentials go over plain http to [::ffff:7f00:1]:${new URL(server.url).port}: they can be read on the way\n`);
    expect(loopback.stderr).toBe('');
  });
});
