import type { FaultRouteName } from './faults.js';
import type { Router } from './router.js';

/**
 * The name of the call a request makes, for a fault rule's `match.route`: the `name` of the route
 * that fits its path and method (the route tables name their calls); `undefined` for a path or
 * method no named route serves.
 */
export function faultRouteNameOf(router: Router, method: string, segments: readonly string[] | undefined): FaultRouteName | undefined {
  if (segments === undefined) {
    return undefined;
  }
  return router.match(segments).find(({ route }) => route.method === method.toUpperCase())?.route.name;
}
