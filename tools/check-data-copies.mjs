#!/usr/bin/env node
// Test data that two packages each keep a copy of (DECISIONS: the data lives in the package that
// tests with it, so each package's tarball and tests stand alone) must stay byte for byte the
// same: a fix to one copy that misses the other would let the two packages' tests disagree
// about the same vectors. Add a row when a second package copies a data file.
//
//   node tools/check-data-copies.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './lib/workspace-packages.mjs';

/** Each row: one data set, and every copy of it (the first is the one to edit, then copy over). */
const DATA_COPIES = [
  {
    name: 'AK/SK signing vectors (spec §9.3)',
    files: ['packages/core/test-vectors/aksk-signing.json', 'packages/mock-provider/test-vectors/aksk-signing.json'],
  },
];

let failed = 0;
for (const { name, files } of DATA_COPIES) {
  const [first, ...others] = files.map((file) => readFileSync(join(workspaceRoot, file)));
  const differing = others.map((content, index) => (content.equals(first) ? undefined : files[index + 1])).filter((file) => file !== undefined);
  if (differing.length === 0) {
    console.log(`ok   ${name}: ${files.length} identical copies`);
    continue;
  }
  failed += 1;
  console.log(`FAIL ${name}: ${differing.join(', ')} differ(s) from ${files[0]}; edit ${files[0]} and copy it over the others`);
}
process.exitCode = failed === 0 ? 0 : 1;
