import { ConfigError } from '../errors.js';

/**
 * The region ids the official Huawei Cloud ECS SDK knows (spec §10), each served at
 * `https://ecs.{region}.myhuaweicloud.com`. Dedicated and sovereign regions, and other clouds
 * (Open Telekom Cloud: `ecs.eu-de.otc.t-systems.com`), need a custom domain or an explicit endpoint.
 */
export const HUAWEI_CLOUD_REGIONS: readonly string[] = Object.freeze([
  'cn-north-1',
  'cn-north-2',
  'cn-north-4',
  'cn-north-9',
  'cn-north-11',
  'cn-north-12',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-east-5',
  'cn-south-1',
  'cn-south-2',
  'cn-south-4',
  'cn-southwest-2',
  'cn-southwest-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'af-south-1',
  'af-north-1',
  'sa-brazil-1',
  'la-north-2',
  'la-south-2',
  'na-mexico-1',
  'tr-west-1',
  'me-east-1',
  'ae-ad-1',
  'eu-west-0',
  'eu-west-101',
  'my-kualalumpur-1',
  'ru-moscow-1',
]);

/** The domain of Huawei Cloud's public endpoints (spec §10). */
export const DEFAULT_ENDPOINT_DOMAIN = 'myhuaweicloud.com';

// A region id as it appears in a host name: lower-case DNS labels joined by "-" (`eu-west-101`).
const REGION_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/u;
// A DNS name of at least two labels, e.g. `otc.t-systems.com`.
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/u;

/** Whether `region` is one of {@link HUAWEI_CLOUD_REGIONS}. */
export function isKnownRegion(region: string): boolean {
  return HUAWEI_CLOUD_REGIONS.includes(region);
}

/**
 * The ECS endpoint of a region (spec §10): `https://ecs.{region}.{domain}`, the domain defaulting
 * to `myhuaweicloud.com`. With the default domain the region must be one the official SDK knows,
 * so a typo fails here instead of as a DNS error; with a custom domain (another Huawei-based cloud
 * such as `otc.t-systems.com`, or a dedicated region) any well-formed region id is accepted.
 *
 * @example regionEndpoint('cn-north-4') → 'https://ecs.cn-north-4.myhuaweicloud.com'
 * @example regionEndpoint('eu-de', 'otc.t-systems.com') → 'https://ecs.eu-de.otc.t-systems.com'
 * @throws {ConfigError} (`region`) for a malformed region id, or an unknown one with the default
 *   domain (the message suggests an explicit endpoint); (`domain`) for a malformed domain.
 */
export function regionEndpoint(region: string, domain?: string): string {
  if (typeof region !== 'string' || !REGION_ID.test(region)) {
    throw new ConfigError('region', `Invalid region ${JSON.stringify(region)}: expected a region id such as cn-north-4`);
  }
  if (domain !== undefined) {
    const normalized = typeof domain === 'string' ? domain.toLowerCase().replace(/\.$/u, '') : domain;
    if (typeof normalized !== 'string' || !DOMAIN.test(normalized)) {
      throw new ConfigError('domain', `Invalid domain ${JSON.stringify(domain)}: expected a DNS name such as otc.t-systems.com`);
    }
    return `https://ecs.${region}.${normalized}`;
  }
  if (!isKnownRegion(region)) {
    throw new ConfigError(
      'region',
      `Unknown region "${region}": not a Huawei Cloud region known to the ECS SDK (e.g. cn-north-4, ap-southeast-3, eu-west-101). ` +
        'For another cloud or a dedicated region give the endpoint (--endpoint, ECS_METADATA_ENDPOINT) or a domain (--domain)',
    );
  }
  return `https://ecs.${region}.${DEFAULT_ENDPOINT_DOMAIN}`;
}

/**
 * The variable through which the Huawei Cloud SDKs take a region's endpoint of a service:
 * `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION_ID}`, upper case, `-` turned into `_` (their
 * `EnvRegionProvider`, first in the default region provider chain, before the profile file and the
 * built-in regions), e.g. `HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4`.
 */
export function huaweiRegionEndpointVariable(region: string, service = 'ecs'): string {
  return `HUAWEICLOUD_SDK_REGION_${service.toUpperCase()}_${region.replaceAll('-', '_').toUpperCase()}`;
}
