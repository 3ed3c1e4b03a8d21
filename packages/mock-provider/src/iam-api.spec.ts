import { EXAMPLE_PROJECT_ID } from '@ecs-metadata/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DEFAULT_FIXTURE, DEMO_USER, type Fixture, type MockProvider, startMockProvider } from './index.js';
import { metadataPath, type RawResponse, rawRequest } from './test-support/http.js';

const OTHER_PROJECT = '0123456789abcdef0123456789abcdef';
const PASSWORD = 'S3cret-pass-word';
const AC_SECRET = 'app-cred-secret-0001';
const FIXTURE: Fixture = {
  ...DEFAULT_FIXTURE,
  users: [
    { username: 'li', password: PASSWORD, domainName: 'acme', domainId: 'acme-id', projectId: EXAMPLE_PROJECT_ID },
    {
      username: 'sam',
      password: PASSWORD,
      projectId: OTHER_PROJECT,
      projectName: 'sams-project',
      applicationCredentials: [{ id: 'ac-sam-ci', name: 'ci', secret: AC_SECRET }],
    },
  ],
  region: 'cn-north-4',
};

interface LoginInput {
  name?: string;
  password?: string;
  /** `null`: no domain at all. */
  domain?: Record<string, string> | null;
  project?: Record<string, unknown>;
}

function loginBody({ name = 'li', password = PASSWORD, domain = { name: 'acme' }, project = { id: EXAMPLE_PROJECT_ID } }: LoginInput = {}): string {
  const user = domain === null ? { name, password } : { name, password, domain };
  return JSON.stringify({ auth: { identity: { methods: ['password'], password: { user } }, scope: { project } } });
}

const KEYSTONE_UNAUTHORIZED = 'The request you have made requires authentication.';

let mock: MockProvider;
beforeAll(async () => {
  mock = await startMockProvider({ port: 0, fixture: FIXTURE });
});
beforeEach(() => mock.admin.reset());
afterAll(async () => {
  await mock.close();
});

const login = (body: string, path = '/v3/auth/tokens'): Promise<RawResponse> =>
  rawRequest(mock.url, path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });

