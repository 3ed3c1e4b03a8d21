#!/usr/bin/env node
// Writes docs/reliability.md from the reliability matrix (packages/cli/src/test-support/
// reliability-matrix.ts). The matrix is TypeScript test support, not built into any package, so it
// is bundled with esbuild into a temporary module first. Needs the workspace built (npm run build).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = await mkdtemp(join(tmpdir(), 'reliability-doc-'));
try {
  const outfile = join(scratch, 'render.mjs');
  await build({
    entryPoints: [join(root, 'packages/cli/src/test-support/reliability-doc.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile,
    logLevel: 'warning',
  });
  const { renderReliabilityDoc } = await import(pathToFileURL(outfile).href);
  const target = join(root, 'docs/reliability.md');
  await writeFile(target, renderReliabilityDoc());
  console.log(`wrote ${target}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}
