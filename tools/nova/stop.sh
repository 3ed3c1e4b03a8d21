#!/usr/bin/env bash
# Stops the processes tools/nova/start.sh recorded for a state directory, and only those (each
# PID is checked against its recorded start time first): TERM, then KILL after 10 s.
#
#   tools/nova/stop.sh STATE_DIR [--remove]     (or NOVA_STATE_DIR=... tools/nova/stop.sh)
#
# --remove also deletes the state directory, but only one start.sh made (it holds start.sh's
# marker file). Idempotent: stopping a stopped state directory does nothing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
NOVA_STEP=stop

STATE=${1:-${NOVA_STATE_DIR:-}}
REMOVE=${2:-}
[ -n "$STATE" ] || die "usage: stop.sh STATE_DIR [--remove] (or set NOVA_STATE_DIR)"
[ -d "$STATE" ] || { say "$STATE does not exist: nothing to stop"; exit 0; }
[ -e "$STATE/$STATE_MARKER" ] || die "$STATE was not made by tools/nova/start.sh: not touching it"
stop_recorded "$STATE"
if [ "$REMOVE" = "--remove" ]; then
  rm -rf "$STATE"
  say "removed $STATE"
fi
