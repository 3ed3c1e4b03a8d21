#!/usr/bin/env node
// Mock provider throughput: `npm run bench:mock` (options: --rounds N, --seconds N, --connections N).
// autocannon (in this process) drives the metadata GET against the mock and against a minimal
// node:http server answering the same JSON, each in its own child process, alternating; medians of
// requests per second and their ratio.
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { startServerChild } from './lib/children.mjs';
import { DEMO_TOKEN, METADATA_PATH } from './lib/fixture.mjs';
import { machineLine, median, printTable, verdict } from './lib/report.mjs';

const { values } = parseArgs({ options: { rounds: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } } });
const rounds = Number(values.rounds ?? 3);
const seconds = Number(values.seconds ?? 10);
const connections = Number(values.connections ?? 64);
const TARGET_RATIO = 0.6;
const SERVERS = ['minimal', 'mock'];

async function measure(kind) {
  const server = await startServerChild(kind);
  try {
    // A short warm-up (JIT, sockets), then the measured run.
    await autocannon({ url: `${server.url}${METADATA_PATH}`, headers: { 'x-auth-token': DEMO_TOKEN }, connections, duration: 2 });
    const result = await autocannon({ url: `${server.url}${METADATA_PATH}`, headers: { 'x-auth-token': DEMO_TOKEN }, connections, duration: seconds });
    if (result.non2xx > 0 || result.errors > 0) {
      throw new Error(`${kind}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
    }
    return { rps: result.requests.average, latencyP99: result.latency.p99 };
  } finally {
    await server.stop();
  }
}

console.log(machineLine());
console.log(`rounds: ${rounds}, ${seconds} s each, ${connections} connections, GET ${METADATA_PATH}\n`);
const samples = { minimal: [], mock: [] };
for (let round = 0; round < rounds; round += 1) {
  for (const kind of round % 2 === 0 ? SERVERS : [...SERVERS].reverse()) {
    samples[kind].push(await measure(kind));
  }
}
const rps = (kind) => median(samples[kind].map((s) => s.rps));
printTable(
  ['server', 'req/s (median)', 'p99 latency ms (median)', '× minimal'],
  SERVERS.map((kind) => [kind, rps(kind).toFixed(0), median(samples[kind].map((s) => s.latencyP99)).toFixed(1), (rps(kind) / rps('minimal')).toFixed(2)]),
);
const ratio = rps('mock') / rps('minimal');
console.log('\ntargets:');
printTable(['measure', 'target', 'measured', 'verdict'], [['mock / minimal server requests per second', `≥ ${TARGET_RATIO}×`, `${ratio.toFixed(2)}×`, verdict(ratio, TARGET_RATIO, { higherIsBetter: true })]]);
