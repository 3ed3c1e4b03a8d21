# shellcheck shell=bash
# Shared by start.sh, stop.sh and run-stage.sh (sourced, not run).
# Processes are recorded as "NAME PID STARTTIME" lines in $STATE/pids; STARTTIME is field 22 of
# /proc/PID/stat, so a recycled PID is never taken for ours.

NOVA_PY=/usr/bin/python3   # Debian's python: Nova and Keystone are installed for it, not for a pyenv one.
# shellcheck disable=SC2034 # used by the scripts that source this file
STATE_MARKER=.ecs-metadata-nova-state

say() { printf '[nova:%s] %s\n' "${NOVA_STEP:-stage}" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# The start time of PID (clock ticks since boot), or nothing when there is no such live process.
proc_start_time() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
  # Field 2 (comm) may hold spaces; cut after its closing parenthesis. Field 22 overall = 20th after it.
  stat=${stat##*) }
  # shellcheck disable=SC2086
  set -- $stat
  # A zombie (state Z: exited, not yet reaped) is not running any more.
  [ "$1" = "Z" ] || printf '%s' "${20}"
}

# Whether the recorded process NAME of state dir $1 is alive (and is the one recorded).
recorded_alive() {
  local state=$1 name=$2 line pid start
  line=$(grep "^$name " "$state/pids" 2>/dev/null | tail -n 1) || return 1
  [ -n "$line" ] || return 1
  pid=$(printf '%s' "$line" | cut -d' ' -f2)
  start=$(printf '%s' "$line" | cut -d' ' -f3)
  [ -n "$pid" ] && [ "$(proc_start_time "$pid")" = "$start" ]
}

recorded_pid() { grep "^$2 " "$1/pids" 2>/dev/null | tail -n 1 | cut -d' ' -f2; }

# Stops every process recorded in state dir $1: TERM to all, up to 10 s for all to exit, then KILL
# to what is left. Only recorded PIDs whose start time still matches are signalled.
stop_recorded() {
  local state=$1 name pid start alive idx _
  [ -f "$state/pids" ] || return 0
  local -a names=() pids=() starts=()
  while read -r name pid start; do
    [ -n "$pid" ] || continue
    if [ "$(proc_start_time "$pid")" != "$start" ]; then
      say "$name (pid $pid) is not running"
      continue
    fi
    names+=("$name"); pids+=("$pid"); starts+=("$start")
    kill -TERM "$pid" 2>/dev/null || true
  done <"$state/pids"
  for _ in $(seq 1 50); do
    alive=0
    for idx in "${!pids[@]}"; do
      [ "$(proc_start_time "${pids[$idx]}")" = "${starts[$idx]}" ] && alive=1
    done
    [ "$alive" -eq 1 ] || break
    sleep 0.2
  done
  for idx in "${!pids[@]}"; do
    if [ "$(proc_start_time "${pids[$idx]}")" = "${starts[$idx]}" ]; then
      say "${names[$idx]} (pid ${pids[$idx]}) ignored TERM for 10 s: KILL"
      kill -KILL "${pids[$idx]}" 2>/dev/null || true
    fi
    say "stopped ${names[$idx]} (pid ${pids[$idx]})"
  done
  : >"$state/pids"
}

# A free TCP port on 127.0.0.1 (the kernel's choice; a race with another binder is caught by the
# health check, which then fails the start).
free_port() {
  "$NOVA_PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until URL answers HTTP (any status below 500), at most $2 seconds, while recorded NAME ($3)
# of state dir $4 stays alive.
wait_http() {
  local url=$1 seconds=$2 name=$3 state=$4 code _
  for _ in $(seq 1 $((seconds * 4))); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true)
    if [ -n "$code" ] && [ "$code" != "000" ] && [ "$code" -lt 500 ]; then
      return 0
    fi
    recorded_alive "$state" "$name" || return 1
    sleep 0.25
  done
  return 1
}
