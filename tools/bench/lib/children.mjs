// Child processes of the benchmarks: servers that print their URL, and workers that print one JSON line.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { DEMO_TOKEN, METADATA_BODY, METADATA_PATH } from './fixture.mjs';

const SERVE = fileURLToPath(new URL('./serve.mjs', import.meta.url));

/**
 * Starts `serve.mjs kind` in a child process and waits for its URL; checks that it answers the
 * metadata GET with the expected body, so every benchmark measures the same exchange.
 */
export async function startServerChild(kind) {
  const child = spawn(process.execPath, [SERVE, kind], { stdio: ['pipe', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code} before listening`)));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const newline = output.indexOf('\n');
      if (newline >= 0) {
        resolve(output.slice(0, newline));
      }
    });
  });
  const response = await fetch(`${url}${METADATA_PATH}`, { headers: { 'X-Auth-Token': DEMO_TOKEN } });
  const body = await response.text();
  if (response.status !== 200 || body !== METADATA_BODY) {
    child.kill();
    throw new Error(`${kind} server answered ${response.status} ${body}, expected 200 ${METADATA_BODY}`);
  }
  return {
    url,
    pid: child.pid,
    async stop() {
      child.stdin.end();
      if (child.exitCode === null) {
        await once(child, 'exit');
      }
    },
  };
}

/** Runs `node script ...args` and resolves to the JSON object on its last stdout line. */
export async function runJsonChild(script, args, options = {}) {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const [code] = await once(child, 'exit');
  if (code !== 0) {
    throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  }
  return JSON.parse(output.trim().split('\n').at(-1));
}
