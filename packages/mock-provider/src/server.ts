import { ConfigError, DEFAULT_SIGNATURE_MAX_SKEW_MS, projectIdSchema } from '@ecs-metadata/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ADMIN_PREFIX, ADMIN_ROUTES } from './admin-api.js';
import { createMockAdmin, type MockAdmin } from './admin.js';
import { type ClientTimeouts, refuseTunnel, serverTimeoutOptions } from './client-limits.js';
import { dispatch, type DispatchEnvironment, errorReply } from './dispatch.js';
import { faultReply, FaultQueue, type FaultRule, faultTargetOf } from './faults.js';
import { DEFAULT_FIXTURE, type Fixture, parseFixture } from './fixture.js';
import { DISCOVERY_ROUTES } from './discovery-api.js';
import { IAM_ROUTES } from './iam-api.js';
import { NATIVE_ROUTES } from './native-api.js';
import { NOVA_ROUTES } from './nova-api.js';
import { type Reply, sendReply } from './reply.js';
import { deliverFaultReply, sleep } from './fault-delivery.js';
import { faultRouteNameOf } from './fault-routes.js';
import { createRequestIds } from './request-id.js';
import { flattenHeaders, type LoggedRequest, RequestLog } from './request-log.js';
import { apiVersionOf, baseResponseHeaders, novaVersionHeaders } from './response-headers.js';
import { Router, splitRawPath } from './router.js';
import { fleetServerId, ProjectRateLimiter, type RateLimit } from './rate-limit.js';
import { MetadataStore } from './store.js';

/** Options of {@link startMockProvider}. */
export interface MockProviderOptions {
  /** TCP port; default `0`, an ephemeral port (read it from `url`). */
  port?: number;
  /** Interface to listen on; default `127.0.0.1` (loopback only: the admin API has no auth). */
  host?: string;
  /** The starting world; default {@link DEFAULT_FIXTURE}. */
  fixture?: Fixture;
  /**
   * How far an AK/SK request's `X-Sdk-Date` may be from the mock's clock, either way, in ms;
   * default 15 minutes, as the gateway (spec §8, §9.2). `false` skips the check, for requests
   * signed at a fixed date such as the test vectors (spec §9.3).
   */
  signatureMaxSkewMs?: number | false;
  /**
   * How long slow clients may take (headers 10 s, whole request 30 s, idle keep-alive 5 s by
   * default); see {@link ClientTimeouts}. A client too slow gets 408 and is disconnected.
   */
  clientTimeouts?: ClientTimeouts;
  /**
   * The API gateway's flow control (spec §6.3, §8): a token bucket per project (`ratePerSecond`,
   * `burst` default one second's worth) in front of every `/v1`, `/v2` and `/v2.1` request; past it,
   * 429 with the gateway's `APIG.0308` body and a `Retry-After` in whole seconds. Default: none.
   * Changed at run time with `MockAdmin.setRateLimit` or `PUT /_admin/rate-limit`.
   */
  rateLimit?: RateLimit | undefined;
  /**
   * Adds this many servers to the fixture's first project (a fleet for batch tests and
   * benchmarks), with ids `fleetServerId(0)`, `fleetServerId(1)`, ... and metadata
   * `{"index": "<i>"}`; they come back on `reset()`. Default 0.
   */
  generatedServers?: number;
}

/** A running mock provider. */
export interface MockProvider {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; use it as the client's endpoint. */
  readonly url: string;
  /** Arranges servers, tokens and faults from code (twin of the `/_admin` HTTP API). */
  readonly admin: MockAdmin;
  /** A snapshot of the last 1000 requests, API and admin, oldest first. */
  readonly requestLog: readonly LoggedRequest[];
  /**
   * Stops the mock: pending fault delays are cancelled, every connection (keep-alive ones
   * included) is closed, and the promise resolves when the server has shut down. Idempotent.
   */
  close(): Promise<void>;
}

interface ProviderEnvironment extends DispatchEnvironment {
  readonly faults: FaultQueue;
  /** One controller per request being answered; aborting it ends the request's fault delay. */
  readonly inFlight: Set<AbortController>;
  readonly rateLimiter: ProjectRateLimiter;
}

