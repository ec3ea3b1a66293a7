#!/usr/bin/env bash
# Installs Debian packages for the tests without starting the services some of them ship
# (rabbitmq-server, ejabberd, epmd): the harness starts brokers of its own in temp dirs and must not
# depend on, or collide with, a system service. A policy-rc.d that refuses every start is put in
# place for the install only (unless the machine already has one, e.g. a container image).
# Usage: scripts/apt-install.sh PACKAGE...   (as root)
set -euo pipefail
[ $# -gt 0 ] || exit 0
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# installed by mqtt-harness scripts/apt-install.sh for one apt-get run\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  made_policy=1
fi
cleanup() { if [ -n "$made_policy" ]; then rm -f "$policy"; fi; }
trap cleanup EXIT
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
