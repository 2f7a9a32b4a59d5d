#!/usr/bin/env bash
# Caravan's storm benchmark (issue 14): a stub Google of 100 keys in 25 projects whose keys share per-project,
# per-model limits on a compressed clock, Caravan in front of it as deployed (java -jar target/caravan.jar), and a load
# that asks for more than the limits allow. Writes bench/results/<UTC time>-storm[-LABEL].md with: requests served over
# what the limits allow, calls sent to keys Caravan knew were cooling, keys disabled for a per-minute limit, time
# from a quota reset to a key serving again, and how long a refused client waits for its 429.
# See bench/README.md "Storm benchmark". Needs only java and curl; nothing leaves the loopback interface.
#
# Knobs (environment): the STORM_* settings of dev.caravan.bench.StormSettings (STORM_PROJECTS 25,
# STORM_KEYS_PER_PROJECT 4, STORM_MINUTE_SECONDS 10, STORM_DAY_SECONDS 0 = the day outlasts the run,
# STORM_MODELS gemini-2.5-flash=5/20,gemini-2.5-flash-lite=10/1000 (rpm/rpd[/tpm] per project), STORM_MINUTES 12,
# STORM_OVERLOAD 2, STORM_PHASES spread|aligned, STORM_KEY_ORDER grouped|interleaved, STORM_DECLARE_PROJECTS 0|1
# (API_KEYS entries key@project), STORM_CLIENTS 3, STORM_PROMPT_CHARS 400, STORM_CLIENT_TIMEOUT_SECONDS 60);
# STORM_LABEL (a word for the file name and title); JAVA_OPTS (Caravan's JVM flags, by default the Dockerfile's,
# read from it). Caravan's own settings pass through the environment as usual (MAX_RETRIES, MAX_FAILURES, ...).
set -euo pipefail
cd "$(dirname "$0")/.."

GW=18190; STUB=18191; MGMT=18192
ADMIN=storm-admin-token-1234
LABEL=${STORM_LABEL:-}
. bench/lib.sh
JAVA_OPTS=${JAVA_OPTS:-$(bench_deployed_flags)}
# the benchmark measures correctness figures, not speed: its own JVM stays small and does not compete for the cores
BENCH_OPTS="-XX:+UseSerialGC -Xmx256m -XX:TieredStopAtLevel=1 -Dsun.net.httpserver.nodelay=true"
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/$stamp-storm${LABEL:+-$LABEL}.md
work=$(mktemp -d)
for tool in java curl; do
  command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
if [ ! -f target/caravan.jar ] || [ ! -f target/test-classes/dev/caravan/bench/StormBench.class ]; then
  mvn -B -q -DskipTests package
fi
cp="target/test-classes:target/caravan.jar"

pids=()
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

keys=$(java $BENCH_OPTS -cp "$cp" dev.caravan.bench.StormBench keys)
tokens=$(java $BENCH_OPTS -cp "$cp" dev.caravan.bench.StormBench tokens)
commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo '+changes')"

# the stub and the load start first and wait for the gateway; the load begins once its admin API answers
STORM_STUB_PORT=$STUB STORM_GATEWAY_URL="http://127.0.0.1:$GW" AUTH_TOKEN=$ADMIN STORM_OUT="$work/results.md" \
  STORM_TITLE="Storm benchmark${LABEL:+ ($LABEL)}, $stamp" \
  STORM_ABOUT_1_COMMIT="$commit" \
  STORM_ABOUT_2_MACHINE="$(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GB", $2/1048576}' /proc/meminfo), load before the run $(cut -d' ' -f1-3 /proc/loadavg)" \
  STORM_ABOUT_3_GATEWAY="java $JAVA_OPTS -jar target/caravan.jar; MAX_RETRIES=${MAX_RETRIES:-3 (default)}, MAX_FAILURES=${MAX_FAILURES:-default}, QUOTA_MINUTE_SECONDS=${QUOTA_MINUTE_SECONDS:-${STORM_MINUTE_SECONDS:-10}} (the stub's minute)" \
  java $BENCH_OPTS -cp "$cp" dev.caravan.bench.StormBench run 2> >(tee "$work/bench.log" >&2) & bench=$!
pids+=($bench)

env API_KEYS="$keys" ALLOWED_TOKENS="$tokens" AUTH_TOKEN=$ADMIN SQLITE_DATABASE="$work/storm.db" \
  MANAGEMENT_PORT=$MGMT PORT=$GW BASE_URL="http://127.0.0.1:$STUB/v1beta" LOG_LEVEL=${LOG_LEVEL:-WARN} \
  QUOTA_MINUTE_SECONDS=${QUOTA_MINUTE_SECONDS:-${STORM_MINUTE_SECONDS:-10}} \
  java $JAVA_OPTS -jar target/caravan.jar > "$work/gateway.log" 2>&1 & gw=$!
pids+=($gw)

status=0
wait $bench || status=$?
if [ $status -ne 0 ] || [ ! -f "$work/results.md" ]; then
  echo "storm: the benchmark failed (exit $status); the gateway's log:" >&2
  tail -n 40 "$work/gateway.log" >&2
  exit 1
fi
metrics=$(curl -s "http://127.0.0.1:$MGMT/observe/metrics" || true)
{
  cat "$work/results.md"
  echo
  echo "## The gateway's log and metrics"
  echo
  echo "- WARN lines: $(grep -c ' WARN ' "$work/gateway.log" || true), ERROR lines: $(grep -c ' ERROR ' "$work/gateway.log" || true)"
  grep -E ' (WARN|ERROR) ' "$work/gateway.log" | sed -E 's/^[0-9:. -]+//; s/[0-9]+/N/g' | sort | uniq -c | sort -rn | head -n 8 \
    | sed 's/^/    /' || true
  echo "- metrics about keys and attempts at the end:"
  echo "$metrics" | grep -E '^caravan_(keys|upstream_attempts|key_cooldowns)' | grep -v '^#' | head -n 30 | sed 's/^/    /' || true
} > "$out"
echo "storm: results in $out"
