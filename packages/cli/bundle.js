// Bundles the `ecs-metadata` bin into dist/bundle/ (run by `npm run build` after tsc). One file to
// load instead of ~60 modules across five packages halves `ecs-metadata get`'s start-up (measured by
// tools/bench/cli-startup.mjs, recorded in docs/performance.md). Code splitting keeps every command
// lazy: `get` never loads the mock provider, which only `demo` and `mock serve` import.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Chunk names carry content hashes: start clean so no stale chunk is shipped.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { 'ecs-metadata': 'dist/bin.js' },
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.12',
  chunkNames: 'chunks/[name]-[hash]',
  // Chained to tsc's maps, so a stack trace run with --enable-source-maps points at src/*.ts.
  sourcemap: true,
  // Some dependencies ship CommonJS that calls require() (yaml's `require('process')`): give the ESM
  // chunks a real one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
