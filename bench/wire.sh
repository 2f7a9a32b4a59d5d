#!/usr/bin/env bash
# Latency at concurrency 1 twice over: as wrk sees it and on the wire (issue 16's added p50 and p99), and the time
# to first streamed byte on the wire. The tail wrk reports on this machine comes mostly from waking wrk itself, and
# it hits nginx as a reverse proxy as hard as Caravan; tcpdump on the loopback interface stamps each segment as it is
# sent, so the proxy's own time (request in → answer out, less the upstream's part) can be read without it. nginx as
# a reverse proxy, Caravan's Gemini surface and its OpenAI surface are measured in turns, round by round, with the
# order rotating, so that what the machine does meanwhile falls on all three; then nginx and Caravan each relay
# STREAMS streams one after the other (run.sh's time-to-first-byte client: a new connection each), in turns too.
# Writes bench/results/<UTC time>-wire[-LABEL].md.
# Needs nginx, wrk, tcpdump (root or CAP_NET_RAW) and python3: apt-get install -y nginx-light wrk tcpdump.
#
# Knobs (environment): ROUNDS (5), DURATION (10s per measurement; tcpdump records the middle SAMPLE seconds, 6),
# STREAMS (200 per round and proxy; 0: no stream measurement),
# WARMUP (60s over both surfaces and concurrency 1, 16 and 64), PIN (1: Caravan and the proxy on core 0, wrk and the
# upstream on core 1), JAVA_OPTS (empty: a plain java -jar; "DEPLOYED": the Dockerfile's flags), LABEL.
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
. bench/lib.sh
bench_require "apt-get install -y nginx-light wrk tcpdump" nginx wrk tcpdump python3 java
[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-10s}
SAMPLE=${SAMPLE:-6}
STREAMS=${STREAMS:-200}
WARMUP=${WARMUP:-60s}
PIN=${PIN:-1}
JAVA_OPTS=${JAVA_OPTS:-}
[ "$JAVA_OPTS" = DEPLOYED ] && JAVA_OPTS=$(bench_deployed_flags)
LABEL=${LABEL:-}
GW_CPU=""; LOAD_CPU=""
if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then GW_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"; fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/$stamp-wire${LABEL:+-$LABEL}.md
rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src routes application.properties || echo ' + uncommitted changes')"
UP=$(bench_free_port); PROXY=$(bench_free_port); GW=$(bench_free_port); MGMT=$(bench_free_port); SSE=$(bench_free_port)

pids=()
cleanup() {
  nginx -p "$work/proxy" -c proxy.conf -s stop 2>/dev/null || true
  bench_stop "$work"
}
trap cleanup EXIT

