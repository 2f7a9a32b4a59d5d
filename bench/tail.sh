#!/usr/bin/env bash
# The latency tail at concurrency 1, by percentile (issue 16's p99): Caravan as shipped against the same build with the
# request log's wire tap taken out of routes/endpoints.camel.yaml, both started side by side and measured in turns, so
# that what this machine does meanwhile falls on both. wrk's own report stops at p99; a Lua done hook prints p50 to
# p99.9. Writes bench/results/<UTC time>-tail.md. Needs nginx, wrk and python3 (apt-get install -y nginx-light wrk).
#
# Knobs (environment): DURATION (10s per measurement), WARMUP (30s per load shape, run twice), ROUNDS (3), PIN (1:
# both Caravans on core 0 after their start, wrk and the upstream on core 1), JAVA_OPTS (empty: a plain java -jar),
# CONC and THREADS (1 and 1: wrk's connections and threads in the measurements), OTHER_JAR (a jar of another build:
# compared with this one, both with the wire tap, instead of the variant without it; e.g. the previous commit's, to
# tell a change's effect on speed from the machine's mood, with CONC=64 for throughput), SURFACE (gemini: run.sh's
# generateContent; openai: its chat completion).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_require "apt-get install -y nginx-light wrk" nginx wrk python3 java
[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-30s}
ROUNDS=${ROUNDS:-3}
PIN=${PIN:-1}
JAVA_OPTS=${JAVA_OPTS:-}
CONC=${CONC:-1}
THREADS=${THREADS:-1}
LOAD_CPU=""; [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ] && LOAD_CPU="taskset -c 1"
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
out=bench/results/$stamp-tail.md
pids=()
trap 'bench_stop "$work"' EXIT
UP=$(bench_free_port)
bench_upstream_conf "$work" "$UP"
$LOAD_CPU nginx -p "$work" -c up.conf

# the same jar, settings and routes twice; the second without the wire tap (the step and its four lines of options),
# or the other build's jar with the same routes and settings
OTHER_JAR=${OTHER_JAR:-}
second=no-log
[ -n "$OTHER_JAR" ] && second=other
variants="shipped $second"
for variant in $variants; do
  mkdir -p "$work/$variant"
  cp -r routes application.properties "$work/$variant/"
  cp target/caravan.jar "$work/$variant/"
done
[ -n "$OTHER_JAR" ] && cp "$OTHER_JAR" "$work/other/caravan.jar"
[ -n "$OTHER_JAR" ] || python3 - "$work/no-log/routes/endpoints.camel.yaml" <<'PY'
import sys
path = sys.argv[1]
lines = open(path).read().split("\n")
at = [i for i, line in enumerate(lines) if line.strip() == "- wireTap:"]
if len(at) != 1:
    sys.exit("endpoints.camel.yaml: expected one wireTap step, found %d" % len(at))
indent = len(lines[at[0]]) - len(lines[at[0]].lstrip())
end = at[0] + 1
while end < len(lines) and lines[end].strip() and len(lines[end]) - len(lines[end].lstrip()) > indent:
    end += 1
del lines[at[0]:end]
open(path, "w").write("\n".join(lines))
PY

# run.sh's generateContent request, with a hook that prints the percentiles as a table row
bench_wrk_bodies "$work"
SURFACE=${SURFACE:-gemini}
case "$SURFACE" in
  gemini) script=native.lua; path=/v1beta/models/gemini-2.5-flash:generateContent ;;
  openai) script=openai.lua; path=/v1/chat/completions ;;
  *) echo "SURFACE must be gemini or openai" >&2; exit 1 ;;
esac
cat "$work/$script" - > "$work/tail.lua" <<'LUA'
done = function(summary, latency, requests)
  local cells = { string.format("%.0f", summary.requests / (summary.duration / 1e6)) }
  for _, p in ipairs({ 50, 90, 95, 98, 99, 99.5, 99.9 }) do
    cells[#cells + 1] = string.format("%.2f", latency:percentile(p) / 1000)
  end
  io.write("| " .. table.concat(cells, " | ") .. " |\n")
end
LUA

declare -A port
for variant in $variants; do
  port[$variant]=$(bench_free_port)
  bench_caravan "$work/$variant" "$UP" "${port[$variant]}" "$(bench_free_port)" env -C "$work/$variant" java $JAVA_OPTS -jar caravan.jar
  [ -n "$LOAD_CPU" ] && taskset -a -p -c 0 "$gw" > /dev/null
done
echo "warm-up $WARMUP per shape ..."
for _ in 1 2; do
  for variant in $variants; do
    for c in 64 1; do
      $LOAD_CPU wrk -t1 -c$c -d"$WARMUP" -s "$work/tail.lua" "http://127.0.0.1:${port[$variant]}$path" > /dev/null
    done
  done
done
rows=""
for r in $(seq 1 "$ROUNDS"); do
  # which goes first alternates from round to round: the one measured second did better in every round of some runs,
  # whichever build it was
  order="shipped $second"
  [ $((r % 2)) = 0 ] && order="$second shipped"
  for variant in $order; do
    row=$($LOAD_CPU wrk -t$THREADS -c$CONC -d"$DURATION" -s "$work/tail.lua" "http://127.0.0.1:${port[$variant]}$path" | tail -1)
    rows+="| $r | $variant | ${row#| }"$'\n'
  done
done

{
  echo "# Caravan latency tail at concurrency $CONC, $SURFACE surface, $stamp"
  echo
  echo "Command: \`bash bench/tail.sh\` (DURATION=$DURATION, WARMUP=$WARMUP, ROUNDS=$ROUNDS, PIN=$PIN, CONC=$CONC, THREADS=$THREADS, JAVA_OPTS='$JAVA_OPTS', SURFACE=$SURFACE${OTHER_JAR:+, OTHER_JAR=$OTHER_JAR})"
  echo
  echo "- $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(java -version 2>&1 | head -1); Caravan $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src routes application.properties || echo ' + uncommitted changes')"
  if [ -n "$OTHER_JAR" ]; then
    echo "- shipped: target/caravan.jar; other: $OTHER_JAR; both with routes/ and application.properties as they are here"
  else
    echo "- shipped: routes/ as they are; no-log: the same without the request log's wire tap (no row is written)"
  fi
  echo
  echo "| round | variant | req/s | p50 ms | p90 | p95 | p98 | p99 | p99.5 | p99.9 |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
} > "$out"
cat "$out"
