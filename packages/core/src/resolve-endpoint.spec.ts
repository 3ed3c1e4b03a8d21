import { describe, expect, it } from '@jest/globals';
import { ConfigError } from './errors.js';
import type { ServiceCatalog } from './password-login.js';
import { resolveEndpoint } from './resolve-endpoint.js';

const CATALOG: ServiceCatalog = [
  { type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', region: 'RegionOne', url: 'https://iam.example/v3' }] },
  {
    type: 'compute',
    name: 'nova',
    endpoints: [
      { interface: 'internal', region: 'RegionOne', url: 'http://nova-internal:8774/v2.1' },
      { interface: 'public', region: 'RegionOne', url: 'https://nova.example/v2.1/9c53a566cb3443ab910cf0daebca90c4' },
      { interface: 'public', region: 'RegionTwo', url: 'https://nova2.example/compute/v2.1' },
    ],
  },
];

describe('resolveEndpoint: the one derivation of the endpoint', () => {
  it('takes the endpoint when given, before region and catalog', () => {
    expect(resolveEndpoint({ endpoint: 'http://127.0.0.1:8774', region: 'cn-north-4', catalog: CATALOG })).toBe('http://127.0.0.1:8774');
  });

  it('takes the catalog\'s public compute endpoint, of the region when given, without the version suffix', () => {
    expect(resolveEndpoint({ catalog: CATALOG })).toBe('https://nova.example');
    expect(resolveEndpoint({ catalog: CATALOG, region: 'RegionTwo' })).toBe('https://nova2.example/compute');
  });

  it('refuses a catalog without a public compute endpoint of the region, naming the endpoint setting', () => {
    expect(() => resolveEndpoint({ catalog: CATALOG, region: 'RegionNine' })).toThrow(
      new ConfigError('endpoint', "The login's catalog lists no public compute endpoint in region RegionNine: give the endpoint (--endpoint, ECS_METADATA_ENDPOINT)"),
    );
  });

  it.each([
    ['internal', undefined, 'http://nova-internal:8774'],
    ['internal', 'RegionOne', 'http://nova-internal:8774'],
    ['public', 'RegionOne', 'https://nova.example'],
  ])('takes the catalog entry of the interface %s (OS_INTERFACE) and region %s', (wanted, region, endpoint) => {
    expect(resolveEndpoint({ catalog: CATALOG, interface: wanted, region })).toBe(endpoint);
  });

  it('refuses an interface the catalog does not list, naming it', () => {
    expect(() => resolveEndpoint({ catalog: CATALOG, interface: 'admin' })).toThrow(
      new ConfigError('endpoint', "The login's catalog lists no admin compute endpoint: give the endpoint (--endpoint, ECS_METADATA_ENDPOINT)"),
    );
  });

  it('builds the endpoint of a region, with its domain', () => {
    expect(resolveEndpoint({ region: 'cn-north-4' })).toBe('https://ecs.cn-north-4.myhuaweicloud.com');
    expect(resolveEndpoint({ region: 'eu-de', domain: 'otc.t-systems.com' })).toBe('https://ecs.eu-de.otc.t-systems.com');
  });

  it('gives undefined when nothing names an endpoint', () => {
    expect(resolveEndpoint({})).toBeUndefined();
  });
});
