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
# The third-party brokers the harness starts itself (harness/targets/{rabbitmq,activemq,ejabberd}.ts).
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || need+=(rabbitmq-server)
[ -f /usr/share/activemq/bin/activemq.jar ] || need+=(activemq)
[ -f /usr/share/java/mqtt-client.jar ] || need+=(libmqtt-client-java)
compgen -G '/usr/lib/*/ejabberd-*/ebin' >/dev/null || compgen -G '/usr/lib/ejabberd-*/ebin' >/dev/null || need+=(ejabberd)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "test.sh: installing ${need[*]} (apt-get)"
    bash scripts/apt-install.sh "${need[@]}"
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
# Explore: 60 s of generated client sessions per MQTT version against the reference broker with a fixed
# seed, each checked against the broker model (docs/explore.md); a disagreement that a replay reproduces
# fails the job and prints the shrunk scenario. One that none of three replays reproduces (a reply late
# on a busy shared runner) is printed as inconclusive and does not fail the job.
node bin/harness.js explore -t reference --seed 20261207 --budget 60s --grace 1500 --out reports/ci-explore --inconclusive warn
node bin/harness.js explore -t reference --mqtt 5.0 --seed 20261207 --budget 60s --grace 1500 --out reports/ci-explore --inconclusive warn
# The fuzzer and abuser (docs/fuzz.md) for 60 s against the reference broker, run as a process of its
# own; a failure leaves its reproducer under reports/ci-fuzz and fails the job.
node bin/harness.js fuzz --target reference --seconds 60 --output-dir reports/ci-fuzz

# The basic set and the conformance catalogue against the reference broker, a real Mosquitto and Aedes (3.1.1 only;
# known deviations are listed, not failed), then the proof that every scenario group can fail
# (mutants).
node bin/harness.js run scenarios/basic scenarios/conformance --target reference --target mosquitto --target aedes \
  --reporter dot --reporter junit --output-dir reports/ci
# The basic set against the Debian-packaged RabbitMQ, ActiveMQ and ejabberd (harness-started, each in a
# temp dir of its own), so a package update that changes behaviour shows up. The whole catalogue
# against all six is `npm run matrix` (see README).
node bin/harness.js run scenarios/basic --target rabbitmq --target activemq --target ejabberd \
  --reporter dot --reporter junit --output-dir reports/ci-brokers
npm run mutation
