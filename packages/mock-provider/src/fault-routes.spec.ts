import { describe, expect, it } from '@jest/globals';
import { ADMIN_ROUTES } from './admin-api.js';
import { DISCOVERY_ROUTES } from './discovery-api.js';
import { faultRouteNameOf } from './fault-routes.js';
import { FAULT_ROUTE_NAMES } from './faults.js';
import { IAM_ROUTES } from './iam-api.js';
import { NATIVE_ROUTES } from './native-api.js';
import { NOVA_ROUTES } from './nova-api.js';
import { Router, splitRawPath } from './router.js';

const TABLES = [...DISCOVERY_ROUTES, ...NOVA_ROUTES, ...NATIVE_ROUTES, ...ADMIN_ROUTES, ...IAM_ROUTES];

describe("fault rules' route names come from the route tables", () => {
  it('names exactly the calls FAULT_ROUTE_NAMES lists, each on some route', () => {
    const named = new Set(TABLES.flatMap((route) => (route.name === undefined ? [] : [route.name])));
    expect([...named].sort()).toEqual([...FAULT_ROUTE_NAMES].sort());
  });

  it.each([
    ['GET', '/v2.1/9c53a566cb3443ab910cf0daebca90c4/servers/s/metadata', 'get'],
    ['GET', '/v2.1/servers/s/metadata', 'get'],
    ['PUT', '/v2/servers/s/metadata/k', 'setItem'],
    ['POST', '/v1/9c53a566cb3443ab910cf0daebca90c4/cloudservers/s/metadata', 'updateV1'],
    ['POST', '/identity/v3/auth/tokens', 'login'],
    ['GET', '/v2.1/servers/s', undefined],
    ['PATCH', '/v2.1/servers/s/metadata', undefined],
  ])('%s %s → %s', (method, path, name) => {
    expect(faultRouteNameOf(new Router(TABLES), method, splitRawPath(path))).toBe(name);
  });
});
