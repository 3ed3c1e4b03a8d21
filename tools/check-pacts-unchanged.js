#!/usr/bin/env node
// Fails when the regenerated pacts/ differ from the committed ones: the contract cannot drift silently.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const status = execFileSync('git', ['status', '--porcelain', '--', 'pacts/'], { cwd: root, encoding: 'utf8' });
if (status.trim() !== '') {
  const diff = execFileSync('git', ['diff', '--stat', '--', 'pacts/'], { cwd: root, encoding: 'utf8' });
  console.error(`The regenerated contract differs from the committed pacts/:\n${status}${diff}`);
  console.error('Review the change (git diff pacts/) and commit it if it is intended.');
  process.exit(1);
}
console.log('pacts/ unchanged: the committed contract matches what the consumer suite records.');
