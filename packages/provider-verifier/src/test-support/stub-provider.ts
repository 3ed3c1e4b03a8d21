import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the stub deviates from the API. */
export type StubFlaw =
  /** None: a correct Nova-like provider of one server, with the metadata family. */
  | 'none'
  /** `{"metadata": ["a"]}`: a list instead of a map. */
  | 'metadata-as-list'
  /** 200 `{"metadata": {}}` for a server that does not exist, instead of 404. */
  | 'unknown-server-found'
  /** Echoes the request's token in the body (a list, so the interaction fails). */
  | 'echo-token'
  /** Never answers Pact's requests (the verifier's own GET and PUT are answered). */
  | 'hang';

/** Options of {@link startStubProvider}. */
export interface StubOptions {
  readonly token: string;
  readonly projectId: string;
  readonly serverId: string;
  readonly metadata: Record<string, string>;
  readonly flaw?: StubFlaw;
}

/** One request the stub received. */
export interface StubRequest {
  readonly method: string;
  readonly path: string;
  /** The `X-Auth-Token` it carried. */
  readonly token: string | undefined;
  readonly body: string;
  /** Whether it carried `X-Project-Id`: the verifier's own reads and restores do, Pact's requests do not. */
  readonly fromVerifier: boolean;
  /** Its `Host` header. */
  readonly host: string | undefined;
}

/** A running stub. */
export interface StubProvider {
  readonly url: string;
  readonly requests: StubRequest[];
  /** The server's metadata now. */
  metadata(): Record<string, string>;
  close(): Promise<void>;
}

const PATH = /^\/(?:(?:v2|v2\.1)\/([0-9a-f-]+)\/servers|v1\/([0-9a-f-]+)\/cloudservers)\/([^/]+)\/metadata(?:\/([^/]+))?$/u;
const ITEM_LIMIT = 128;

/**
 * A small ECS/Nova-like provider on node:http for `127.0.0.1`, port 0: one project, one server,
 * the metadata family on `/v2` and `/v2.1` (list, merge, replace, show, set and delete one item,
 * the 128-item limit) and the two ECS native `/v1` calls, Keystone's 401 and Nova's 404 bodies
 * (Huawei's on `/v1`), and an optional {@link StubFlaw} that a correct verifier must report. It
 * cannot be locked or put in another state, like a real server seen through the metadata API.
 */
export async function startStubProvider(options: StubOptions): Promise<StubProvider> {
  let metadata = { ...options.metadata };
  const requests: StubRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const token = header(req, 'x-auth-token');
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', token, body, fromVerifier: header(req, 'x-project-id') !== undefined, host: header(req, 'host') });
      answer(req, res, token, body);
    });
  });

  const answer = (req: IncomingMessage, res: ServerResponse, token: string | undefined, body: string): void => {
    const match = PATH.exec(req.url ?? '');
    if (match === null) {
      return json(res, 404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
    }
    if (token !== options.token) {
      return json(res, 401, { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } });
    }
    const [, novaProject, nativeProject, serverId, rawKey] = match;
    const native = nativeProject !== undefined;
    const key = rawKey === undefined ? undefined : decodeURIComponent(rawKey);
    const known = (novaProject ?? nativeProject) === options.projectId && serverId === options.serverId;
    if (!known && options.flaw !== 'unknown-server-found') {
      return native
        ? json(res, 404, { error: { code: 'Ecs.0114', message: 'The ECS does not exist.' } })
        : json(res, 404, { itemNotFound: { code: 404, message: `Instance ${serverId} could not be found.` } });
    }
    // The verifier's own GET and PUT (reading and restoring the original) carry X-Project-Id; Pact's requests do not.
    const fromPact = header(req, 'x-project-id') === undefined;
    if (fromPact && options.flaw === 'hang') {
      return; // closeAllConnections() ends it
    }
    const method = req.method ?? 'GET';
    const missingItem = (): void => json(res, 404, { itemNotFound: { code: 404, message: 'Metadata item was not found' } });
    const merge = (change: Record<string, string>): boolean => {
      const after = { ...metadata, ...change };
      if (Object.keys(after).length > ITEM_LIMIT) {
        json(res, 403, { forbidden: { code: 403, message: 'Maximum number of metadata items exceeds 128' } });
        return false;
      }
      metadata = after;
      return true;
    };
    if (key === undefined && method === 'GET' && !native) {
      if (fromPact && options.flaw === 'metadata-as-list') {
        return json(res, 200, { metadata: ['a'] });
      }
      if (fromPact && options.flaw === 'echo-token') {
        return json(res, 200, { metadata: [token] });
      }
      return json(res, 200, { metadata: known ? metadata : {} });
    }
    if (key === undefined && method === 'PUT' && !native) {
      metadata = { ...(JSON.parse(body) as { metadata: Record<string, string> }).metadata };
      return json(res, 200, { metadata });
    }
    if (key === undefined && method === 'POST') {
      return merge((JSON.parse(body) as { metadata: Record<string, string> }).metadata) ? json(res, 200, { metadata }) : undefined;
    }
    if (key !== undefined && method === 'GET' && !native) {
      return Object.hasOwn(metadata, key) ? json(res, 200, { meta: { [key]: metadata[key] } }) : missingItem();
    }
    if (key !== undefined && method === 'PUT' && !native) {
      const meta = (JSON.parse(body) as { meta: Record<string, string> }).meta;
      return merge(meta) ? json(res, 200, { meta }) : undefined;
    }
    if (key !== undefined && method === 'DELETE') {
      if (!Object.hasOwn(metadata, key)) {
        return missingItem();
      }
      metadata = Object.fromEntries(Object.entries(metadata).filter(([name]) => name !== key));
      res.writeHead(204);
      res.end();
      return undefined;
    }
    return json(res, 404, { itemNotFound: { code: 404, message: 'The resource could not be found.' } });
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    metadata: () => ({ ...metadata }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}
