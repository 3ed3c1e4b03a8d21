#!/usr/bin/env node
// A committed launcher, so that npm links the bin at install time, before `prepare` builds dist/.
// It loads the esbuild bundle of dist/bin.js (see bundle.js): one file instead of the module graph.
// Node's compile cache (22.1+; a no-op before) keeps the bundle's compiled code between runs, so a
// one-shot command does not compile zod and the client again each time (docs/performance.md).
process.getBuiltinModule('node:module').enableCompileCache?.();
await import('../dist/bundle/ecs-metadata.js');
