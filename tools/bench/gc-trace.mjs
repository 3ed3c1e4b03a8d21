/* global console */
// Evidence run (not part of npm test): `ecs-metadata get -` over N ids with extra V8 flags on the CLI
// process; what it prints besides the NDJSON lines (the `--trace-gc` lines) and its stderr go to a file.
//   node tools/bench/gc-trace.mjs --servers 30000 --flags=--trace-gc --out /tmp/gc.log
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fleetServerId, startMockProvider } from '@ecs-metadata/mock-provider';
import { mb, runCli, writeLines } from './batch-support.mjs';
import { DEMO_TOKEN, PROJECT_ID } from './lib/fixture.mjs';

const { values } = parseArgs({ options: { script: { type: 'string' }, args: { type: 'string' }, servers: { type: 'string', default: '30000' }, flags: { type: 'string', default: '' }, out: { type: 'string', default: '' } } });
const servers = Number(values.servers);
const mock = await startMockProvider({ port: 0, generatedServers: servers });
try {
  const env = { ECS_METADATA_ENDPOINT: mock.url, ECS_METADATA_PROJECT_ID: PROJECT_ID, ECS_METADATA_TOKEN: DEMO_TOKEN, };
  let lines = 0;
  const trace = [];
  const run = await runCli([...(values.script === undefined ? [] : values.args?.split(' ') ?? []), 'get', '-'], env, { feed: (stdin) => writeLines(stdin, servers, fleetServerId), onLine: (line) => (line.startsWith('{') ? (lines += 1) : trace.push(line)),
    ...(values.script === undefined ? {} : { script: values.script }), nodeArgs: values.flags.split(' ').filter(Boolean) });
  if (values.out !== '') writeFileSync(values.out, `${trace.join('\n')}\n${run.stderr}`);
  console.log(`${servers} ids, flags "${values.flags}": exit ${run.code}, ${lines} lines, ${(run.wallMs / 1000).toFixed(1)} s, peak RSS ${mb(run.maxRssBytes)}, CPU ${(run.cpuMs / 1000).toFixed(1)} s`);
} finally {
  await mock.close();
}