bench_upstream_conf "$work" "$UP" "$SSE"
$LOAD_CPU python3 bench/sse_upstream.py "$SSE" 3 10 20 500 & pids+=($!)
$LOAD_CPU nginx -p "$work" -c up.conf
bench_proxy_conf "$work" "$PROXY" "$UP"
$GW_CPU nginx -p "$work/proxy" -c proxy.conf
# shellcheck disable=SC2086
bench_caravan "$work" "$UP" "$GW" "$MGMT" java $JAVA_OPTS -jar target/caravan.jar
# started on both cores as a user would; pinned (every thread) only for the measurements, as in run.sh
[ -n "$GW_CPU" ] && taskset -a -p -c 0 "$gw" > /dev/null
bench_wrk_bodies "$work"
# wrk's percentiles beyond its own report (p50 to p99.9), from a done hook
cat > "$work/pct.lua" <<'LUA'
done = function(summary, latency, requests)
  local p = {}
  for _, q in ipairs({50, 90, 95, 98, 99, 99.9}) do p[#p + 1] = string.format("%.3f", latency:percentile(q) / 1000) end
  io.write(string.format("rps=%.0f wrk=%s\n", summary.requests / (summary.duration / 1e6), table.concat(p, ",")))
end
LUA
cat "$work/native.lua" "$work/pct.lua" > "$work/native-pct.lua"
cat "$work/openai.lua" "$work/pct.lua" > "$work/openai-pct.lua"

native_path=/v1beta/models/gemini-2.5-flash:generateContent
stream_path="/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
echo "warm-up $WARMUP ..."
slice=$(( (${WARMUP%s} + 5) / 6 ))
for c in 64 16 1; do
  $LOAD_CPU wrk -t1 -c$c -d${slice}s -s "$work/native.lua" "http://127.0.0.1:$GW$native_path" > /dev/null
  $LOAD_CPU wrk -t1 -c$c -d${slice}s -s "$work/openai.lua" "http://127.0.0.1:$GW/v1/chat/completions" > /dev/null
done

# measure NAME PORT SCRIPT PATH → "rps=… wrk=… requests=… in_out=… upstream=… own=…"
measure() {
  local name=$1 port=$2 script=$3 path=$4 lead=$(( (${DURATION%s} - SAMPLE) / 2 ))
  $LOAD_CPU wrk -t1 -c1 -d"$DURATION" -s "$script" "http://127.0.0.1:$port$path" > "$work/$name.wrk" &
  local load=$!
  sleep "$lead"
  timeout "$SAMPLE" tcpdump -i lo -nn -s 96 -B 16384 -w "$work/$name.pcap" \
    "(tcp port $port or tcp port $UP) and (tcp[tcpflags] & tcp-push != 0)" 2> /dev/null || true
  wait "$load"
  echo "$(tail -1 "$work/$name.wrk") $(tcpdump -r "$work/$name.pcap" -nn -tt 2> /dev/null \
    | python3 bench/wire_latency.py "$port" "$UP")"
}

targets=(proxy gemini openai)
results=""
for round in $(seq 1 "$ROUNDS"); do
  for i in 0 1 2; do
    t=${targets[$(( (i + round - 1) % 3 ))]}
    case $t in
      proxy) line=$(measure proxy "$PROXY" "$work/native-pct.lua" "$native_path") ;;
      gemini) line=$(measure gemini "$GW" "$work/native-pct.lua" "$native_path") ;;
      openai) line=$(measure openai "$GW" "$work/openai-pct.lua" /v1/chat/completions) ;;
    esac
    echo "round $round $t: $line"
    results+="$round $t $line"$'\n'
  done
done