/**
 * Starts a real HTTP server (node:http) that behaves like the ECS / Nova server metadata API:
 * `GET /{v2|v2.1}/{project_id}/servers/{server_id}/metadata` and the rest of the metadata family
 * (show, merge, replace, set and delete one item, `NOVA_ROUTES`; the ECS native `/v1` merge and
 * delete, `NATIVE_ROUTES`) with Nova's checks and messages, with `X-Auth-Token` or AK/SK
 * (`SDK-HMAC-SHA256`, spec §9.2, for the fixture's `accessKeys`) auth, Nova's and
 * Keystone's exact error bodies and headers (spec §5-§7, §11), fault injection (`FaultRule`), an
 * identity service for password login (`POST /v3/auth/tokens`, spec §9.1, `IAM_ROUTES`) and an
 * admin API under `/_admin` (`ADMIN_ROUTES`).
 *
 * Paths are matched raw: each segment is percent-decoded on its own, nothing is normalised, and
 * anything that is not exactly a route (`..`, `%2e%2e`, a trailing slash) is a 404.
 *
 * @example
 * ```ts
 * const mock = await startMockProvider();
 * const res = await fetch(`${mock.url}/v2.1/${EXAMPLE_PROJECT_ID}/servers/${EXAMPLE_SERVER_ID}/metadata`,
 *   { headers: { 'X-Auth-Token': DEMO_TOKEN } });   // 200 {"metadata": {"wj": "True"}}
 * await mock.close();
 * ```
 *
 * @throws {ConfigError} (setting `fixture`) when `fixture` is invalid, naming the JSON path;
 *   (setting `signatureMaxSkewMs`) when that is neither `false` nor a non-negative number;
 *   (setting `clientTimeouts.<name>`) for a timeout that is not a positive integer.
 * @throws the `listen` error (e.g. `EADDRINUSE`) when the port cannot be bound.
 */
export async function startMockProvider(options: MockProviderOptions = {}): Promise<MockProvider> {
  const fixture = withGeneratedServers(parseFixture(options.fixture ?? DEFAULT_FIXTURE), options.generatedServers ?? 0);
  const signatureMaxSkewMs = options.signatureMaxSkewMs ?? DEFAULT_SIGNATURE_MAX_SKEW_MS;
  if (signatureMaxSkewMs !== false && !(typeof signatureMaxSkewMs === 'number' && signatureMaxSkewMs >= 0)) {
    throw new ConfigError('signatureMaxSkewMs', 'signatureMaxSkewMs must be false or a non-negative number of milliseconds');
  }
  const timeouts = serverTimeoutOptions(options.clientTimeouts);
  const host = options.host ?? '127.0.0.1';
  const store = new MetadataStore();
  const faults = new FaultQueue();
  const log = new RequestLog();
  const rateLimiter = new ProjectRateLimiter(options.rateLimit);
  const admin = createMockAdmin({ store, faults, log, fixture, rateLimiter });
  admin.reset();

  const inFlight = new Set<AbortController>();
  const server = createServer(timeouts);
  server.keepAliveTimeout = timeouts.keepAliveTimeout;
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => refuseTunnel(socket));
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const env: ProviderEnvironment = {
    router: new Router([...DISCOVERY_ROUTES, ...NOVA_ROUTES, ...NATIVE_ROUTES, ...ADMIN_ROUTES, ...IAM_ROUTES]),
    store,
    admin,
    log,
    url,
    faults,
    inFlight,
    signatureMaxSkewMs,
    rateLimiter,
  };
  // Attached once the URL is known (401s carry it); no request event can fire before this line runs.
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handleRequest(req, res, env).catch(() => res.destroy());
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    admin,
    get requestLog() {
      return log.snapshot();
    },
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const controller of inFlight) {
          controller.abort();
        }
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

const PROJECT_API_PREFIXES: ReadonlySet<string> = new Set(['v1', 'v2', 'v2.1']);

/**
 * `/v1/{project_id}/...`, `/v2/{project_id}/...` or `/v2.1/{project_id}/...`: what the gateway meters
 * per project. Nova's project-less paths (`/v2.1/servers/...`) and version documents name no project
 * and are not metered: Huawei's gateway serves no such paths.
 */
