import type { IncomingMessage } from 'node:http';
import type { MockAdmin } from './admin.js';
import type { FaultRouteName } from './faults.js';
import type { Reply } from './reply.js';
import type { RequestLog } from './request-log.js';
import type { MetadataStore } from './store.js';

/**
 * Which front door a route sits behind: `nova` routes are authenticated and project-checked as Nova
 * does before its handlers run; `admin` routes are the mock's own unauthenticated test API; `iam`
 * routes are the identity service (password login), which authenticates by its request body;
 * `native` routes (the ECS `/v1` API) are authenticated as `nova` ones but answer Huawei error bodies.
 */
export type RouteFamily = 'nova' | 'admin' | 'iam' | 'native';

/** What a handler gets: its path parameters (decoded) and the mock's state. */
export interface RouteContext {
  readonly req: IncomingMessage;
  /** Decoded path parameters by the names of the route's pattern. */
  readonly params: Readonly<Record<string, string>>;
  /**
   * The project the call acts in: the path's `{projectId}`, else (Nova's project-less paths) the
   * token's project; `undefined` for the unauthenticated families (admin, iam).
   */
  readonly projectId: string | undefined;
  /** The Nova microversion the call is served at: `2.1` unless a `/v2.1` request asked for another. */
  readonly microversion: string;
  readonly store: MetadataStore;
  readonly admin: MockAdmin;
  readonly log: RequestLog;
  /** Reads the request body as JSON (capped at 114688 bytes under /v2 and /v2.1, 1 MiB elsewhere); throws the 413/400 reply itself. */
  readJsonBody(): Promise<unknown>;
}

/** Answers one request; may throw an `HttpFault` (or a `ValidationError`, answered 400). */
export type RouteHandler = (context: RouteContext) => Reply | Promise<Reply>;

/**
 * One entry of the route table. A new API call is one more entry: its method, its pattern and a
 * handler; authentication and the project check come with its family.
 */
export interface Route {
  readonly method: string;
  /** Literal segments and `{name}` parameters: `/{version}/{projectId}/servers/{serverId}/metadata`. */
  readonly pattern: string;
  readonly family: RouteFamily;
  /** The call's name for a fault rule's `match.route` (`get`, `setItem`, `login`, ...), if it has one. */
  readonly name?: FaultRouteName;
  /** Extra conditions on parameters; a failing one means the path is not this route's. */
  readonly where?: Readonly<Record<string, (value: string) => boolean>>;
  readonly handler: RouteHandler;
}

/** A route whose pattern fits a path, with that path's parameters. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Splits a raw request target (`req.url`) into decoded path segments: the query is dropped, each
 * segment is decoded on its own with `decodeURIComponent`, so `%2F` stays inside its segment.
 * Nothing is normalised: `..` stays a segment (and never matches a parameter). Returns `undefined`
 * for a target that is not an absolute path or holds malformed percent-encoding, which the mock
 * answers like an unknown route.
 */
export function splitRawPath(rawTarget: string): string[] | undefined {
  const queryStart = rawTarget.indexOf('?');
  const path = queryStart === -1 ? rawTarget : rawTarget.slice(0, queryStart);
  if (!path.startsWith('/')) {
    return undefined;
  }
  try {
    return path.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

interface CompiledRoute {
  readonly route: Route;
  readonly segments: readonly ({ literal: string } | { param: string })[];
}

/** Matches decoded path segments against a route table; exact matches only. */
export class Router {
  readonly #routes: readonly CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.#routes = routes.map((route) => ({
      route,
      segments: route.pattern
        .slice(1)
        .split('/')
        .map((segment) => {
          const param = /^\{(\w+)\}$/u.exec(segment)?.[1];
          return param === undefined ? { literal: segment } : { param };
        }),
    }));
  }

  /**
   * Every route whose pattern fits `segments`, whatever its method, in table order. The caller
   * picks the method: a known path with an unsupported method is then told apart from an unknown
   * path (Nova answers both 404, but only after authenticating the first).
   */
  match(segments: readonly string[]): RouteMatch[] {
    const matches: RouteMatch[] = [];
    for (const { route, segments: pattern } of this.#routes) {
      const params = matchPattern(pattern, segments, route.where);
      if (params !== undefined) {
        matches.push({ route, params });
      }
    }
    return matches;
  }
}

function matchPattern(
  pattern: CompiledRoute['segments'],
  segments: readonly string[],
  where: Route['where'],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) {
    return undefined;
  }
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] as string;
    if ('literal' in part) {
      if (segment !== part.literal) {
        return undefined;
      }
      continue;
    }
    // An empty or dot segment never names a resource: `servers/../metadata` is no server's path.
    if (segment === '' || segment === '.' || segment === '..' || where?.[part.param]?.(segment) === false) {
      return undefined;
    }
    params[part.param] = segment;
  }
  return params;
}