# stream NAME PORT → "ttfb=median_ms,p90_ms streams=… in_out=… upstream=… own=…": STREAMS streams one after the other
stream() {
  local name=$1 port=$2
  $LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$port$stream_path" 20 bench-token > /dev/null
  tcpdump -i lo -nn -s 512 -B 16384 -w "$work/$name-stream.pcap" \
    "(tcp port $port or tcp port $UP) and (tcp[tcpflags] & tcp-push != 0)" 2> /dev/null &
  local cap=$!
  sleep 0.5
  local client
  client=$($LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$port$stream_path" "$STREAMS" bench-token)
  sleep 0.5
  kill "$cap"; wait "$cap" 2> /dev/null || true
  echo "ttfb=$(bench_field "$client" ttfb_median_ms),$(bench_field "$client" ttfb_p90_ms) $(tcpdump -r \
    "$work/$name-stream.pcap" -nn -tt -A 2> /dev/null | python3 bench/wire_latency.py --stream "$port" "$UP")"
}
streamed=""
if [ "$STREAMS" -gt 0 ]; then
  # the plain requests above made the JIT recompile the event loop's code for them: streams again first, as run.sh
  # does before its own time-to-first-byte measurement
  $LOAD_CPU wrk -t1 -c16 -d${slice}s -s "$work/native.lua" "http://127.0.0.1:$GW$stream_path" > /dev/null
  for round in $(seq 1 "$ROUNDS"); do
    order="proxy gemini"; [ $((round % 2)) = 0 ] && order="gemini proxy"
    for t in $order; do
      port=$PROXY; [ "$t" = gemini ] && port=$GW
      line=$(stream "$t" "$port")
      echo "round $round $t streams: $line"
      streamed+="$round $t $line"$'\n'
    done
  done
fi

# the report: every measurement, then per target the median over the rounds of each percentile
report=$(python3 - "$results" "$streamed" <<'PY'
import statistics, sys
rows = []
for line in sys.argv[1].strip().splitlines():
    f = line.split()
    kv = dict(x.split("=", 1) for x in f[2:])
    rows.append((int(f[0]), f[1], kv))
names = {"proxy": "nginx reverse proxy", "gemini": "Caravan, Gemini surface", "openai": "Caravan, OpenAI surface"}
cols = "p50 · p90 · p95 · p98 · p99 · p99.9"
print("| round | target | req/s | wrk: " + cols + " | on the wire, request in → answer out | of which the upstream | the proxy's own |")
print("|---|---|---:|---|---|---|---|")
for r, t, kv in rows:
    dot = lambda s: s.replace(",", " · ")
    print("| %d | %s | %s | %s | %s | %s | %s |" % (r, names[t], kv["rps"], dot(kv["wrk"]), dot(kv["in_out"]),
                                               dot(kv["upstream"]), dot(kv["own"])))
print()
print("Medians over the rounds (ms):")
print()
print("| target | wrk p50 | wrk p99 | wire in → out p50 | p99 | own p50 | own p99 | own p99.9 |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
med = {}
for t in ("proxy", "gemini", "openai"):
    sel = [kv for _, tt, kv in rows if tt == t]
    m = lambda key, i: statistics.median(float(kv[key].split(",")[i]) for kv in sel)
    med[t] = {k: [m(k, i) for i in range(6)] for k in ("wrk", "in_out", "own")}
    v = med[t]
    print("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |" % (names[t], v["wrk"][0], v["wrk"][4],
          v["in_out"][0], v["in_out"][4], v["own"][0], v["own"][4], v["own"][5]))
print()
for t in ("gemini", "openai"):
    print("- %s adds over nginx, on the wire (own time, medians): p50 %+.3f ms, p99 %+.3f ms; as wrk sees it: p50 %+.3f ms, p99 %+.3f ms"
          % (names[t], med[t]["own"][0] - med["proxy"]["own"][0], med[t]["own"][4] - med["proxy"]["own"][4],
             med[t]["wrk"][0] - med["proxy"]["wrk"][0], med[t]["wrk"][4] - med["proxy"]["wrk"][4]))
streams = []
for line in sys.argv[2].strip().splitlines():
    f = line.split()
    streams.append((int(f[0]), f[1], dict(x.split("=", 1) for x in f[2:])))
if streams:
    print()
    print("Time to first streamed event (ms): the client's (stream_client.py: median · p90) and on the wire")
    print("(request in → first event out, the upstream's part, the proxy's own: p50 · p90 · p95 · p98 · p99 · p99.9):")
    print()
    print("| round | proxy | client median · p90 | streams | wire, in → first event | of which the upstream | the proxy's own |")
    print("|---|---|---|---:|---|---|---|")
    for r, t, kv in streams:
        dot = lambda s: s.replace(",", " · ")
        print("| %d | %s | %s | %s | %s | %s | %s |" % (r, names[t], dot(kv["ttfb"]), kv.get("streams", "0"),
              dot(kv.get("in_out", "")), dot(kv.get("upstream", "")), dot(kv.get("own", ""))))
    print()
    sm = {}
    for t in ("proxy", "gemini"):
        sel = [kv for _, tt, kv in streams if tt == t and "own" in kv]
        sm[t] = (statistics.median(float(kv["ttfb"].split(",")[0]) for kv in sel),
                 statistics.median(float(kv["own"].split(",")[0]) for kv in sel))
    print("- time to first event, medians over the rounds: nginx's own %.3f ms, Caravan's own %.3f ms on the wire"
          " (client: %.3f and %.3f ms)" % (sm["proxy"][1], sm["gemini"][1], sm["proxy"][0], sm["gemini"][0]))
PY
)

{
  echo "# Caravan latency at concurrency 1, by wrk and on the wire, $stamp${LABEL:+ ($LABEL)}"
  echo
  echo "Command: \`bash bench/wire.sh\` (ROUNDS=$ROUNDS, DURATION=$DURATION, SAMPLE=${SAMPLE}s, WARMUP=$WARMUP, PIN=$PIN, JAVA_OPTS='$JAVA_OPTS')"
  echo
  echo "- $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load average before: $load_before"
  echo "- $(java -version 2>&1 | head -1); Caravan $rev"
  echo "- wrk: the latency the client measured. On the wire: tcpdump's send stamps on the loopback interface (segments"
  echo "  with data): request in → answer out at the proxy's port, the upstream's part of it, and the difference, the"
  echo "  proxy's own time. Percentiles in ms: p50 · p90 · p95 · p98 · p99 · p99.9."
  echo
  echo "$report"
} > "$out"
echo "wrote $out"
tail -8 "$out"
