import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of a {@link ScriptedServer}. */
export interface ScriptedAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** What the server saw of a request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A loopback HTTP server that answers every request with what the test scripts (a hostile server:
 * control characters in its messages, credentials echoed back), and records what it was sent.
 */
export interface ScriptedServer {
  readonly url: string;
  /** Every request so far. */
  readonly seen: SeenRequest[];
  /** Sets how the next requests are answered, from what was sent. */
  answer(script: (request: SeenRequest) => ScriptedAnswer): void;
  close(): Promise<void>;
}

/** Starts a {@link ScriptedServer} on 127.0.0.1, a free port; it answers 200 `{"metadata":{}}` until scripted. */
export async function startScriptedServer(): Promise<ScriptedServer> {
  let script = (_request: SeenRequest): ScriptedAnswer => ({ status: 200, body: '{"metadata":{}}' });
  const seen: SeenRequest[] = [];
  const server: Server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers };
      seen.push(entry);
      const { status, body, headers = {} } = script(entry);
      response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      response.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    answer: (next) => {
      script = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
