import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../errors.js';
import { DEFAULT_ENDPOINT_DOMAIN, HUAWEI_CLOUD_REGIONS, huaweiRegionEndpointVariable, isKnownRegion, regionEndpoint } from './regions.js';
import { thrownBy } from '../test-support/thrown.js';

describe('HUAWEI_CLOUD_REGIONS (spec §10)', () => {
  it('lists the 33 regions of the official ECS SDK, frozen', () => {
    expect(HUAWEI_CLOUD_REGIONS).toHaveLength(33);
    expect(new Set(HUAWEI_CLOUD_REGIONS).size).toBe(33);
    expect(Object.isFrozen(HUAWEI_CLOUD_REGIONS)).toBe(true);
    expect(isKnownRegion('cn-north-4')).toBe(true);
    expect(isKnownRegion('eu-de')).toBe(false);
  });
});

describe('regionEndpoint', () => {
  it.each([
    ['cn-north-4', undefined, 'https://ecs.cn-north-4.myhuaweicloud.com'],
    ['eu-west-101', undefined, 'https://ecs.eu-west-101.myhuaweicloud.com'],
    ['my-kualalumpur-1', undefined, 'https://ecs.my-kualalumpur-1.myhuaweicloud.com'],
    ['eu-de', 'otc.t-systems.com', 'https://ecs.eu-de.otc.t-systems.com'],
    ['eu-nl', 'OTC.T-Systems.com.', 'https://ecs.eu-nl.otc.t-systems.com'],
    ['tr-central-201', 'example.cloud', 'https://ecs.tr-central-201.example.cloud'],
  ])('%s with domain %s → %s', (region, domain, endpoint) => {
    expect(regionEndpoint(region, domain)).toBe(endpoint);
    expect(DEFAULT_ENDPOINT_DOMAIN).toBe('myhuaweicloud.com');
  });

  it('refuses an unknown region with the default domain, naming region and suggesting an endpoint', () => {
    const error = thrownBy(() => regionEndpoint('cn-nort-4'));
    expect(error).toMatchObject({ type: ConfigError, setting: 'region' });
    expect(error['message']).toMatch(/Unknown region "cn-nort-4".*--endpoint/u);
  });

  it.each([[''], ['CN-North-4'], ['cn_north_4'], ['cn-north-4.evil.com'], ['-cn'], [42]])('refuses the malformed region %j', (region) => {
    expect(thrownBy(() => regionEndpoint(region as string, 'otc.t-systems.com'))).toMatchObject({ type: ConfigError, setting: 'region' });
  });

  it.each([[''], ['localhost'], ['a..b'], ['evil.com/path'], ['-x.com'], [7]])('refuses the malformed domain %j', (domain) => {
    expect(thrownBy(() => regionEndpoint('eu-de', domain as string))).toMatchObject({ type: ConfigError, setting: 'domain' });
  });
});

describe('huaweiRegionEndpointVariable: the Huawei Cloud SDKs\' EnvRegionProvider naming', () => {
  it.each([
    ['cn-north-4', undefined, 'HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4'],
    ['ap-southeast-1', 'ecs', 'HUAWEICLOUD_SDK_REGION_ECS_AP_SOUTHEAST_1'],
    ['eu-west-101', 'iam', 'HUAWEICLOUD_SDK_REGION_IAM_EU_WEST_101'],
    ['RegionOne', undefined, 'HUAWEICLOUD_SDK_REGION_ECS_REGIONONE'],
  ])('%s (service %s) → %s', (region, service, variable) => {
    expect(huaweiRegionEndpointVariable(region, service)).toBe(variable);
  });
});
