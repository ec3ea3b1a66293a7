#!/usr/bin/env bash
# The project's whole test job: system packages the tests use, static checks, then every test.
# Called by `npm run test:ci` (README) and by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v mosquitto_pub >/dev/null 2>&1 || need+=(mosquitto-clients)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v nft >/dev/null 2>&1 || need+=(nftables)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${need[*]} (apt-get)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "test.sh: the tests need ${need[*]}: run 'sudo apt-get install -y ${need[*]}' first" >&2
    exit 2
  fi
fi

[ -d node_modules ] || npm ci
npm run build
npm run typecheck
npm run lint
npm run format:check
npx vitest run

# The conformance catalogue against the reference broker, a real Mosquitto and Aedes (3.1.1 only;
# known deviations are listed, not failed), then the proof that every scenario group can fail
# (mutants).
node bin/harness.js run scenarios/basic scenarios/conformance --target reference --target mosquitto --target aedes \
  --reporter dot --reporter junit --output-dir reports/ci
npm run mutation
