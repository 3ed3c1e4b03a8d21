#!/usr/bin/env bash
# Configures and starts Debian's Keystone and Nova API on 127.0.0.1 (free ports), with all state
# (configs, sqlite databases, fernet keys, logs, PIDs) in one directory: $NOVA_STATE_DIR, or a new
# mktemp directory. Prints the path of the env file on stdout (shell assignments: NOVA_URL,
# KEYSTONE_URL, ids, credentials, PIDs); everything else goes to stderr.
#
#   state=$(mktemp -d); NOVA_STATE_DIR=$state tools/nova/start.sh   # -> $state/env
#   . "$state/env"; tools/nova/seed.py --env "$state/env" --project-id "$NOVA_PROJECT_ID" --server-id ... --metadata '{"wj":"True"}'
#   tools/nova/stop.sh "$state"
#
# Processes (each recorded in $STATE/pids with its start time; stop.sh signals only those):
#   keystone        keystone-wsgi-public, tokens live 1 hour          ($KEYSTONE_URL)
#   keystone-short  the same Keystone (a copy of its database, the same fernet keys), tokens live
#                   $NOVA_SHORT_TOKEN_SECONDS (default 10): for token-expiry tests ($KEYSTONE_SHORT_URL)
#   nova-api        nova-api-wsgi, [api] auth_strategy = keystone, transport_url = fake://, sqlite
#                   API/cell0/cell1 databases; no scheduler, conductor, compute or placement ($NOVA_URL);
#                   Nova's current policy defaults ([oslo_policy] enforce_new_defaults and enforce_scope,
#                   the defaults since Nova 28: reader reads, member writes, admin crosses projects)
#   fake-services   fake_services.py: empty port lists for Nova's server views ([neutron] endpoint_override)
#                   and Glance's version list for openstackclient (the catalog's `image` service)
#
# Idempotent: when the state directory's processes are running and answer, it prints the env file
# again and changes nothing. A state directory whose processes died is stopped and set up anew.
# A non-empty directory that start.sh did not create is refused.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
NOVA_STEP=start

for tool in /usr/bin/nova-api-wsgi /usr/bin/nova-manage /usr/bin/keystone-wsgi-public /usr/bin/keystone-manage "$NOVA_PY" /usr/bin/curl; do
  [ -x "$tool" ] || die "$tool is missing: run tools/nova/install.sh first (as root)"
done

STATE=${NOVA_STATE_DIR:-}
if [ -z "$STATE" ]; then
  STATE=$(mktemp -d "${TMPDIR:-/tmp}/ecs-metadata-nova.XXXXXX")
  touch "$STATE/$STATE_MARKER"
fi
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
if [ ! -e "$STATE/$STATE_MARKER" ]; then
  [ -z "$(ls -A "$STATE")" ] || die "$STATE is not empty and was not made by tools/nova/start.sh: refusing to use it"
  touch "$STATE/$STATE_MARKER"
fi

if [ -f "$STATE/env" ] && recorded_alive "$STATE" keystone && recorded_alive "$STATE" keystone-short && recorded_alive "$STATE" nova-api \
  && recorded_alive "$STATE" fake-services; then
  # shellcheck disable=SC1091
  . "$STATE/env"
  if curl -sf -o /dev/null --max-time 5 "$NOVA_URL/" && curl -sf -o /dev/null --max-time 5 "$KEYSTONE_URL/v3"; then
    say "already running: Nova $NOVA_URL, Keystone $KEYSTONE_URL (state $STATE)"
    printf '%s\n' "$STATE/env"
    exit 0
  fi
fi

# Anything left from an earlier start of this directory goes: only its recorded processes, and
# only the files and directories start.sh makes.
stop_recorded "$STATE"
rm -rf "$STATE/keystone" "$STATE/keystone-short" "$STATE/nova" "$STATE/logs" "$STATE/env" "$STATE/pids"
mkdir -p "$STATE/keystone/fernet-keys" "$STATE/keystone/credential-keys" "$STATE/keystone-short" \
  "$STATE/nova/lock" "$STATE/logs"
chmod 700 "$STATE"
: >"$STATE/pids"