describe('identity service: POST /v3/auth/tokens (spec §9.1)', () => {
  it('answers 201 with X-Subject-Token and a Keystone token body whose catalog points at the mock', async () => {
    const response = await login(loginBody());
    expect(response.status).toBe(201);
    const token = response.headers['x-subject-token'] as string;
    expect(token).toMatch(/^gAAAAA[\w-]{100,}$/u);
    const body = JSON.parse(response.text) as { token: Record<string, unknown> };
    expect(body.token).toMatchObject({
      methods: ['password'],
      project: { id: EXAMPLE_PROJECT_ID, name: 'cn-north-4', domain: { id: 'acme-id', name: 'acme' } },
      user: { name: 'li', domain: { id: 'acme-id', name: 'acme' } },
      catalog: expect.arrayContaining([
        expect.objectContaining({
          type: 'compute',
          endpoints: expect.arrayContaining([
            expect.objectContaining({ interface: 'public', region_id: 'cn-north-4', url: `${mock.url}/v2.1/${EXAMPLE_PROJECT_ID}` }),
          ]),
        }),
      ]),
    });
    const expiresAt = Date.parse(body.token['expires_at'] as string);
    const issuedAt = Date.parse(body.token['issued_at'] as string);
    expect(body.token['expires_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/u);
    expect(expiresAt - issuedAt).toBe(24 * 60 * 60 * 1000);
    expect(response.text).not.toContain(PASSWORD);

    const api = await rawRequest(mock.url, metadataPath(), { headers: { 'X-Auth-Token': token } });
    expect(api.status).toBe(200);
    // Scoped to one project: another project's path is Nova's 400 project mismatch.
    const other = await rawRequest(mock.url, metadataPath({ projectId: OTHER_PROJECT }), { headers: { 'X-Auth-Token': token } });
    expect(other.status).toBe(400);
  });

  it('also serves /identity/v3/auth/tokens, where the 401 challenge points', async () => {
    expect((await login(loginBody(), '/identity/v3/auth/tokens')).status).toBe(201);
  });

  it.each([
    ['the domain by id', { domain: { id: 'acme-id' } }],
    ['the project by name', { project: { name: 'cn-north-4' } }],
    ['the project by name and domain', { project: { name: 'cn-north-4', domain: { name: 'acme' } } }],
  ])('accepts %s', async (_case, input) => {
    expect((await login(loginBody(input))).status).toBe(201);
  });

  it('defaults the domain to Default / default and the project name to the fixture value', async () => {
    expect((await login(loginBody({ name: 'sam', domain: { id: 'default' }, project: { name: 'sams-project' } }))).status).toBe(201);
    expect((await login(loginBody({ name: 'sam', domain: { name: 'Default' }, project: { id: OTHER_PROJECT } }))).status).toBe(201);
  });

  it('drops the catalog with ?nocatalog', async () => {
    const response = await login(loginBody(), '/v3/auth/tokens?nocatalog=true');
    expect(response.status).toBe(201);
    expect(JSON.parse(response.text)).not.toHaveProperty('token.catalog');
  });

  it.each([
    ['a wrong password', { password: 'wrong' }],
    ['an unknown user', { name: 'nobody' }],
    ['a wrong domain', { domain: { name: 'other' } }],
    ['another project', { project: { id: OTHER_PROJECT } }],
    ['another project name', { project: { name: 'eu-west-0' } }],
    ['another project domain', { project: { name: 'cn-north-4', domain: { id: 'x' } } }],
  ])('answers 401 with Keystone body for %s, never echoing the password', async (_case, input) => {
    const response = await login(loginBody(input));
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toEqual({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    expect(response.text).not.toContain(PASSWORD);
  });

  it.each([
    ['no JSON', 'password=S3cret-pass-word'],
    ['no scope', JSON.stringify({ auth: { identity: { methods: ['password'], password: { user: { name: 'li', password: PASSWORD } } } } })],
    ['the token method', JSON.stringify({ auth: { identity: { methods: ['token'], token: { id: 'x' } }, scope: { project: { id: EXAMPLE_PROJECT_ID } } } })],
    ['no user domain', loginBody({ domain: null })],
  ])('answers 400 with Keystone body for %s', async (_case, body) => {
    const response = await login(body);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toMatchObject({ error: { code: 400, title: 'Bad Request' } });
    expect(response.text).not.toContain(PASSWORD);
  });

  it('answers 401 for GET without a token (a token lookup, as Keystone) and 404 for an unsupported method', async () => {
    expect((await rawRequest(mock.url, '/v3/auth/tokens')).status).toBe(401);
    expect((await rawRequest(mock.url, '/v3/auth/tokens', { method: 'PATCH' })).status).toBe(404);
  });

  it('expires tokens after the configured lifetime (401 afterwards)', async () => {
    mock.admin.setTokenLifetime(300);
    const response = await login(loginBody());
    const body = JSON.parse(response.text) as { token: { expires_at: string; issued_at: string } };
    expect(Date.parse(body.token.expires_at) - Date.parse(body.token.issued_at)).toBe(300);
    const headers = { 'X-Auth-Token': response.headers['x-subject-token'] as string };
    expect((await rawRequest(mock.url, metadataPath(), { headers })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 350));
    const expired = await rawRequest(mock.url, metadataPath(), { headers });
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.text)).toMatchObject({ error: { code: 401 } });
  });

  it('takes the lifetime from the fixture, and users from the admin API and MockAdmin', async () => {
    const short = await startMockProvider({ port: 0, fixture: { ...FIXTURE, tokenLifetimeMs: 1000 } });
    try {
      const response = await rawRequest(short.url, '/v3/auth/tokens', { method: 'POST', body: loginBody() });
      const { token } = JSON.parse(response.text) as { token: { expires_at: string; issued_at: string } };
      expect(Date.parse(token.expires_at) - Date.parse(token.issued_at)).toBe(1000);
    } finally {
      await short.close();
    }
    const added = await rawRequest(mock.url, '/_admin/users', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'priya', password: 'p-pass', projectId: EXAMPLE_PROJECT_ID }),
    });
    expect(added.status).toBe(201);
    expect(added.text).not.toContain('p-pass');
    expect((await login(loginBody({ name: 'priya', password: 'p-pass', domain: { id: 'default' } }))).status).toBe(201);
    mock.admin.addUser({ username: 'kim', password: 'k-pass', projectId: EXAMPLE_PROJECT_ID });
    expect((await login(loginBody({ name: 'kim', password: 'k-pass', domain: { name: 'Default' } }))).status).toBe(201);
    mock.admin.reset();
    expect((await login(loginBody({ name: 'kim', password: 'k-pass', domain: { name: 'Default' } }))).status).toBe(401);
  });

  it('refuses invalid users and lifetimes naming the field, never the password', () => {
    expect(() => mock.admin.addUser({ username: 'x', password: '', projectId: EXAMPLE_PROJECT_ID })).toThrow('password');
    expect(() => mock.admin.addUser({ username: 'x', password: 'secret-value', projectId: 'NOPE' })).toThrow('projectId');
    expect(() => mock.admin.setTokenLifetime(0)).toThrow('tokenLifetimeMs');
    let message = '';
    try {
      mock.admin.addUser({ username: '', password: 'secret-value', projectId: EXAMPLE_PROJECT_ID });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('username');
    expect(message).not.toContain('secret-value');
  });

  it('has a demo user in the default fixture', async () => {
    const demo = await startMockProvider({ port: 0 });
    try {
      const body = loginBody({ name: DEMO_USER.username, password: DEMO_USER.password, domain: { name: 'Default' } });
      const response = await rawRequest(demo.url, '/v3/auth/tokens', { method: 'POST', body });
      expect(response.status).toBe(201);
      expect(JSON.parse(response.text)).toMatchObject({ token: { project: { id: EXAMPLE_PROJECT_ID, name: 'RegionOne' } } });
    } finally {
      await demo.close();
    }
  });

  it('refuses a fixture with an invalid user, naming its path', async () => {
    await expect(startMockProvider({ fixture: { ...FIXTURE, users: [{ username: 'a', password: '', projectId: EXAMPLE_PROJECT_ID }] } })).rejects.toThrow(
      '$.users[0].password',
    );
  });
});

