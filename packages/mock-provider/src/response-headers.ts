import type { RequestIds } from './request-id.js';

/**
 * The headers of every response, errors and injected faults included (spec §7, project decision):
 * the gateway and Nova request ids, plus Nova's microversion headers on `/v2.1` paths (spec §11).
 * The mock serves no microversion above 2.1, so it always reports 2.1.
 */
export function baseResponseHeaders(ids: RequestIds, segments: readonly string[] | undefined, rawTarget: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Request-Id': ids.gateway,
    'X-Openstack-Request-Id': ids.nova,
    'X-Compute-Request-Id': ids.nova,
  };
  const version = segments?.[0] ?? /^\/([^/?]*)/u.exec(rawTarget)?.[1];
  if (version === 'v2.1') {
    headers['OpenStack-API-Version'] = 'compute 2.1';
    headers['X-OpenStack-Nova-API-Version'] = '2.1';
    headers['Vary'] = 'OpenStack-API-Version, X-OpenStack-Nova-API-Version';
  }
  return headers;
}
