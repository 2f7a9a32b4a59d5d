#!/usr/bin/env bash
# The allocation floor: bytes per request of proxies that do nothing but proxy, on Caravan's own frameworks, next to
# Caravan in the same run (issue 16's target of under 20 KB per non-streamed request). bench/floor/FloorProxy.java
# serves POST /v1beta/models/{op} four ways: a bare Vert.x HttpServer and HttpClient (vertx); camel-main with one YAML
# route on platform-http run from the event loop as Caravan's data plane is (camel); the same route on platform-http's
# stock worker-thread consumer (camel-worker); camel with Camel's stream caching on, its default (camel-cached). Each
# target is warmed up by wrk and measured as alloc.sh measures Caravan: the exact bytes every thread allocated in a
# Java Flight Recorder window (bench/AllocReport.java) over the requests wrk completed in it, with the same 1 KB
# generateContent body and the same static upstream (nginx). Writes bench/results/<UTC time>-floor.md with the totals
# and, per target, the allocation sites by library.
# Needs nginx, wrk, python3 (free ports), a JDK with jcmd.
#
# Knobs (environment): WARMUP (20s per target), DURATION (15s), CONC (16), JAVA_OPTS (none), TARGETS (vertx camel
# camel-worker camel-cached caravan), TOP (12 sites per target).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

WARMUP=${WARMUP:-20s}
DURATION=${DURATION:-15s}
CONC=${CONC:-16}
JAVA_OPTS=${JAVA_OPTS:-}
TARGETS=${TARGETS:-vertx camel camel-worker camel-cached caravan}
TOP=${TOP:-12}
. bench/lib.sh
bench_require "apt-get install -y nginx-light wrk" nginx wrk python3 java jcmd
UP=$(bench_free_port)
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src routes application.properties bench/floor || echo ' + uncommitted changes')"
out=bench/results/$stamp-floor.md

[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

pids=()
trap 'bench_stop "$work"' EXIT

bench_upstream_conf "$work" $UP
nginx -p "$work" -c up.conf
bench_wrk_bodies "$work"

# the same recording as alloc.sh: exact per-thread counters at the window's start and end, and sampled sites
bench_alloc_jfc "$work/alloc.jfc" 2000/s

# start TARGET PORT URL: the target in the background on PORT as $gw, once it answers a generateContent at URL
start() {
  local target=$1 port=$2 url=$3
  if [ "$target" = caravan ]; then
    # shellcheck disable=SC2086
    bench_caravan "$work" $UP $port "$(bench_free_port)" java $JAVA_OPTS -jar target/caravan.jar
    return
  fi
  # shellcheck disable=SC2086
  java $JAVA_OPTS -cp target/caravan.jar bench/floor/FloorProxy.java "$target" $port $UP > "$work/$target.log" 2>&1 &
  gw=$!
  pids+=("$gw")
  until curl -s -o /dev/null -H 'content-type: application/json' -d '{"contents":[]}' "$url"; do
    kill -0 "$gw" 2>/dev/null || { cat "$work/$target.log" >&2; exit 1; }
    sleep 0.1
  done
}

# wrk's count of completed requests; stops the script if any answer was not a 2xx (a floor that failed measures nothing)
completed() {
  if grep -q 'Non-2xx' "$1"; then cat "$1" >&2; echo "answers other than 2xx: the run is void" >&2; exit 1; fi
  awk '/requests in/ {print $1}' "$1"
}

rows=()
details=()
for target in $TARGETS; do
  port=$(bench_free_port)
  url="http://127.0.0.1:$port/v1beta/models/gemini-2.5-flash:generateContent"
  echo "$target: warm-up $WARMUP ..."
  start "$target" "$port" "$url"
  wrk -t1 -c"$CONC" -d"$WARMUP" -s "$work/native.lua" "$url" > "$work/$target-warm.wrk"
  completed "$work/$target-warm.wrk" > /dev/null
  sleep 1
  jcmd $gw JFR.start name=$target settings="$work/alloc.jfc" filename="$work/$target.jfr" > /dev/null
  wrk -t1 -c"$CONC" -d"$DURATION" -s "$work/native.lua" "$url" > "$work/$target.wrk"
  jcmd $gw JFR.stop name=$target > /dev/null
  requests=$(completed "$work/$target.wrk")
  report=$(java bench/AllocReport.java "$work/$target.jfr" "$requests" "$TOP")
  kill "$gw"; wait "$gw" 2>/dev/null || true
  bytes=$(bench_field "$(echo "$report" | head -1)" bytes_per_request)
  rate=$(awk '/Requests\/sec/ {printf "%d", $2}' "$work/$target.wrk")
  rows+=("| $target | $bytes | $requests | $rate |")
  # the report's table by library (its second table) for this target
  details+=("### $target" "" "$(echo "$report" | awk '/^#### By library/ {on = 1} on && /^#### By first frame/ {exit} on')" "")
  echo "$target: $bytes bytes per request"
done

{
  echo "# Allocation floor, $stamp"
  echo
  echo "Command: \`bash bench/floor.sh\` (WARMUP=$WARMUP, DURATION=$DURATION, CONC=$CONC, JAVA_OPTS='$JAVA_OPTS')"
  echo
  echo "- $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1); Caravan $rev"
  echo "- every target: POST /v1beta/models/gemini-2.5-flash:generateContent with the 1 KB body of run.sh and alloc.sh,"
  echo "  against the same static upstream; bytes are every thread's over the window, per request wrk completed in it"
  echo "  (requests/s are unpinned and only say the window was busy: run.sh measures speed)"
  echo
  echo "| target | bytes per request | requests in the window | req/s |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${rows[@]}"
  echo
  echo "vertx: a Vert.x HttpServer and HttpClient, nothing else. camel: camel-main, one YAML route (bench/floor/"
  echo "floor.camel.yaml) on platform-http from the event loop, one asynchronous step calling the same HttpClient, JMX"
  echo "and stream caching off. camel-worker: that route on platform-http's stock consumer (a worker thread per request)."
  echo "camel-cached: camel with Camel's stream caching on, its default (Caravan turns it off). caravan: the"
  echo "gateway, as alloc.sh measures its Gemini surface (token, key, circuit breaker, request log, metrics)."
  echo
  echo "## Sites by library, per target"
  echo
  printf '%s\n' "${details[@]}"
} > "$out"
echo "wrote $out"
sed -n 1,20p "$out"
