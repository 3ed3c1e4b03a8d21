import { NOVA_MAX_MICROVERSION, NOVA_MIN_MICROVERSION } from './microversion.js';
import type { Reply } from './reply.js';
import type { Route, RouteContext } from './router.js';

/** `http://{Host}`: version documents link to where the client reached the mock, as Nova's and Keystone's do. */
const originOf = ({ req }: RouteContext): string => `http://${req.headers.host ?? '127.0.0.1'}`;

const format = ({ major, minor }: { major: number; minor: number }): string => `${major}.${minor}`;

/** Nova's two API versions as its version documents describe them (`nova/api/openstack/compute/versions.py`). */
const NOVA_VERSIONS = {
  'v2.0': { status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', path: 'v2', mediaVersion: '2' },
  'v2.1': {
    status: 'CURRENT',
    version: format(NOVA_MAX_MICROVERSION),
    min_version: format(NOVA_MIN_MICROVERSION),
    updated: '2013-07-23T11:33:21Z',
    path: 'v2.1',
    mediaVersion: '2.1',
  },
} as const;
type NovaVersionId = keyof typeof NOVA_VERSIONS;

/**
 * `GET /`: Nova's list of versions, each linking to its root. Nova serves it from a pipeline without
 * its request-id middleware, so it carries no `X-Openstack-Request-Id` (the conformance run shows).
 */
function novaVersions(context: RouteContext): Reply {
  const origin = originOf(context);
  const versions = Object.entries(NOVA_VERSIONS).map(([id, { status, version, min_version, updated, path }]) => ({
    id,
    status,
    version,
    min_version,
    updated,
    links: [{ rel: 'self', href: `${origin}/${path}/` }],
  }));
  return { status: 200, json: { versions }, omitHeaders: ['X-Openstack-Request-Id', 'X-Compute-Request-Id'] };
}

/** One version's document, as `GET /v2.1`, `/v2.1/` and `/v2.1/{project_id}/` answer it. */
function novaVersion(id: NovaVersionId): (context: RouteContext) => Reply {
  return (context) => {
    const { status, version, min_version, updated, path, mediaVersion } = NOVA_VERSIONS[id];
    return {
      status: 200,
      json: {
        version: {
          id,
          status,
          version,
          min_version,
          updated,
          links: [
            { rel: 'self', href: `${originOf(context)}/${path}/` },
            { rel: 'describedby', type: 'text/html', href: 'http://docs.openstack.org/' },
          ],
          'media-types': [{ base: 'application/json', type: `application/vnd.openstack.compute+json;version=${mediaVersion}` }],
        },
      },
    };
  };
}

/** Keystone 22 (Zed)'s identity API version, as its `/v3` document names it. */
const KEYSTONE_V3 = { id: 'v3.14', status: 'stable', updated: '2020-04-07T00:00:00Z' } as const;

function keystoneV3(context: RouteContext, prefix: string): Record<string, unknown> {
  return {
    ...KEYSTONE_V3,
    links: [{ rel: 'self', href: `${originOf(context)}${prefix}/v3/` }],
    'media-types': [{ base: 'application/json', type: 'application/vnd.openstack.identity-v3+json' }],
  };
}

/** `GET /identity`: Keystone's 300 list of versions, pointing at v3 (`Location` too). */
function keystoneVersions(prefix: string): (context: RouteContext) => Reply {
  return (context) => ({
    status: 300,
    json: { versions: { values: [keystoneV3(context, prefix)] } },
    headers: { Location: `${originOf(context)}${prefix}/v3/`, Vary: 'X-Auth-Token' },
  });
}

/** `GET /v3`: Keystone's v3 document. */
function keystoneVersion(prefix: string): (context: RouteContext) => Reply {
  return (context) => ({ status: 200, json: { version: keystoneV3(context, prefix) }, headers: { Vary: 'X-Auth-Token' } });
}

/**
 * `GET /image`: Glance's list of versions (Zed: v2.16), so that openstackclient, which builds its
 * image client for `server show` and discovers its version first, can; the mock serves no image API
 * beyond it (its servers have no image, so no image is ever looked up).
 */
function glanceVersions(context: RouteContext): Reply {
  return {
    status: 300,
    json: { versions: [{ id: 'v2.16', status: 'CURRENT', links: [{ rel: 'self', href: `${originOf(context)}/image/v2/` }] }] },
  };
}

function discovery(pattern: string, handler: (context: RouteContext) => Reply): Route {
  return { method: 'GET', pattern, family: 'discovery', handler };
}

/**
 * Version discovery (issue 16 item 1), what openstacksdk and keystoneauth ask before anything else,
 * answered as Nova 26 (Zed) and Keystone 22 (Zed) answer it, with links built from the request's
 * `Host`. Unauthenticated: `GET /` (Nova's versions), `/v2`, `/v2/`, `/v2.1`, `/v2.1/` (on `/v2.1`
 * with Nova's microversion headers, a requested microversion negotiated as for any call); the
 * identity service's `/v3`, `/v3/` and, under `/identity`, its 300 list of versions (the mock's root
 * is Nova's, so a client given `OS_AUTH_URL={mock}/identity` or `{mock}/v3` finds Keystone). The
 * project forms `/v2.1/{project_id}/` and `/v2/{project_id}/` are Nova routes (authenticated), in
 * `nova-api.ts`; `/v2.1/{project_id}` without the slash is Nova's 404. Glance's list of versions
 * at `/image` is there for openstackclient (see `glanceVersions`).
 */
export const DISCOVERY_ROUTES: readonly Route[] = [
  discovery('/', novaVersions),
  discovery('/v2', novaVersion('v2.0')),
  discovery('/v2/', novaVersion('v2.0')),
  discovery('/v2.1', novaVersion('v2.1')),
  discovery('/v2.1/', novaVersion('v2.1')),
  discovery('/v3', keystoneVersion('')),
  discovery('/v3/', keystoneVersion('')),
  discovery('/identity', keystoneVersions('/identity')),
  discovery('/identity/', keystoneVersions('/identity')),
  discovery('/identity/v3', keystoneVersion('/identity')),
  discovery('/identity/v3/', keystoneVersion('/identity')),
  discovery('/image', glanceVersions),
  discovery('/image/', glanceVersions),
];

/** The version document a project's root (`/v2.1/{project_id}/`) answers, for the Nova routes. */
export const novaVersionDocument = (apiVersion: string): ((context: RouteContext) => Reply) =>
  novaVersion(apiVersion === 'v2' ? 'v2.0' : 'v2.1');
