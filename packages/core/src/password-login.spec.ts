import { describe, expect, it } from '@jest/globals';
import { AuthenticationError, ConfigError, ResponseValidationError } from './errors.js';
import {
  buildPasswordLoginRequest,
  computeEndpointBase,
  findCatalogEndpoint,
  interpretPasswordLoginResponse,
  parseIsoInstant,
  type PasswordLoginParams,
  passwordLoginUrl,
  type ServiceCatalog,
} from './password-login.js';
import { thrownBy } from './test-support/thrown.js';

const PROJECT = '9c53a566cb3443ab910cf0daebca90c4';
const PASSWORD = 'pa55-w0rd-never-logged';
const LOGIN: PasswordLoginParams = { authUrl: 'https://iam.myhuaweicloud.com/v3', username: 'li', password: PASSWORD, userDomainName: 'acme', projectId: PROJECT };
const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('passwordLoginUrl', () => {
  it.each([
    ['https://iam.myhuaweicloud.com/v3', 'https://iam.myhuaweicloud.com/v3/auth/tokens'],
    ['https://iam.cn-north-4.myhuaweicloud.com', 'https://iam.cn-north-4.myhuaweicloud.com/v3/auth/tokens'],
    ['http://keystone.example:5000/v3/', 'http://keystone.example:5000/v3/auth/tokens'],
    ['http://devstack.example/identity', 'http://devstack.example/identity/v3/auth/tokens'],
  ])('%s → %s', (authUrl, url) => {
    expect(passwordLoginUrl(authUrl)).toBe(url);
  });

  it.each([['keystone:5000'], ['ftp://x/v3'], ['http://keystone:5000/v2.0']])('refuses %s naming authUrl', (authUrl) => {
    expect(thrownBy(() => passwordLoginUrl(authUrl))).toMatchObject({ type: ConfigError, setting: 'authUrl' });
  });
});

describe('buildPasswordLoginRequest (spec §9.1)', () => {
  it('builds the login scoped to a project id', () => {
    const request = buildPasswordLoginRequest(LOGIN);
    expect({ ...request, body: JSON.parse(request.body as string) as unknown }).toEqual({
      method: 'POST',
      url: 'https://iam.myhuaweicloud.com/v3/auth/tokens',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'User-Agent': 'ecs-metadata/0.1.0' },
      body: {
        auth: {
          identity: { methods: ['password'], password: { user: { name: 'li', password: PASSWORD, domain: { name: 'acme' } } } },
          scope: { project: { id: PROJECT } },
        },
      },
    });
  });

  it.each([
    [{ projectId: undefined, projectName: 'cn-north-4' }, { name: 'cn-north-4' }],
    [{ projectId: undefined, projectName: 'demo', projectDomainName: 'Default' }, { name: 'demo', domain: { name: 'Default' } }],
    [{ projectId: undefined, projectName: 'demo', projectDomainId: 'default' }, { name: 'demo', domain: { id: 'default' } }],
    [{ projectName: 'ignored' }, { id: PROJECT }],
  ])('scopes %j as %j', (overrides, project) => {
    const body = JSON.parse(buildPasswordLoginRequest({ ...LOGIN, ...overrides }).body as string) as {
      auth: { scope: { project: unknown } };
    };
    expect(body.auth.scope.project).toEqual(project);
  });

  it.each([
    [{ userDomainName: undefined, userDomainId: 'd1' }, { id: 'd1' }],
    [{ userDomainName: undefined }, { id: 'default' }],
  ])('names the user domain %j as %j', (overrides, domain) => {
    const body = JSON.parse(buildPasswordLoginRequest({ ...LOGIN, ...overrides, userAgent: 'me/1' }).body as string) as {
      auth: { identity: { password: { user: { domain: unknown } } } };
    };
    expect(body.auth.identity.password.user.domain).toEqual(domain);
  });

  it.each([
    [{ username: '' }, 'username'],
    [{ username: undefined as unknown as string }, 'username'],
    [{ username: 'a\nb' }, 'username'],
    [{ password: '' }, 'password'],
    [{ userDomainName: 'x\r' }, 'userDomainName'],
    [{ projectId: undefined }, 'projectId'],
    [{ projectId: 'NOT HEX' }, 'projectId'],
    [{ authUrl: 'nope' }, 'authUrl'],
    [{ userAgent: 'bad\nagent' }, 'userAgent'],
    [{ userAgent: ' ' }, 'userAgent'],
  ])('refuses %j naming %s, never echoing the password', (overrides, setting) => {
    const error = thrownBy(() => buildPasswordLoginRequest({ ...LOGIN, ...overrides }));
    expect(error).toMatchObject({ type: ConfigError, setting });
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
  });
});

