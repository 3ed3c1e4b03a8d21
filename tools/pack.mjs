#!/usr/bin/env node
// `npm run pack`: one tarball per publishable package (as built by `npm ci`) into packed/ at the
// workspace root, the folder the README's Install section installs from by path until the packages
// are on the public registry. The tarballs are what `npm publish` would upload (`npm pack`).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const destination = join(root, 'packed');
const workspaces = readdirSync(join(root, 'packages'))
  .filter((dir) => JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).private !== true)
  .flatMap((dir) => ['--workspace', `packages/${dir}`]);
// Start clean: a tarball of an older version left here would be installed by a `*.tgz` glob.
rmSync(destination, { recursive: true, force: true });
mkdirSync(destination);
execFileSync('npm', ['pack', '--pack-destination', destination, '--ignore-scripts', '--loglevel=warn', ...workspaces], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
for (const file of readdirSync(destination).sort()) console.log(join('packed', file));
