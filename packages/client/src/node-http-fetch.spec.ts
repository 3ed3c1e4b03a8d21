import { afterEach, describe, expect, it } from '@jest/globals';
import { ResponseTooLargeError } from '@ecs-metadata/core';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createNodeHttpFetch, type NodeHttpFetch, withBufferedBody } from './node-http-fetch.js';

// The transport's own contract, over real loopback HTTP: what ky and the client rely on.

interface TestServer {
  url: string;
  /** Sockets the server accepted, in order. */
  connections: Socket[];
  /** Request targets it received, in order. */
  targets: string[];
}

const servers: Server[] = [];
const transports: NodeHttpFetch[] = [];

afterEach(async () => {
  for (const transport of transports.splice(0)) {
    transport.close();
  }
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const connections: Socket[] = [];
  const targets: string[] = [];
  const server = createServer((req, res) => {
    targets.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => connections.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections, targets };
}

function transport(maxResponseBytes = 1024): NodeHttpFetch {
  const created = createNodeHttpFetch({ maxResponseBytes });
  transports.push(created);
  return created;
}

describe('createNodeHttpFetch', () => {
  it('answers with status, every header (repeats included) and the whole body', async () => {
    const server = await serve((_req, res) => {
      res.setHeader('X-Repeated', ['a', 'b']);
      res.writeHead(201, { 'Content-Type': 'application/json' });
      res.write('{"metadata":');
      setTimeout(() => res.end('{"wj":"True"}}'), 20);
    });
    const response = await transport()(new Request(`${server.url}/path?q=1`, { headers: { 'X-Auth-Token': 't' } }));
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-repeated')).toBe('a, b');
    expect(await response.text()).toBe('{"metadata":{"wj":"True"}}');
    expect(server.targets).toEqual(['GET /path?q=1']);
  });

  it('sends a request body with its length', async () => {
    let received = '';
    let length: string | undefined;
    const server = await serve((req, res) => {
      length = req.headers['content-length'];
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => res.end('{}'));
    });
    await transport()(new Request(`${server.url}/m`, { method: 'POST', body: '{"metadata":{"k":"v"}}' }));
    expect(received).toBe('{"metadata":{"k":"v"}}');
    expect(length).toBe('22');
  });

  it('never follows a redirect: the 3xx is the answer and the other origin is not contacted', async () => {
    const elsewhere = await serve((_req, res) => res.end('leaked'));
    const server = await serve((_req, res) => {
      res.writeHead(302, { Location: `${elsewhere.url}/steal` });
      res.end();
    });
    const response = await transport()(new Request(`${server.url}/m`, { headers: { 'X-Auth-Token': 'secret' } }));
    expect(response.status).toBe(302);
    expect(elsewhere.targets).toEqual([]);
  });

  it('refuses a body whose declared length is over the cap, before reading it', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '2048' });
      res.end('x'.repeat(2048));
    });
    await expect(transport(1024)(new Request(server.url))).rejects.toBeInstanceOf(ResponseTooLargeError);
  });

  it('refuses an undeclared (chunked) body once it passes the cap', async () => {
    const server = await serve((_req, res) => {
      res.write('x'.repeat(600));
      res.end('x'.repeat(600));
    });
    await expect(transport(1024)(new Request(server.url))).rejects.toBeInstanceOf(ResponseTooLargeError);
    const small = await serve((_req, res) => res.end('x'.repeat(1024)));
    await expect((await transport(1024)(new Request(small.url))).text()).resolves.toHaveLength(1024);
  });

  it('rejects a body cut short with ECONNRESET (a network error, retried by the client)', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('only part');
      setTimeout(() => res.destroy(), 20);
    });
    await expect(transport()(new Request(server.url))).rejects.toMatchObject({ code: 'ECONNRESET' });
  });

  it('builds a bodiless Response for 204', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const response = await transport()(new Request(server.url, { method: 'DELETE' }));
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('keeps one connection alive across requests, and close() ends it', async () => {
    const server = await serve((_req, res) => res.end('{}'));
    const fetchOverPool = transport();
    for (let index = 0; index < 5; index += 1) {
      await (await fetchOverPool(new Request(`${server.url}/${index}`))).text();
    }
    expect(server.targets).toHaveLength(5);
    expect(server.connections).toHaveLength(1);
    const [socket] = server.connections;
    const closed = new Promise<void>((resolve) => socket?.once('close', () => resolve()));
    fetchOverPool.close();
    await closed;
    expect(socket?.destroyed).toBe(true);
  });

  it('aborts with the request signal', async () => {
    const server = await serve(() => undefined); // never answers
    const controller = new AbortController();
    const pending = transport()(new Request(server.url, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('sends a URL and init as they are, as the client does: method, headers, string body and signal', async () => {
    let received = '';
    let seen: Record<string, string | string[] | undefined> = {};
    const server = await serve((req, res) => {
      seen = req.headers;
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (received += chunk));
      req.on('end', () => res.end('{}'));
    });
    const response = await transport()(`${server.url}/m`, { method: 'PUT', headers: { 'X-Auth-Token': 't' }, body: '{"meta":{"k":"v"}}', signal: new AbortController().signal });
    expect(response.status).toBe(200);
    expect([received, seen['x-auth-token'], seen['content-length']]).toEqual(['{"meta":{"k":"v"}}', 't', '18']);
    expect(server.targets).toEqual(['PUT /m']);
    const never = await serve(() => undefined);
    const controller = new AbortController();
    const pending = transport()(never.url, { signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses a body that is not a string when given a URL and init', async () => {
    await expect(transport()('http://127.0.0.1:9/', { method: 'POST', body: new Uint8Array([1]) })).rejects.toThrow(/string bodies only/u);
  });

  it('refuses a protocol other than http and https', async () => {
    await expect(transport()('file:///etc/passwd')).rejects.toThrow(/unsupported protocol file:/u);
  });
});

describe('withBufferedBody', () => {
  it('reads a caller-supplied fetch under the same cap', async () => {
    const server = await serve((_req, res) => res.end('x'.repeat(2048)));
    await expect(withBufferedBody(fetch, 1024)(server.url)).rejects.toBeInstanceOf(ResponseTooLargeError);
    await expect((await withBufferedBody(fetch, 4096)(server.url)).text()).resolves.toHaveLength(2048);
  });
});
