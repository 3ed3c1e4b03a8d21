import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type MockProvider, startMockProvider } from './index.js';
import { AUTH_HEADERS, metadataPath } from './test-support/http.js';

// Nova 26.x (Zed) answers, as the conformance run against real Nova shows (docs/conformance.md).
describe('microversions on /v2.1 (spec §11)', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider();
  });
  afterAll(async () => {
    await mock.close();
  });

  const get = (headers: Record<string, string>, version = 'v2.1'): Promise<Response> =>
    fetch(`${mock.url}${metadataPath({ version })}`, { headers: { ...AUTH_HEADERS, ...headers } });

  it.each([
    ['none', {}, '2.1'],
    ['the legacy header', { 'X-OpenStack-Nova-API-Version': '2.79' }, '2.79'],
    ['the standard header', { 'OpenStack-API-Version': 'compute 2.90' }, '2.90'],
    ['the standard header among other services', { 'OpenStack-API-Version': 'volume 3.5, compute 2.10' }, '2.10'],
    ['latest', { 'OpenStack-API-Version': 'compute latest' }, '2.93'],
    ['legacy latest', { 'X-OpenStack-Nova-API-Version': 'latest' }, '2.93'],
    ['the standard header over the legacy one', { 'OpenStack-API-Version': 'compute 2.5', 'X-OpenStack-Nova-API-Version': '2.6' }, '2.5'],
  ])('serves and echoes the requested version: %s', async (_label, headers, version) => {
    const res = await get(headers);
    expect(res.status).toBe(200);
    expect(res.headers.get('openstack-api-version')).toBe(`compute ${version}`);
    expect(res.headers.get('x-openstack-nova-api-version')).toBe(version);
    expect(res.headers.get('vary')).toBe('OpenStack-API-Version, X-OpenStack-Nova-API-Version');
  });

  it.each([
    ['too high', '9.99'],
    ['too low', '2.0'],
  ])('answers 406 computeFault for a version %s, echoing it', async (_label, version) => {
    const res = await get({ 'OpenStack-API-Version': `compute ${version}` });
    expect(res.status).toBe(406);
    expect(await res.json()).toEqual({
      computeFault: { code: 406, message: `Version ${version} is not supported by the API. Minimum is 2.1 and maximum is 2.93.` },
    });
    expect(res.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect(res.headers.get('openstack-api-version')).toBe(`compute ${version}`);
    expect(res.headers.get('x-openstack-nova-api-version')).toBe(version);
  });

  it.each(['two', '2', '2.01', 'v2.1'])('answers 400 badRequest without version headers for the malformed %s', async (version) => {
    const res = await get({ 'X-OpenStack-Nova-API-Version': version });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      badRequest: { code: 400, message: `API Version String ${version} is of invalid format. Must be of format MajorNum.MinorNum.` },
    });
    expect(res.headers.get('openstack-api-version')).toBeNull();
    expect(res.headers.get('x-openstack-nova-api-version')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
  });

  it('ignores the headers on /v2', async () => {
    const res = await get({ 'OpenStack-API-Version': 'compute two' }, 'v2');
    expect(res.status).toBe(200);
    expect(res.headers.get('openstack-api-version')).toBeNull();
  });

  it('authenticates before it judges the version', async () => {
    const res = await fetch(`${mock.url}${metadataPath()}`, { headers: { 'OpenStack-API-Version': 'compute two' } });
    expect(res.status).toBe(401);
  });
});
