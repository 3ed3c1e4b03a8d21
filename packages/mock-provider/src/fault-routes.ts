import type { FaultRouteName } from './faults.js';
import type { Router } from './router.js';

// The route table's entries by method and pattern (nova-api.ts, native-api.ts, iam-api.ts), named
// as the STYLE names the operations, so a fault rule can target one call (`match.route`).
const ROUTE_NAMES: ReadonlyMap<string, FaultRouteName> = new Map([
  ['GET /{version}/{projectId}/servers/{serverId}/metadata', 'get'],
  ['POST /{version}/{projectId}/servers/{serverId}/metadata', 'update'],
  ['PUT /{version}/{projectId}/servers/{serverId}/metadata', 'replace'],
  ['GET /{version}/{projectId}/servers/{serverId}/metadata/{key}', 'getItem'],
  ['PUT /{version}/{projectId}/servers/{serverId}/metadata/{key}', 'setItem'],
  ['DELETE /{version}/{projectId}/servers/{serverId}/metadata/{key}', 'deleteItem'],
  ['POST /v1/{projectId}/cloudservers/{serverId}/metadata', 'updateV1'],
  ['DELETE /v1/{projectId}/cloudservers/{serverId}/metadata/{key}', 'deleteItemV1'],
  ['POST /v3/auth/tokens', 'login'],
  ['POST /identity/v3/auth/tokens', 'login'],
] as const);

/**
 * The name of the call a request makes, for a fault rule's `match.route`: the route that fits its
 * path and method; `undefined` for a path or method no API route serves.
 */
export function faultRouteNameOf(router: Router, method: string, segments: readonly string[] | undefined): FaultRouteName | undefined {
  if (segments === undefined) {
    return undefined;
  }
  const chosen = router.match(segments).find(({ route }) => route.method === method.toUpperCase());
  return chosen === undefined ? undefined : ROUTE_NAMES.get(`${chosen.route.method} ${chosen.route.pattern}`);
}
