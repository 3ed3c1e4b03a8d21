// A throwaway npm registry (verdaccio) on 127.0.0.1 for the round trip: storage in a temporary
// folder, anonymous publishing of @ecs-metadata/* only, and no uplink for that scope, so an install
// can only get our packages from what was just published. Everything else proxies the public
// registry (ky, zod, typescript, ... come from there, cached in the same temporary storage).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const PUBLIC_REGISTRY = 'https://registry.npmjs.org/';

/** A port free on 127.0.0.1 now (verdaccio cannot listen on port 0 and report it). */
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function configYaml(storage) {
  return `storage: ${JSON.stringify(storage)}
auth:
  htpasswd:
    file: ${JSON.stringify(join(storage, 'htpasswd'))}
uplinks:
  npmjs:
    url: ${PUBLIC_REGISTRY}
    timeout: 60s
    max_fails: 5
packages:
  '@ecs-metadata/*':
    access: $all
    publish: $anonymous $authenticated
    unpublish: $anonymous $authenticated
  '**':
    access: $all
    publish: $authenticated
    proxy: npmjs
server:
  keepAliveTimeout: 60
publish:
  allow_offline: true
log: { type: stdout, format: pretty, level: warn }
`;
}

async function waitUntilUp(url, child, deadlineMs) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode} before answering`);
    try {
      const response = await fetch(new URL('-/ping', url));
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`verdaccio did not answer ${url} within ${deadlineMs} ms`);
}

/**
 * Starts verdaccio (the workspace's pinned dev dependency) with its state under `dir`.
 * Resolves to `{ url, stop }`; `stop()` ends the process and waits for it.
 */
export async function startRegistry({ dir, verdaccioBin, logFile }) {
  const storage = join(dir, 'storage');
  mkdirSync(storage, { recursive: true });
  const configFile = join(dir, 'verdaccio.yaml');
  writeFileSync(configFile, configYaml(storage));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(process.execPath, [verdaccioBin, '--config', configFile, '--listen', `127.0.0.1:${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const log = [];
  child.stdout.on('data', (chunk) => log.push(chunk));
  child.stderr.on('data', (chunk) => log.push(chunk));
  const stop = async () => {
    writeFileSync(logFile, Buffer.concat(log));
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await once(child, 'exit');
  };
  try {
    await waitUntilUp(url, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

/** Registers a throwaway user and returns its token (npm refuses to publish without one). */
export async function createPublisherToken(url) {
  const name = 'round-trip';
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'round-trip-password', type: 'user', roles: [], date: new Date().toISOString() }),
  });
  const body = await response.json();
  if (!response.ok || typeof body.token !== 'string') throw new Error(`verdaccio refused the user: ${response.status} ${JSON.stringify(body)}`);
  return body.token;
}
