import { ConfigError, regionEndpoint } from '@ecs-metadata/core';

/**
 * The endpoint a client is given: `endpoint` itself, else the ECS endpoint of `region` (with
 * `domain`, spec §10).
 *
 * @throws {ConfigError} (`endpoint`) when neither is given; (`region`, `domain`) as `regionEndpoint`.
 */
export function endpointOf(options: { endpoint?: string | undefined; region?: string | undefined; domain?: string | undefined }): string {
  if (options.endpoint !== undefined) {
    return options.endpoint;
  }
  if (options.region !== undefined) {
    return regionEndpoint(options.region, options.domain);
  }
  throw new ConfigError(
    'endpoint',
    'No endpoint: give endpoint or region (or use createEcsMetadataClient to take it from a password login\'s catalog)',
  );
}