const BODY = {
  token: {
    expires_at: '2024-01-03T03:04:05.123456Z',
    issued_at: '2024-01-02T03:04:05.000000Z',
    methods: ['password'],
    project: { id: PROJECT, name: 'cn-north-4', domain: { id: 'd', name: 'acme' } },
    user: { id: 'u', name: 'li' },
    catalog: [
      { type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', region: 'RegionOne', url: 'https://iam.example/v3' }] },
      {
        type: 'compute',
        name: 'nova',
        endpoints: [
          { interface: 'internal', region_id: 'RegionOne', region: 'RegionOne', url: 'http://nova-internal:8774/v2.1' },
          { interface: 'public', region_id: 'RegionOne', region: 'RegionOne', url: `https://nova.example/v2.1/${PROJECT}` },
          { interface: 'public', region: 'RegionTwo', url: 'https://nova2.example/compute/v2.1' },
          { interface: 'public', region: null, url: 'https://nova3.example/v2' },
        ],
      },
    ],
  },
};

describe('interpretPasswordLoginResponse', () => {
  it('reads the token from X-Subject-Token and the expiry, project and catalog from the body', () => {
    const login = interpretPasswordLoginResponse(201, { ...JSON_HEADERS, 'X-Subject-Token': 'MIItoken', 'X-Request-Id': 'r1' }, JSON.stringify(BODY));
    expect(login).toEqual({
      token: 'MIItoken',
      expiresAt: Date.UTC(2024, 0, 3, 3, 4, 5, 123),
      issuedAt: Date.UTC(2024, 0, 2, 3, 4, 5),
      project: { id: PROJECT, name: 'cn-north-4' },
      requestId: 'r1',
      catalog: [
        { type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', region: 'RegionOne', url: 'https://iam.example/v3' }] },
        {
          type: 'compute',
          name: 'nova',
          endpoints: [
            { interface: 'internal', region: 'RegionOne', url: 'http://nova-internal:8774/v2.1' },
            { interface: 'public', region: 'RegionOne', url: `https://nova.example/v2.1/${PROJECT}` },
            { interface: 'public', region: 'RegionTwo', url: 'https://nova2.example/compute/v2.1' },
            { interface: 'public', region: undefined, url: 'https://nova3.example/v2' },
          ],
        },
      ],
    });
  });

  it('accepts a body without catalog, project or issued_at (?nocatalog)', () => {
    const login = interpretPasswordLoginResponse(201, { ...JSON_HEADERS, 'X-Subject-Token': 't' }, JSON.stringify({ token: { expires_at: '2024-01-03T03:04:05Z' } }));
    expect(login).toEqual({ token: 't', expiresAt: Date.UTC(2024, 0, 3, 3, 4, 5), issuedAt: undefined, project: undefined, catalog: [], requestId: undefined });
  });

  it('leaves out names the body does not give', () => {
    const body = { token: { expires_at: '2024-01-03T03:04:05Z', project: { id: PROJECT }, catalog: [{ type: 'compute', endpoints: [] }] } };
    const login = interpretPasswordLoginResponse(200, { ...JSON_HEADERS, 'X-Subject-Token': ' t ' }, JSON.stringify(body));
    expect(login).toMatchObject({ token: 't', project: { id: PROJECT, name: undefined }, catalog: [{ type: 'compute', name: undefined, endpoints: [] }] });
  });

  it('refuses a success without the token header', () => {
    expect(thrownBy(() => interpretPasswordLoginResponse(201, JSON_HEADERS, JSON.stringify(BODY)))).toMatchObject({
      type: ResponseValidationError,
      path: 'X-Subject-Token',
    });
  });

  it('refuses an invalid expires_at, naming its path', () => {
    const body = JSON.stringify({ token: { expires_at: 'tomorrow' } });
    expect(thrownBy(() => interpretPasswordLoginResponse(201, { ...JSON_HEADERS, 'X-Subject-Token': 't' }, body))).toMatchObject({
      type: ResponseValidationError,
      path: '$.token.expires_at',
    });
  });

  it('turns Keystone 401 into AuthenticationError', () => {
    const body = JSON.stringify({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    expect(thrownBy(() => interpretPasswordLoginResponse(401, JSON_HEADERS, body))).toMatchObject({
      type: AuthenticationError,
      status: 401,
      code: '401',
      serverMessage: 'The request you have made requires authentication.',
    });
  });
});

describe('findCatalogEndpoint', () => {
  const catalog: ServiceCatalog = interpretPasswordLoginResponse(201, { ...JSON_HEADERS, 'X-Subject-Token': 't' }, JSON.stringify(BODY)).catalog;
  it.each([
    [{ type: 'compute' }, `https://nova.example/v2.1/${PROJECT}`],
    [{ type: 'compute', region: 'RegionTwo' }, 'https://nova2.example/compute/v2.1'],
    [{ type: 'compute', interface: 'internal' }, 'http://nova-internal:8774/v2.1'],
    [{ type: 'compute', region: 'RegionThree' }, undefined],
    [{ type: 'volumev3' }, undefined],
    [{ type: 'identity' }, 'https://iam.example/v3'],
  ])('%j → %s', (query, url) => {
    expect(findCatalogEndpoint(catalog, query)).toBe(url);
  });
});

describe('computeEndpointBase (spec §10)', () => {
  it.each([
    [`https://nova.example/v2.1/${PROJECT}`, 'https://nova.example'],
    ['https://ecs.eu-nl.otc.t-systems.com/v2.1', 'https://ecs.eu-nl.otc.t-systems.com'],
    ['https://ecs.eu-nl.otc.t-systems.com/v2.1/', 'https://ecs.eu-nl.otc.t-systems.com'],
    ['http://devstack.example/compute/v2.1', 'http://devstack.example/compute'],
    ['http://nova:8774/v2/$(tenant_id)s', 'http://nova:8774'],
    ['https://ecs.cn-north-4.myhuaweicloud.com', 'https://ecs.cn-north-4.myhuaweicloud.com'],
    ['http://127.0.0.1:8774/v2.1', 'http://127.0.0.1:8774'],
  ])('%s → %s', (url, base) => {
    expect(computeEndpointBase(url)).toBe(base);
  });

  it('refuses an unusable catalog URL naming endpoint', () => {
    expect(thrownBy(() => computeEndpointBase('not a url'))).toMatchObject({ type: ConfigError, setting: 'endpoint' });
  });
});

describe('parseIsoInstant', () => {
  it.each([
    ['2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
    ['2024-01-02T03:04:05.5Z', Date.UTC(2024, 0, 2, 3, 4, 5, 500)],
    ['2024-01-02T03:04:05.123456+01:00', Date.UTC(2024, 0, 2, 2, 4, 5, 123)],
  ])('%s → %d', (value, ms) => {
    expect(parseIsoInstant(value)).toBe(ms);
  });
  it.each([['2024-01-02'], ['2024-01-02T03:04:05'], ['x']])('%s → NaN', (value) => {
    expect(parseIsoInstant(value)).toBeNaN();
  });
});
