import { ConfigError } from './errors.js';
import { computeEndpointBase, findCatalogEndpoint, type ServiceCatalog } from './password-login.js';
import { regionEndpoint } from './internal/regions.js';

/** Everything an endpoint may be derived from, in the order it is taken. */
export interface EndpointSources {
  /** Given outright: taken as it is (validated by `resolveTarget`). */
  readonly endpoint?: string | undefined;
  /** A Huawei Cloud region id (spec §10); also filters the catalog's entries. */
  readonly region?: string | undefined;
  /** The domain of `region`'s endpoint; default `myhuaweicloud.com`. */
  readonly domain?: string | undefined;
  /** A login's service catalog: its `compute` endpoint of `interface` (of `region`, when given). */
  readonly catalog?: ServiceCatalog | undefined;
  /** The catalog interface to take: `public` (default), `internal` or `admin` (`OS_INTERFACE`). */
  readonly interface?: string | undefined;
}

/**
 * The one derivation of the API endpoint (DECISIONS "CLI", spec §10): `endpoint` when given; else,
 * with a login's `catalog`, its compute endpoint of `interface` (default `public`) and `region` with the `/v2.1[/{project_id}]`
 * suffix removed; else the endpoint of `region`, `https://ecs.{region}.{domain}`; else `undefined`.
 *
 * @throws {ConfigError} (`endpoint`) when the catalog lists no usable public compute endpoint;
 *   (`region`) for a malformed region id, or one unknown under the default domain; (`domain`) for a malformed domain.
 */
export function resolveEndpoint(sources: EndpointSources): string | undefined {
  if (sources.endpoint !== undefined) {
    return sources.endpoint;
  }
  if (sources.catalog !== undefined) {
    const wanted = sources.interface ?? 'public';
    const url = findCatalogEndpoint(sources.catalog, { type: 'compute', interface: wanted, region: sources.region });
    if (url === undefined) {
      const region = sources.region === undefined ? '' : ` in region ${sources.region}`;
      throw new ConfigError('endpoint', `The login's catalog lists no ${wanted} compute endpoint${region}: give the endpoint (--endpoint, ECS_METADATA_ENDPOINT)`);
    }
    return computeEndpointBase(url);
  }
  return sources.region === undefined ? undefined : regionEndpoint(sources.region, sources.domain);
}
