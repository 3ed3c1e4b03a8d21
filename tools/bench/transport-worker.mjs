#!/usr/bin/env node
// One candidate in one fresh process: `node transport-worker.mjs <candidate> <url> <concurrency> <requests>`.
// Warms up, then sends <requests> metadata GETs with <concurrency> in flight and prints one JSON line:
// requests per second and CPU (user + system, this process only) per request. The server runs in
// another process, so the CPU counted here is the client's alone.
import { createRequire } from 'node:module';
import { Pool } from 'undici';
import { akskAuth, createNodeHttpFetch, EcsMetadataClient, tokenAuth } from '@ecs-metadata/client';
import { createUndiciFetch } from './candidates/undici-fetch.mjs';
import { DEMO_ACCESS_KEY, DEMO_TOKEN, METADATA_BODY, METADATA_PATH, PROJECT_ID, SERVER_ID } from './lib/fixture.mjs';

const [candidate, url, concurrencyText, requestsText] = process.argv.slice(2);
const concurrency = Number(concurrencyText);
const requests = Number(requestsText);
const MAX_BYTES = 1024 * 1024;
const target = `${url}${METADATA_PATH}`;

/** Each candidate: `setup()` → { get(): Promise<string | object>, close() }. */
const CANDIDATES = {
  // The limit: undici's own API on one keep-alive Pool, no Request/Response objects at all.
  'undici-pool': () => {
    const pool = new Pool(url, { connections: 64 });
    return {
      get: async () => (await pool.request({ path: METADATA_PATH, method: 'GET', headers: { 'x-auth-token': DEMO_TOKEN } })).body.text(),
      close: () => pool.close(),
    };
  },
  // What a fetch-based tool gets for free: node's global fetch (its bundled undici) and global pool.
  'global-fetch': () => ({
    get: async () => (await fetch(target, { headers: { 'X-Auth-Token': DEMO_TOKEN } })).text(),
    close: () => undefined,
  }),
  // The two transports, called with a Request (a buffered Response out).
  'adapter-node-http': () => {
    const adapterFetch = createNodeHttpFetch({ maxResponseBytes: MAX_BYTES });
    return { get: async () => (await adapterFetch(new Request(target, { headers: { 'X-Auth-Token': DEMO_TOKEN } }))).text(), close: () => adapterFetch.close() };
  },
  'adapter-undici': () => {
    const adapterFetch = createUndiciFetch({ maxResponseBytes: MAX_BYTES });
    return { get: async () => (await adapterFetch(new Request(target, { headers: { 'X-Auth-Token': DEMO_TOKEN } }))).text(), close: () => adapterFetch.close() };
  },
  // Our whole client: request builder, send loop (deadline, retry plan), signer, response interpretation, zod.
  'client-token': () => clientCandidate({ auth: tokenAuth(DEMO_TOKEN) }),
  'client-aksk': () => clientCandidate({ auth: akskAuth(DEMO_ACCESS_KEY) }),
  // The client over the undici adapter, through the `fetch` option (which re-wraps each Response
  // once more to read it under the cap: a small cost the built-in transport does not pay).
  'client-token-undici': () => clientCandidate({ auth: tokenAuth(DEMO_TOKEN), fetch: createUndiciFetch({ maxResponseBytes: MAX_BYTES }) }),
  // What Huawei users have today: the SDK core's HcClient (axios) as the generated EcsClient drives it.
  'huawei-sdk': () => huaweiSdkCandidate(),
};

function clientCandidate(options) {
  const client = new EcsMetadataClient({ endpoint: url, projectId: PROJECT_ID, ...options });
  return { get: () => client.getServerMetadata(SERVER_ID), close: () => client.close() };
}

/**
 * The generated `EcsClient` of @huaweicloud/huaweicloud-sdk-ecs builds its HcClient with
 * `new ClientBuilder(init).withCredential(new BasicCredentials()...).withEndpoint(url).build()` and
 * sends each call through `hcClient.sendRequest({ method, url: template, pathParams, headers, data })`;
 * BasicCredentials fills `{project_id}` and signs with AK/SK (SDK-HMAC-SHA256). That is what runs here,
 * with the template of Nova's "list server metadata".
 */
function huaweiSdkCandidate() {
  const require = createRequire(import.meta.url);
  // The service packages import these two by path, as here (the core's index exports only credentials).
  const { BasicCredentials } = require('@huaweicloud/huaweicloud-sdk-core/auth/BasicCredentials');
  const { ClientBuilder } = require('@huaweicloud/huaweicloud-sdk-core/ClientBuilder');
  const credential = new BasicCredentials().withAk(DEMO_ACCESS_KEY.accessKey).withSk(DEMO_ACCESS_KEY.secretKey).withProjectId(PROJECT_ID);
  const hcClient = new ClientBuilder((client) => client).withCredential(credential).withEndpoint(url).build();
  return {
    get: () =>
      hcClient.sendRequest({
        method: 'GET',
        url: '/v2.1/{project_id}/servers/{server_id}/metadata',
        contentType: 'application/json',
        queryParams: {},
        pathParams: { server_id: SERVER_ID },
        headers: {},
        data: {},
      }),
    close: () => undefined,
  };
}

async function run(get, count) {
  let next = 0;
  let last;
  const lane = async () => {
    while (next < count) {
      next += 1;
      last = await get();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return last;
}

const setup = CANDIDATES[candidate];
if (setup === undefined) {
  console.error(`unknown candidate ${candidate}; one of ${Object.keys(CANDIDATES).join(', ')}`);
  process.exit(2);
}
const { get, close } = setup();
const sample = await run(get, Math.max(500, Math.floor(requests / 5))); // warm-up: JIT, pool filled
const answer = typeof sample === 'string' ? sample : JSON.stringify(sample.metadata ?? sample);
if (answer !== METADATA_BODY && answer !== JSON.stringify(JSON.parse(METADATA_BODY).metadata)) {
  console.error(`${candidate} read ${answer}, expected ${METADATA_BODY}`);
  process.exit(1);
}
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
await run(get, requests);
const elapsedNs = Number(process.hrtime.bigint() - started);
const cpu = process.cpuUsage(cpuBefore);
await close();
console.log(JSON.stringify({ candidate, concurrency, requests, rps: requests / (elapsedNs / 1e9), cpuUsPerRequest: (cpu.user + cpu.system) / requests }));
