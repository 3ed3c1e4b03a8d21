#!/usr/bin/env node
// `npm run pack`: one tarball per publishable package (as built by `npm ci`) into packed/ at the
// workspace root, the folder the README's Install section installs from by path until the packages
// are on the public registry. The tarballs are what `npm publish` would upload (`npm pack`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { workspacePackages, workspaceRoot as root } from './lib/workspace-packages.mjs';

const destination = join(root, 'packed');
const workspaces = workspacePackages({ publishableOnly: true }).flatMap(({ dir }) => ['--workspace', dir]);
// Start clean: a tarball of an older version left here would be installed by a `*.tgz` glob.
rmSync(destination, { recursive: true, force: true });
mkdirSync(destination);
execFileSync('npm', ['pack', '--pack-destination', destination, '--ignore-scripts', '--loglevel=warn', ...workspaces], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
for (const file of readdirSync(destination).sort()) console.log(join('packed', file));