describe('identity service: application credentials (auth_type v3applicationcredential)', () => {
  const acLogin = (credential: Record<string, unknown>, scope?: Record<string, unknown>): Promise<RawResponse> =>
    login(JSON.stringify({ auth: { identity: { methods: ['application_credential'], application_credential: credential }, ...(scope === undefined ? {} : { scope }) } }));

  it.each([
    ['by id', { id: 'ac-sam-ci', secret: AC_SECRET }],
    ['by name and user name with domain', { name: 'ci', secret: AC_SECRET, user: { name: 'sam', domain: { id: 'default' } } }],
    ['by name and user id', { name: 'ci', secret: AC_SECRET, user: { id: 'user-sam' } }],
  ])('logs in %s: a token of the owner\'s project, methods application_credential', async (_label, credential) => {
    const response = await acLogin(credential);
    expect(response.status).toBe(201);
    const body = JSON.parse(response.text) as { token: Record<string, unknown> };
    expect(body.token).toMatchObject({ methods: ['application_credential'], project: { id: OTHER_PROJECT }, application_credential: { id: 'ac-sam-ci', name: 'ci' } });
    const token = response.headers['x-subject-token'] as string;
    const read = await rawRequest(mock.url, metadataPath({ projectId: OTHER_PROJECT, serverId: '00000000-0000-4000-8000-000000000000' }), { headers: { 'X-Auth-Token': token } });
    expect(read.status).toBe(404); // authenticated: the server is what is missing
  });

  it.each([
    ['a wrong secret', { id: 'ac-sam-ci', secret: 'wrong' }, undefined, KEYSTONE_UNAUTHORIZED],
    ['an unknown id', { id: 'nope', secret: AC_SECRET }, undefined, KEYSTONE_UNAUTHORIZED],
    ['a name of another user', { name: 'ci', secret: AC_SECRET, user: { name: 'li', domain: { name: 'acme' } } }, undefined, KEYSTONE_UNAUTHORIZED],
    ['a scope', { id: 'ac-sam-ci', secret: AC_SECRET }, { project: { id: OTHER_PROJECT } }, 'Application credentials cannot request a scope.'],
  ])('refuses %s with 401 and never echoes the secret', async (_label, credential, scope, message) => {
    const response = await acLogin(credential, scope);
    expect(response.status).toBe(401);
    expect(JSON.parse(response.text)).toEqual({ error: { code: 401, title: 'Unauthorized', message } });
    expect(response.text).not.toContain(AC_SECRET);
  });
});

describe('identity service: GET /v3/auth/tokens shows a token\'s project and catalog', () => {
  it('answers 200 for the token itself, with its catalog', async () => {
    const token = (await login(loginBody())).headers['x-subject-token'] as string;
    const response = await rawRequest(mock.url, '/v3/auth/tokens', { headers: { 'X-Auth-Token': token, 'X-Subject-Token': token } });
    expect(response.status).toBe(200);
    expect(response.headers['x-subject-token']).toBe(token);
    expect(JSON.parse(response.text)).toMatchObject({ token: { project: { id: EXAMPLE_PROJECT_ID }, catalog: expect.arrayContaining([expect.objectContaining({ type: 'compute' })]) } });
  });

  it('answers 401 for an unknown X-Auth-Token and 404 for an unknown X-Subject-Token', async () => {
    const token = (await login(loginBody())).headers['x-subject-token'] as string;
    expect((await rawRequest(mock.url, '/v3/auth/tokens', { headers: { 'X-Auth-Token': 'nope', 'X-Subject-Token': token } })).status).toBe(401);
    expect((await rawRequest(mock.url, '/v3/auth/tokens', { headers: { 'X-Auth-Token': token, 'X-Subject-Token': 'nope' } })).status).toBe(404);
  });
});
