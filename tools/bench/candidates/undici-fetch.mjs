// The measured alternative to the client's node:http adapter: the same contract (a `fetch` for ky that
// never follows redirects and resolves only after reading the whole body under a cap) over
// `undici.request` with one keep-alive Agent per client. Kept here, not in the client, because the
// numbers in docs/performance.md chose node:http; the benchmark keeps measuring both.
import { Agent } from 'undici';
import { ResponseTooLargeError } from '@ecs-metadata/core';

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function createUndiciFetch({ maxResponseBytes, connections = 64 }) {
  const agent = new Agent({ connections, pipelining: 1 });
  const undiciFetch = async (resource, init) => {
    const input = resource instanceof Request ? resource : new Request(resource, init);
    const url = new URL(input.url);
    const body = input.body === null ? undefined : Buffer.from(await input.arrayBuffer());
    const headers = {};
    input.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const response = await agent.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: input.method,
      headers,
      body,
      signal: input.signal,
      responseHeaders: 'raw',
    });
    const declared = Number(headerValue(response.headers, 'content-length'));
    if (Number.isFinite(declared) && declared > maxResponseBytes) {
      response.body.destroy();
      throw new ResponseTooLargeError(maxResponseBytes);
    }
    const chunks = [];
    let received = 0;
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (received > maxResponseBytes) {
        response.body.destroy();
        throw new ResponseTooLargeError(maxResponseBytes);
      }
      chunks.push(chunk);
    }
    const responseHeaders = new Headers();
    for (let index = 0; index + 1 < response.headers.length; index += 2) {
      responseHeaders.append(response.headers[index].toString('latin1'), response.headers[index + 1].toString('latin1'));
    }
    return new Response(NULL_BODY_STATUSES.has(response.statusCode) ? null : Buffer.concat(chunks), { status: response.statusCode, headers: responseHeaders });
  };
  return Object.assign(undiciFetch, { close: () => agent.close() });
}

function headerValue(raw, name) {
  for (let index = 0; index + 1 < raw.length; index += 2) {
    if (raw[index].toString('latin1').toLowerCase() === name) {
      return raw[index + 1].toString('latin1');
    }
  }
  return undefined;
}