function isProjectApiPath(segments: readonly string[] | undefined): segments is readonly string[] {
  return (
    segments !== undefined &&
    segments.length >= 2 &&
    PROJECT_API_PREFIXES.has(segments[0] as string) &&
    projectIdSchema.safeParse(segments[1]).success
  );
}

function withGeneratedServers(fixture: Fixture, count: number): Fixture {
  if (!Number.isInteger(count) || count < 0 || count > 10_000_000) {
    throw new ConfigError('generatedServers', `generatedServers must be an integer from 0 to 10000000, got ${String(count)}`);
  }
  const projectId = fixture.tokens[0]?.projectId ?? fixture.servers[0]?.projectId;
  if (count === 0) {
    return fixture;
  }
  if (projectId === undefined) {
    throw new ConfigError('generatedServers', 'generatedServers needs a fixture with at least one token or server, to know the project');
  }
  const generated = Array.from({ length: count }, (_, index) => ({
    projectId,
    serverId: fleetServerId(index),
    metadata: { index: String(index) },
  }));
  return { ...fixture, servers: [...fixture.servers, ...generated] };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, env: ProviderEnvironment): Promise<void> {
  const method = req.method ?? 'GET';
  const rawTarget = req.url ?? '/';
  env.log.add({ method, path: rawTarget, headers: flattenHeaders(req.headers) });
  const segments = splitRawPath(rawTarget);
  const headers = baseResponseHeaders(createRequestIds());
  let afterHandler: FaultRule['afterHandler'];
  let reply: Reply;
  try {
    if (segments?.[0] !== ADMIN_PREFIX) {
      // The gateway's flow control comes first: a throttled request never reaches Nova.
      const throttled = isProjectApiPath(segments) ? env.rateLimiter.take(segments[1] as string) : undefined;
      if (throttled !== undefined) {
        sendReply(res, throttled, headers);
        return;
      }
      const path = rawTarget.split('?', 1)[0];
      const rule = env.faults.isEmpty
        ? undefined
        : env.faults.take(faultTargetOf(method, segments, { route: faultRouteNameOf(env.router, method, segments), path }));
      if (rule !== undefined && (await applyFault(rule, req, res, headers, abortOnClose(res, env.inFlight), env.url)) === 'handled') {
        return;
      }
      afterHandler = rule?.afterHandler;
    }
    reply = await dispatch(req, segments, env);
  } catch (error) {
    reply = errorReply(error);
  }
  if (afterHandler === 'reset') {
    // The request was processed, then the connection dropped before the answer: a lost response (spec §8).
    req.socket.resetAndDestroy();
    return;
  }
  sendReply(res, reply, headers);
}

/**
 * A signal that aborts when the response closes (answered, or the client went away) or the mock
 * closes: what ends a fault's delay early. Made only for requests a fault rule applies to: an
 * AbortController per request, aborted on 'close', cost the mock a sixth of its CPU per request
 * (tools/bench/mock-throughput.mjs, docs/performance.md).
 */
function abortOnClose(res: ServerResponse, inFlight: Set<AbortController>): AbortSignal {
  const controller = new AbortController();
  inFlight.add(controller);
  res.once('close', () => {
    controller.abort();
    inFlight.delete(controller);
  });
  return controller.signal;
}

/** Carries out a fault rule; `continue` means "now answer normally" (a pure delay). */
async function applyFault(
  rule: FaultRule,
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  signal: AbortSignal,
  url: string,
): Promise<'handled' | 'continue'> {
  if (rule.delayMs !== undefined && rule.delayMs > 0 && !(await sleep(rule.delayMs, signal))) {
    return 'handled'; // the client left or the mock is closing: nobody to answer
  }
  if (rule.action === 'reset') {
    // An RST rather than a FIN, so the client sees ECONNRESET as from a dropped connection.
    req.socket.resetAndDestroy();
    return 'handled';
  }
  if (rule.status !== undefined) {
    // An injected fault stands for an answer of Nova's API layer, microversion headers included.
    const baseHeaders = { ...headers, ...novaVersionHeaders(apiVersionOf(splitRawPath(req.url ?? '/'), req.url ?? '/')) };
    await deliverFaultReply(req, res, faultReply({ ...rule, status: rule.status }, url), baseHeaders, rule, signal);
    return 'handled';
  }
  return 'continue';
}