NOVA_DB_JOB=""
on_error() {
  local code=$?
  trap - ERR
  # Let the database job (ours) finish rather than leave it running behind us.
  [ -z "$NOVA_DB_JOB" ] || wait "$NOVA_DB_JOB" 2>/dev/null || true
  say "start failed (exit $code); log tails follow"
  for log in "$STATE"/logs/*.log; do
    [ -f "$log" ] && { say "--- $log"; tail -n 25 "$log" >&2; }
  done
  stop_recorded "$STATE"
  exit "$code"
}
trap on_error ERR

secret() { "$NOVA_PY" -c 'import secrets; print(secrets.token_hex(16))'; }
ADMIN_PASSWORD=$(secret)
NOVA_SERVICE_PASSWORD=$(secret)
USER_PASSWORD=$(secret)
OTHER_PASSWORD=$(secret)
READER_PASSWORD=$(secret)
KEYSTONE_PORT=$(free_port)
KEYSTONE_SHORT_PORT=$(free_port)
NOVA_PORT=$(free_port)
FAKE_SERVICES_PORT=$(free_port)
SHORT_SECONDS=${NOVA_SHORT_TOKEN_SECONDS:-10}
KEYSTONE_URL="http://127.0.0.1:$KEYSTONE_PORT"
KEYSTONE_SHORT_URL="http://127.0.0.1:$KEYSTONE_SHORT_PORT"
NOVA_URL="http://127.0.0.1:$NOVA_PORT"

sqlite_wal() { "$NOVA_PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.close()' "$1"; }

# ---- Nova API ------------------------------------------------------------------------------
cp /etc/nova/api-paste.ini "$STATE/nova/api-paste.ini"
cat >"$STATE/nova/nova.conf" <<EOF
[DEFAULT]
host = ecs-metadata-nova-stage
my_ip = 127.0.0.1
state_path = $STATE/nova
transport_url = fake://
log_dir = $STATE/logs
log_file = nova-api.log
debug = false
[api]
auth_strategy = keystone
[wsgi]
api_paste_config = $STATE/nova/api-paste.ini
[api_database]
connection = sqlite:///$STATE/nova/nova_api.sqlite
[database]
connection = sqlite:///$STATE/nova/nova.sqlite
[oslo_concurrency]
lock_path = $STATE/nova/lock
[oslo_messaging_notifications]
driver = noop
[oslo_policy]
enforce_new_defaults = true
enforce_scope = true
[neutron]
endpoint_override = http://127.0.0.1:$FAKE_SERVICES_PORT
region_name = RegionOne
[keystone_authtoken]
www_authenticate_uri = $KEYSTONE_URL
auth_url = $KEYSTONE_URL
auth_type = password
region_name = RegionOne
project_domain_name = Default
user_domain_name = Default
project_name = service
username = nova
password = $NOVA_SERVICE_PASSWORD
EOF

# Nova's databases do not need Keystone: they are built while Keystone is set up.
nm() { /usr/bin/nova-manage --config-file "$STATE/nova/nova.conf" "$@" >>"$STATE/logs/nova-manage.log" 2>&1; }
(
  set -e
  t1=$(date +%s)
  nm api_db sync
  nm cell_v2 map_cell0 --database_connection "sqlite:///$STATE/nova/nova_cell0.sqlite"
  nm cell_v2 create_cell --name cell1 --database_connection "sqlite:///$STATE/nova/nova.sqlite" --transport-url fake://
  nm db sync
  for db in nova_api nova_cell0 nova; do sqlite_wal "$STATE/nova/$db.sqlite"; done
  say "nova databases (api, cell0, cell1): $(( $(date +%s) - t1 )) s"
) &
NOVA_DB_JOB=$!

# ---- Keystone ------------------------------------------------------------------------------
keystone_conf() { # $1 log file name, $2 token lifetime in seconds
  cat <<EOF
[DEFAULT]
log_dir = $STATE/logs
log_file = $1
debug = false
[database]
connection = sqlite:///$3
[token]
provider = fernet
expiration = $2
[fernet_tokens]
key_repository = $STATE/keystone/fernet-keys
[fernet_receipts]
key_repository = $STATE/keystone/fernet-keys
[credential]
key_repository = $STATE/keystone/credential-keys
[cache]
enabled = false
EOF
}
# One sqlite database per process (two processes on one sqlite file lock each other out): the
# short-token Keystone gets a copy of the main one, taken once all identities exist, so both
# know the same users and projects, and share the fernet keys, so each validates the other's tokens.
keystone_conf keystone.log 3600 "$STATE/keystone/keystone.sqlite" >"$STATE/keystone/keystone.conf"
keystone_conf keystone-short.log "$SHORT_SECONDS" "$STATE/keystone-short/keystone.sqlite" >"$STATE/keystone-short/keystone.conf"

t0=$(date +%s)
km() { /usr/bin/keystone-manage --config-file "$STATE/keystone/keystone.conf" "$@" >>"$STATE/logs/keystone-manage.log" 2>&1; }
km db_sync
# WAL: a request that still holds a read transaction must not lock out another's commit
# (Keystone's rollback-journal sqlite answers "database is locked" to POST /v3/services otherwise).
sqlite_wal "$STATE/keystone/keystone.sqlite"
km fernet_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
km credential_setup --keystone-user "$(id -un)" --keystone-group "$(id -gn)"
chmod -R go-rwx "$STATE/keystone"
km bootstrap --bootstrap-password "$ADMIN_PASSWORD" --bootstrap-username admin \
  --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
  --bootstrap-region-id RegionOne --bootstrap-public-url "$KEYSTONE_URL/v3" \
  --bootstrap-internal-url "$KEYSTONE_URL/v3" --bootstrap-admin-url "$KEYSTONE_URL/v3"
say "keystone database, fernet keys and bootstrap: $(( $(date +%s) - t0 )) s"

start_process() { # NAME LOGFILE CONFIG_ENV COMMAND...
  local name=$1 log=$2 envset=$3 pid
  shift 3
  env "$envset" "$@" </dev/null >>"$STATE/logs/$log" 2>&1 &
  pid=$!
  sleep 0.1
  printf '%s %s %s\n' "$name" "$pid" "$(proc_start_time "$pid")" >>"$STATE/pids"
  say "started $name (pid $pid)"
}
start_process keystone keystone-wsgi.log "OS_KEYSTONE_CONFIG_DIR=$STATE/keystone" \
  "$NOVA_PY" /usr/bin/keystone-wsgi-public --host 127.0.0.1 --port "$KEYSTONE_PORT"
wait_http "$KEYSTONE_URL/v3" 60 keystone "$STATE" || die "Keystone did not answer on $KEYSTONE_URL within 60 s"
say "keystone answering: $(( $(date +%s) - t0 )) s"

IDS=$("$NOVA_PY" "$HERE/keystone_setup.py" "$KEYSTONE_URL" "$NOVA_URL" "$ADMIN_PASSWORD" "$NOVA_SERVICE_PASSWORD" "$USER_PASSWORD" "$OTHER_PASSWORD" "$READER_PASSWORD" \
  "http://127.0.0.1:$FAKE_SERVICES_PORT/image")
eval "$IDS"
"$NOVA_PY" -c 'import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]); src.backup(dst); dst.close(); src.close()' \
  "$STATE/keystone/keystone.sqlite" "$STATE/keystone-short/keystone.sqlite"
start_process keystone-short keystone-short-wsgi.log "OS_KEYSTONE_CONFIG_DIR=$STATE/keystone-short" \
  "$NOVA_PY" /usr/bin/keystone-wsgi-public --host 127.0.0.1 --port "$KEYSTONE_SHORT_PORT"
say "keystone projects: demo $NOVA_PROJECT_ID, other $NOVA_OTHER_PROJECT_ID"

start_process fake-services fake-services.log "NOVA_STAGE=1" "$NOVA_PY" "$HERE/fake_services.py" "$FAKE_SERVICES_PORT"
wait "$NOVA_DB_JOB" || die "building Nova's databases failed: see $STATE/logs/nova-manage.log"
start_process nova-api nova-api-wsgi.log "OS_NOVA_CONFIG_DIR=$STATE/nova" \
  "$NOVA_PY" /usr/bin/nova-api-wsgi --host 127.0.0.1 --port "$NOVA_PORT"
wait_http "$NOVA_URL/" 90 nova-api "$STATE" || die "Nova did not answer on $NOVA_URL within 90 s"
wait_http "$KEYSTONE_SHORT_URL/v3" 60 keystone-short "$STATE" || die "the short-token Keystone did not answer on $KEYSTONE_SHORT_URL within 60 s"

umask 077
cat >"$STATE/env" <<EOF
# Written by tools/nova/start.sh; source it (set -a; . file) or read the KEY='value' lines.
NOVA_STATE_DIR='$STATE'
NOVA_URL='$NOVA_URL'
KEYSTONE_URL='$KEYSTONE_URL'
OS_AUTH_URL='$KEYSTONE_URL/v3'
KEYSTONE_SHORT_URL='$KEYSTONE_SHORT_URL'
NOVA_SHORT_TOKEN_SECONDS='$SHORT_SECONDS'
NOVA_REGION='RegionOne'
NOVA_USER_DOMAIN='Default'
NOVA_PROJECT_NAME='demo'
NOVA_PROJECT_ID='$NOVA_PROJECT_ID'
NOVA_USER='demo'
NOVA_USER_PASSWORD='$USER_PASSWORD'
NOVA_OTHER_PROJECT_NAME='other'
NOVA_OTHER_PROJECT_ID='$NOVA_OTHER_PROJECT_ID'
NOVA_OTHER_USER='other'
NOVA_OTHER_USER_PASSWORD='$OTHER_PASSWORD'
NOVA_READER_USER='reader'
NOVA_READER_PASSWORD='$READER_PASSWORD'
NOVA_ADMIN_USER='admin'
NOVA_ADMIN_PASSWORD='$ADMIN_PASSWORD'
NOVA_ADMIN_PROJECT_ID='$NOVA_ADMIN_PROJECT_ID'
NOVA_API_PID='$(recorded_pid "$STATE" nova-api)'
KEYSTONE_PID='$(recorded_pid "$STATE" keystone)'
KEYSTONE_SHORT_PID='$(recorded_pid "$STATE" keystone-short)'
EOF
trap - ERR
say "ready in $(( $(date +%s) - t0 )) s: Nova $NOVA_URL, Keystone $KEYSTONE_URL (short tokens: $KEYSTONE_SHORT_URL), state $STATE"
printf '%s\n' "$STATE/env"
