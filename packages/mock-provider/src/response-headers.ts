import type { RequestIds } from './request-id.js';

/**
 * The headers of every response, errors and injected faults included (spec §7, project decision):
 * the gateway and Nova request ids. Nova's microversion headers are not among them: Nova sends
 * those from its API layer only (see {@link novaVersionHeaders}).
 */
export function baseResponseHeaders(ids: RequestIds): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'X-Request-Id': ids.gateway,
    'X-Openstack-Request-Id': ids.nova,
    'X-Compute-Request-Id': ids.nova,
  };
}

/** The API version a raw request target is under (its first segment), if any. */
export function apiVersionOf(segments: readonly string[] | undefined, rawTarget: string): string | undefined {
  return segments?.[0] ?? /^\/([^/?]*)/u.exec(rawTarget)?.[1];
}

/**
 * Nova's microversion headers (spec §11) on `/v2.1` answers of its API layer, for the microversion
 * `version` the request is served at: none on `/v2`, and none on what Nova answers before its API
 * layer (keystonemiddleware's 401, the router's 404, the size limit's 413, a malformed version's
 * 400; docs/conformance.md).
 */
export function novaVersionHeaders(apiVersion: string | undefined, version = '2.1'): Record<string, string> {
  if (apiVersion !== 'v2.1') {
    return {};
  }
  return {
    'OpenStack-API-Version': `compute ${version}`,
    'X-OpenStack-Nova-API-Version': version,
    Vary: 'OpenStack-API-Version, X-OpenStack-Nova-API-Version',
  };
}
