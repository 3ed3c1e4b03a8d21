#!/usr/bin/env bash
# Installs Debian's Nova API and Keystone (apt, as root) for the real-Nova stage (tools/nova/README.md).
# Idempotent: when every package is already installed it does nothing (no apt-get update).
# Never starts a service: a policy-rc.d answering 101 is put in place for the install when none is
# there, and removed afterwards. Fails loudly (non-zero, message on stderr) on any problem.
#
# Exit codes: 0 installed (or already installed); 3 apt is not usable here (not root, no apt-get,
# or the archive unreachable: apt-get update fails); 1 anything else (apt-get install failed, a
# tool is missing after the install). apt's own output goes to $NOVA_INSTALL_LOG (default
# /tmp/ecs-metadata-nova-install.log); its tail is printed when something fails.
set -euo pipefail

# python3-openstackclient and python3-openstacksdk: OpenStack's own clients, run against Nova and the mock.
PACKAGES=(nova-api python3-nova keystone sqlite3 curl python3-openstackclient python3-openstacksdk)
# Tools the stage runs after the install; checked at the end.
TOOLS=(/usr/bin/nova-api-wsgi /usr/bin/nova-manage /usr/bin/keystone-wsgi-public /usr/bin/keystone-manage /usr/bin/python3 /usr/bin/curl /usr/bin/openstack)

say() { printf '[nova:install] %s\n' "$*" >&2; }
LOG=${NOVA_INSTALL_LOG:-/tmp/ecs-metadata-nova-install.log}
show_log() { say "last lines of $LOG:"; tail -n 30 "$LOG" >&2; }

missing=()
command -v dpkg-query >/dev/null 2>&1 || { say "dpkg-query is not available: not a Debian system"; exit 3; }
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  [ "${status:0:2}" = "ii" ] || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  say "already installed: ${PACKAGES[*]}"
else
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    say "apt-get/dpkg are not available on this machine: cannot install Debian's nova-api and keystone"
    exit 3
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "must run as root to install packages with apt-get (running as uid $(id -u))"
    exit 3
  fi
  say "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's OpenStack packages ask (with defaults of "no") whether to configure databases,
  # RabbitMQ, Keystone endpoints: answer no explicitly, the stage configures everything itself.
  debconf-set-selections <<'SEL'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
nova-common nova/configure_db boolean false
nova-common nova/configure_rabbit boolean false
nova-common nova/configure_neutron boolean false
nova-common nova/configure_placement boolean false
nova-common nova/configure_ksat boolean false
nova-api novaapi/configure_db boolean false
nova-api nova/configure_api-endpoint boolean false
SEL
  created_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\n# tools/nova/install.sh: no service starts during the install\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=/usr/sbin/policy-rc.d
    trap 'rm -f "$created_policy"' EXIT
  fi
  : >"$LOG"
  attempt=1
  until apt-get update -q >>"$LOG" 2>&1; do
    if [ "$attempt" -ge 3 ]; then
      show_log
      say "apt-get update failed $attempt times: the package archive is not reachable from here"
      exit 3
    fi
    attempt=$((attempt + 1)); sleep 5
  done
  say "apt-get update done; installing (output in $LOG)"
  apt-get install -y -q --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >>"$LOG" 2>&1 \
    || { show_log; say "apt-get install ${missing[*]} failed"; exit 1; }
  say "installed $(grep -c '^Setting up ' "$LOG") package(s)"
fi

for tool in "${TOOLS[@]}"; do
  [ -x "$tool" ] || { say "$tool is missing after the install"; exit 1; }
done
/usr/bin/python3 -c 'import nova, keystone' || { say "Debian's python3 cannot import nova and keystone"; exit 1; }
say "ok: $(dpkg-query -W -f='${Package} ${Version}\n' nova-api keystone | tr '\n' ' ')"
