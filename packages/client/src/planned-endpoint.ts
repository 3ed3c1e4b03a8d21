import { normalizeComputeEndpoint, regionEndpoint } from '@ecs-metadata/core';
import { reachesCatalog, type ResolvedConfig } from './resolve-config.js';

/** The endpoint a client made from a configuration will call, and where it comes from; see {@link plannedEndpoint}. */
export interface PlannedEndpoint {
  /** The base URL (`http://nova:8774`), or `undefined` when only a login can tell (the catalog) or nothing names one. */
  readonly url: string | undefined;
  /**
   * Where it comes from: `option`, `env:NAME` (`env:HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4` too),
   * `profile:...`, `clouds.yaml:...`, `catalog (...)` or `region table (...)`; or why there is none.
   */
  readonly source: string;
}

/**
 * What `createClientFromConfig` will take as the endpoint, without any I/O (for `config show` and
 * `--verbose`): the endpoint setting (normalised: a catalog's `/v2.1[/{project}]` removed); else,
 * for credentials that reach the identity service, the login's catalog entry; else the region's
 * endpoint from the built-in table. Never throws: a value that would fail says so in `source`.
 */
export function plannedEndpoint(config: ResolvedConfig): PlannedEndpoint {
  if (config.endpoint !== undefined) {
    try {
      return { url: normalizeComputeEndpoint(config.endpoint.value, config.projectId?.value), source: config.endpoint.source };
    } catch (error) {
      return { url: undefined, source: `${config.endpoint.source}, refused: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  if (reachesCatalog(config.credentials, config.authUrl !== undefined)) {
    const filters = [`compute, interface ${config.interface?.value ?? 'public'}`, ...(config.region === undefined ? [] : [`region ${config.region.value}`])];
    return { url: undefined, source: `catalog (${filters.join(', ')}) of the login to ${config.authUrl?.value ?? '?'}` };
  }
  if (config.region !== undefined) {
    try {
      return { url: regionEndpoint(config.region.value, config.domain?.value), source: `region table (region from ${config.region.source})` };
    } catch (error) {
      return { url: undefined, source: `region table, refused: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  return { url: undefined, source: 'none: no endpoint, region or login configured' };
}
