/* global process, console, URL */
// Shared by the batch benchmarks: the CLI's bin, the peak RSS of a child, stdin fed with backpressure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getHeapStatistics } from 'node:v8';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The `ecs-metadata` bin, wherever the CLI package's `bin` field points (built or bundled). */
export function cliBin() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['ecs-metadata'];
  return join(ROOT, 'packages/cli', bin);
}

const RSS_REPORTER = pathToFileURL(fileURLToPath(new URL('./report-max-rss.mjs', import.meta.url))).href;

/**
 * Runs the CLI with `args` and `env`; `feed(stdin)` writes its stdin; every stdout line goes to
 * `onLine`; `nodeArgs` are V8/Node flags on the CLI process's own command line (the child's env has no
 * NODE_OPTIONS, and some flags, like `--trace-gc`, are refused there). Resolves with the exit code,
 * the wall time, the child's peak RSS (bytes), its CPU time (ms) and stderr.
 */
export function runCli(args, env, { feed, onLine = () => {}, nodeArgs = [], script = cliBin() } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ecs-metadata-bench-'));
  const rssFile = join(dir, 'max-rss');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [...nodeArgs, '--import', RSS_REPORTER, script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: dir, BENCH_MAX_RSS_FILE: rssFile, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  if (feed) {
    feed(child.stdin).then(() => child.stdin.end(), (error) => child.kill() && console.error(error));
  } else {
    child.stdin.end();
  }
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let maxRssBytes = Number.NaN;
      let cpuMs = Number.NaN;
      try {
        const [maxRssKib, userMicros, systemMicros] = readFileSync(rssFile, 'utf8').split(' ').map(Number);
        maxRssBytes = maxRssKib * 1024;
        cpuMs = (userMicros + systemMicros) / 1000;
      } catch {
        // No report: the child died before its exit hook.
      }
      rmSync(dir, { recursive: true, force: true });
      if (partial !== '') onLine(partial);
      resolve({ code, wallMs, maxRssBytes, cpuMs, stderr });
    });
  });
}

/** Writes `count` lines from `lineOf(i)` to `stream`, honouring backpressure. */
export async function writeLines(stream, count, lineOf) {
  const BATCH = 1000;
  for (let i = 0; i < count; i += BATCH) {
    let text = '';
    for (let j = i; j < Math.min(count, i + BATCH); j += 1) text += `${lineOf(j)}\n`;
    if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
  }
}

/**
 * Node flags that run a batch in V8's default heap, as the CLI did before it restarted a streamed
 * batch with a capped one: a heap flag of the user's own keeps the bin in place (packages/cli/src/
 * batch-heap.ts), and this one is the limit V8 picks by default on this machine (this process's).
 */
export const DEFAULT_HEAP_ARGS = [`--max-old-space-size=${Math.round(getHeapStatistics().heap_size_limit / 2 ** 20)}`];

/** `a` against `b` as a ratio with two decimals. */
export const ratio = (a, b) => `${(a / b).toFixed(2)}×`;

export const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
