#!/usr/bin/env node
// A committed launcher, so that npm links the bin at install time, before `prepare` builds dist/.
// Plain JavaScript that any Node can parse: on an unsupported Node it refuses in one line (exit 2)
// before importing anything that could fail there with a stack trace. Then it turns on Node's module
// compile cache (start-up: docs/performance.md) and loads the esbuild bundle of dist/bin.js
// (see bundle.js): one file instead of the module graph.
// The default import: a named one would fail to link on a Node without it, before the check runs.
import module from 'node:module';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`ecs-metadata needs Node.js 22.12 or newer; this is ${process.version}\n`);
  process.exit(2);
}
module.enableCompileCache();
await import('../dist/bundle/ecs-metadata.js');
