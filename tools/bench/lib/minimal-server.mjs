// The floor for a server: node:http answering every request with the mock's GET body, nothing else.
import http from 'node:http';
import { METADATA_BODY } from './fixture.mjs';

const BODY = Buffer.from(METADATA_BODY);

/** Starts the minimal server on 127.0.0.1 (a free port); resolves to its URL and a close function. */
export async function startMinimalServer() {
  const server = http.createServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': BODY.byteLength });
    response.end(BODY);
  });
  // The mock's keep-alive settings are node's defaults too: the two differ only in what they do per request.
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
