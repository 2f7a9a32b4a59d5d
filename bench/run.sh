#!/usr/bin/env bash
# Caravan's benchmark: one machine, one run. Starts a fixed-response upstream (nginx serving a static Gemini
# answer, and a paced SSE upstream behind it), nginx as a plain reverse proxy (the floor for any proxy) and
# Caravan, then drives the upstream directly, through nginx and through Caravan side by side with wrk.
# Writes a dated results file under bench/results/. Needs: nginx, wrk, python3 (apt-get install -y nginx-light wrk).
#
# Knobs (environment): DURATION (10s per measurement), WARMUP (120s over every load shape, twice: what the JIT
# compiles for each shape; the report gives the compiler's CPU during the warm-up's second pass and during the
# concurrency-1 runs), SETTLE (12: after the warm-up, at most this many 10 s rounds of the concurrency-1
# load, until the JIT compiler threads used under 1% of a core in one), PIN (1: gateway on core 0, load on core 1),
# STREAMS (1000 held streams), ROUNDS64 (3: concurrency 64 again in turns, nginx and both surfaces, for the ratios' spread), JAVA_OPTS (JVM flags for Caravan; by default the Dockerfile's, read from it: serial GC, a heap of
# 64 to 320 MB, native-heap trimming, and a class-data-sharing archive that this script makes with one training start, as the image build does).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-120s}
PIN=${PIN:-1}
STREAMS=${STREAMS:-1000}
ROUNDS64=${ROUNDS64:-3}
SETTLE=${SETTLE:-12}
JAVA_OPTS=${JAVA_OPTS-DEFAULT}
UP=18181; PROXY=18182; SSE=18183; GW=18180
TOKEN=bench-token
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
busy_before=$(ps -eo pcpu,comm --sort=-pcpu | awk 'NR>1 && NR<=6 {printf "%s %s%%; ", $2, $1}')
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/$stamp.md

if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  GW_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"
else
  GW_CPU=""; LOAD_CPU=""
fi
. bench/lib.sh
bench_require "apt-get install -y nginx-light wrk" nginx wrk python3 java
[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

pids=()
cleanup() {
  nginx -p "$work/proxy" -c proxy.conf -s stop 2>/dev/null || true
  bench_stop "$work"
}
trap cleanup EXIT

bench_upstream_conf "$work" $UP $SSE
bench_proxy_conf "$work" "$PROXY" "$UP"

$LOAD_CPU python3 bench/sse_upstream.py $SSE 3 10 20 500 & pids+=($!)
$LOAD_CPU nginx -p "$work" -c up.conf
$GW_CPU nginx -p "$work/proxy" -c proxy.conf

# --- Caravan: start to first served request (plain `java -jar`, then as deployed), idle RSS ---
native="http://127.0.0.1:$GW/v1beta/models/gemini-2.5-flash:generateContent"
caravan_env() {
  exec env API_KEYS='["bench-key-1","bench-key-2","bench-key-3","bench-key-4"]' ALLOWED_TOKENS="[\"$TOKEN\"]" \
    AUTH_TOKEN=bench-admin-token-1234 SQLITE_DATABASE="$work/bench.db" MANAGEMENT_PORT=18189 PORT=$GW \
    BASE_URL="http://127.0.0.1:$UP/v1beta" LOG_LEVEL=WARN MAX_RETRIES=1 "$@"
}
wait_served() {
  until curl -s -o /dev/null -H "x-goog-api-key: $TOKEN" -H 'content-type: application/json' -d '{"contents":[]}' "$native"; do
    sleep 0.01
  done
}
# as deployed: the Dockerfile's Java and flags, with a class-data-sharing archive trained as the image build trains it
JAVA=java
if [ "$JAVA_OPTS" = DEFAULT ]; then
  JAVA=$(bench_deployed_java)
  JAVA_OPTS="$(bench_deployed_flags) -XX:SharedArchiveFile=$work/caravan.jsa"
fi
# start_once JAVA FLAGS...: starts Caravan with the archive's training on, waits for it to serve (served_ms: how long
# that took), makes it serve a chat completion (classes of both surfaces in the archive), stops it
start_once() {
  local java=$1 start
  shift
  start=$(date +%s%N)
  caravan_env "$java" "$@" -XX:ArchiveClassesAtExit="$work/caravan.jsa" -jar target/caravan.jar > "$work/train.log" 2>&1 &
  train=$!
  wait_served
  served_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  curl -s -o /dev/null -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}]}' "http://127.0.0.1:$GW/v1/chat/completions"
  kill $train; wait $train 2>/dev/null || true
  while curl -s -o /dev/null "http://127.0.0.1:$GW/"; do sleep 0.05; done
}
# one start on an empty database, timed, with the machine's java as a newcomer runs it; it trains the archive too,
# unless the deployed Java is another one: then a start of that Java with its flags trains it
start_once java
plain_startup_ms=$served_ms
if [ "$JAVA" != java ]; then
  rm -f "$work/caravan.jsa"
  # shellcheck disable=SC2046
  start_once "$JAVA" $(bench_deployed_flags)
fi
start=$(date +%s%N)
caravan_env "$JAVA" $JAVA_OPTS -jar target/caravan.jar > "$work/caravan.log" 2>&1 & gw=$!; pids+=($gw)
wait_served
startup_ms=$(( ($(date +%s%N) - start) / 1000000 ))
# started on both cores as a user would; pinned (every thread) only for the measurements that follow
[ -n "$GW_CPU" ] && taskset -a -p -c 0 "$gw" > /dev/null
sleep 3
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$gw/status; }
idle_rss=$(rss)

bench_wrk_bodies "$work"

# the warm-up runs every load shape the measurements use, twice over: each new shape (a surface, a concurrency, new
# connections) takes paths the JIT has not seen and makes it recompile the event loop's hot code, which would
# otherwise happen inside a measurement. Streams are a load shape too: their path (the SSE relay) stays interpreted
# until the JIT has seen it thousands of times, which alone added a millisecond to the time to first byte. Two minutes:
# after one (the former default) the compiler was still busy (hundreds of compilations and deoptimisations in the next
# 10 s, by -XX:+PrintCompilation), and the first concurrency-1 run's p99 by wrk was 2.5-3.0 ms where later ones gave
# 1.3-1.8 ms; after two, every run gave 1.5-1.8 ms. The compiler's CPU is read over the second pass and the
# concurrency-1 runs, so that a report shows whether it had settled
echo "warm-up $WARMUP (both surfaces, every concurrency, streams, twice) ..."
stream_path="/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
slice=$(( (${WARMUP%s} + 13) / 14 ))
for pass in 1 2; do
  if [ "$pass" = 2 ]; then jit_pass2=$(bench_jit_ticks $gw); fi
  for c in 64 16 1; do
    $LOAD_CPU wrk -t1 -c$c -d${slice}s -s "$work/native.lua" "$native" > /dev/null
    $LOAD_CPU wrk -t1 -c$c -d${slice}s -s "$work/openai.lua" "http://127.0.0.1:$GW/v1/chat/completions" > /dev/null
  done
  $LOAD_CPU wrk -t1 -c16 -d${slice}s -s "$work/native.lua" "http://127.0.0.1:$GW$stream_path" > /dev/null
done
jit_warm=$(( $(bench_jit_ticks $gw) - jit_pass2 ))
# then the concurrency-1 load the p99 is measured with, in rounds, until the compiler used under 1% of the core in
# one: two minutes were not always enough. One run still gave the compiler 460 ms (2% of the core) during the
# concurrency-1 runs, and the Gemini surface's p99 was 3.0 ms, where runs of the same code with 60-120 ms there gave
# 1.2-1.7 ms (bench/results/2026-12-03T192259Z.md against …T170920Z.md); each compilation takes the core from the
# event loop for milliseconds
settle_load() {
  $LOAD_CPU wrk -t1 -c1 -d5s -s "$work/native.lua" "$native"
  $LOAD_CPU wrk -t1 -c1 -d5s -s "$work/openai.lua" "http://127.0.0.1:$GW/v1/chat/completions"
}
settle_start=$(date +%s)
jit_settled=$(bench_settle $gw "$SETTLE" 1 settle_load)
settle_s=$(( $(date +%s) - settle_start ))

# wrk → "rps p50_ms p99_ms"
measure() {
  local c=$1 script=$2 url=$3 threads=1
  [ "$c" -ge 16 ] && threads=2
  $LOAD_CPU wrk -t$threads -c"$c" -d"$DURATION" --latency -s "$script" "$url" | awk '
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /^ +50%/ {p50=ms($2)} /^ +99%/ {p99=ms($2)} /^Requests\/sec/ {rps=$2}
    /Non-2xx/ {bad=$NF} END {printf "%.0f %.3f %.3f %s\n", rps, p50, p99, (bad==""?0:bad)}'
}

rows=""
load_rss=0
jit_runs=""
for c in 1 16 64; do
  d=$(measure $c "$work/native.lua" "http://127.0.0.1:$UP/v1beta/models/gemini-2.5-flash:generateContent")
  n=$(measure $c "$work/native.lua" "http://127.0.0.1:$PROXY/v1beta/models/gemini-2.5-flash:generateContent")
  jit_before=$(bench_jit_ticks $gw)
  g=$(measure $c "$work/native.lua" "$native")
  r=$(rss); [ "$r" -gt "$load_rss" ] && load_rss=$r
  o=$(measure $c "$work/openai.lua" "http://127.0.0.1:$GW/v1/chat/completions")
  # the JIT's CPU in each concurrency's pair of Caravan runs, to tell a recompilation (the compiler shares the event
  # loop's core) from a swing of the machine when a pair comes out below the rounds at concurrency 64 further down
  jit_pair=$(( $(bench_jit_ticks $gw) - jit_before ))
  jit_runs+="$c=$jit_pair "
  if [ "$c" = 1 ]; then jit_c1=$jit_pair; fi
  r=$(rss); [ "$r" -gt "$load_rss" ] && load_rss=$r
  rows+="$c|$d|$n|$g|$o"$'\n'
done

# --- concurrency 1 by a blocking client (bench/keepalive_client.py): the same requests, one kept-alive connection,
# direct, nginx and both surfaces in turn. wrk's event loop reports a tail at concurrency 1 here several times what
# this client and the wire show, for any proxy, so the report gives both ---
blocking() {
  local url=$1 body=$2
  shift 2
  $LOAD_CPU python3 bench/keepalive_client.py "$url" "$body" "${DURATION%s}" "$@"
}
gen_path=${native#http://127.0.0.1:$GW}
b1d=$(blocking "http://127.0.0.1:$UP$gen_path" "$work/native.json" "content-type: application/json" "x-goog-api-key: $TOKEN")
b1n=$(blocking "http://127.0.0.1:$PROXY$gen_path" "$work/native.json" "content-type: application/json" "x-goog-api-key: $TOKEN")
b1g=$(blocking "$native" "$work/native.json" "content-type: application/json" "x-goog-api-key: $TOKEN")
b1o=$(blocking "http://127.0.0.1:$GW/v1/chat/completions" "$work/openai.json" "content-type: application/json" \
  "authorization: Bearer $TOKEN")

# --- concurrency 64 again, in turns: nginx and both surfaces round by round, the order rotating, so that a swing of
# this machine (nginx alone has moved from 19,500 to 38,000 req/s between runs) falls on all three; each round gives
# its own ratios, and the report gives their median and range ---
rounds64=""
jit_rounds_before=$(bench_jit_ticks $gw)
for round in $(seq 1 "$ROUNDS64"); do
  line=""
  for i in 0 1 2; do
    case $(( (i + round - 1) % 3 )) in
      0) k=n; v=$(measure 64 "$work/native.lua" "http://127.0.0.1:$PROXY/v1beta/models/gemini-2.5-flash:generateContent") ;;
      1) k=g; v=$(measure 64 "$work/native.lua" "$native") ;;
      2) k=o; v=$(measure 64 "$work/openai.lua" "http://127.0.0.1:$GW/v1/chat/completions") ;;
    esac
    line+=" $k=${v%% *}"
  done
  rounds64+="$round$line"$'\n'
done
jit_rounds=$(( $(bench_jit_ticks $gw) - jit_rounds_before ))

# --- streams: added time to first byte, then many streams held at once ---
# the measurements above made the JIT recompile for plain requests: streams again before their own measurement
$LOAD_CPU wrk -t1 -c16 -d${slice}s -s "$work/native.lua" "http://127.0.0.1:$GW$stream_path" > /dev/null
$LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$UP$stream_path" 50 $TOKEN > /dev/null
$LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$GW$stream_path" 50 $TOKEN > /dev/null
ttfb_direct=$($LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$UP$stream_path" 300 $TOKEN)
ttfb_proxy=$($LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$PROXY$stream_path" 300 $TOKEN)
ttfb_gw=$($LOAD_CPU python3 bench/stream_client.py ttfb "http://127.0.0.1:$GW$stream_path" 300 $TOKEN)
held=$($LOAD_CPU python3 bench/stream_client.py hold \
  "http://127.0.0.1:$GW/v1beta/models/long-gemini:streamGenerateContent?alt=sse" "$STREAMS" $TOKEN $gw)
after_rss=$(rss)

td=$(bench_field "$ttfb_direct" ttfb_median_ms); tp=$(bench_field "$ttfb_proxy" ttfb_median_ms)
tg=$(bench_field "$ttfb_gw" ttfb_median_ms)

{
  echo "# Caravan benchmark, $stamp"
  echo
  echo "Command: \`bash bench/run.sh\` (DURATION=$DURATION, WARMUP=$WARMUP, PIN=$PIN, STREAMS=$STREAMS, JAVA_OPTS='$JAVA_OPTS')"
  echo
  echo "## Machine"
  echo "- $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB memory"
  echo "- background load before the run: load average $load_before; busiest processes: $busy_before"
  echo "- as measured: $("$JAVA" -version 2>&1 | head -1); a newcomer's start: $(java -version 2>&1 | head -1); Caravan $(git rev-parse --short HEAD)"
  echo "- pinning: $( [ -n "$GW_CPU" ] && echo 'Caravan (after its start) and the reverse-proxy nginx on core 0; wrk, the upstream nginx and the SSE upstream on core 1' || echo none)"
  echo
  echo "## Requests (1 KB generateContent POST; OpenAI chat completion on /v1/chat/completions)"
  echo
  echo "| c | upstream direct req/s · p50 · p99 (ms) | nginx reverse proxy | Caravan, Gemini surface | Caravan, OpenAI surface |"
  echo "|---|---|---|---|---|"
  while IFS='|' read -r c d n g o; do
    [ -z "$c" ] && continue
    f() { set -- $1; echo "$1 · $2 · $3$( [ "${4:-0}" != 0 ] && echo " ($4 non-2xx)")"; }
    echo "| $c | $(f "$d") | $(f "$n") | $(f "$g") | $(f "$o") |"
  done <<< "$rows"
  echo
  c1d=$(echo "$rows" | awk -F'|' '$1==1 {split($2,a," "); print a[2]}')
  c1n=$(echo "$rows" | awk -F'|' '$1==1 {split($3,a," "); print a[2]}')
  c1g=$(echo "$rows" | awk -F'|' '$1==1 {split($4,a," "); print a[2]}')
  c1o=$(echo "$rows" | awk -F'|' '$1==1 {split($5,a," "); print a[2]}')
  echo "Added p50 at c=1 over calling the upstream directly: nginx $(awk "BEGIN {printf \"%.3f\", $c1n-$c1d}") ms,"
  echo "Caravan Gemini surface $(awk "BEGIN {printf \"%.3f\", $c1g-$c1d}") ms, Caravan OpenAI surface $(awk "BEGIN {printf \"%.3f\", $c1o-$c1d}") ms."
  echo
  tick_ms=$(( 1000 / $(getconf CLK_TCK) ))
  echo "JIT compiler CPU (bench_jit_ticks): $(( jit_warm * tick_ms )) ms over the warm-up's second pass;" \
    "$(( jit_c1 * tick_ms )) ms during Caravan's two concurrency-1 runs; settled after the warm-up (under 1% of a core" \
    "for a 10 s round of the concurrency-1 load): $jit_settled, after ${settle_s} s of such rounds." \
    "During the table's pair of Caravan runs at each concurrency (ms): $(for kv in $jit_runs; do
      printf 'c=%s %s; ' "${kv%%=*}" $(( ${kv#*=} * tick_ms )); done)during the rounds at concurrency 64 below (the" \
    "nginx runs included): $(( jit_rounds * tick_ms )) ms."
  echo
  echo "## Concurrency 1 by a blocking client (bench/keepalive_client.py, $DURATION each)"
  echo
  echo "| target | req/s | p50 ms | p90 | p99 | p99.9 | added p50 | added p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for t in "upstream direct|$b1d" "nginx reverse proxy|$b1n" "Caravan, Gemini surface|$b1g" "Caravan, OpenAI surface|$b1o"; do
    v=${t#*|}
    echo "| ${t%%|*} | $(bench_field "$v" rps) | $(bench_field "$v" p50) | $(bench_field "$v" p90) | $(bench_field "$v" p99) | $(bench_field "$v" p999) | $(awk "BEGIN {printf \"%.3f\", $(bench_field "$v" p50)-$(bench_field "$b1d" p50)}") | $(awk "BEGIN {printf \"%.3f\", $(bench_field "$v" p99)-$(bench_field "$b1d" p99)}") |"
  done
  echo
  if [ -n "$rounds64" ]; then
    echo "## Concurrency 64 in turns ($ROUNDS64 rounds after the table above, order rotating; req/s)"
    echo
    echo "$rounds64" | awk 'NF {
      for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      rg = v["g"] / v["n"] * 100; ro = v["o"] / v["n"] * 100; g[NR] = rg; o[NR] = ro; n++
      printf "- round %d: nginx %d, Caravan Gemini %d (%.1f%%), OpenAI %d (%.1f%%)\n", $1, v["n"], v["g"], rg, v["o"], ro
    }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END {
      # median() sorts its array, so the range is read after it
      mg = median(g, n); mo = median(o, n)
      printf "\nShare of nginx'"'"'s req/s, median of the rounds (range): Gemini surface %.1f%% (%.1f-%.1f), OpenAI surface %.1f%% (%.1f-%.1f)\n",
        mg, g[1], g[n], mo, o[1], o[n]
    }'
    echo
  fi
  echo "## Streams"
  echo "- time to first byte (median of 300): direct $td ms, nginx $tp ms, Caravan $tg ms; added by Caravan $(awk "BEGIN {printf \"%.3f\", $tg-$td}") ms"
  echo "- $STREAMS streams held at once through Caravan (20 events, 500 ms apart): $held"
  echo
  echo "## Memory and start"
  echo "- start to first served request: $startup_ms ms as deployed (JAVA_OPTS above); $plain_startup_ms ms with a plain \`java -jar\` and an empty database"
  echo "- RSS idle: $idle_rss MB; under request load (peak sampled): $load_rss MB; with $STREAMS open streams: see peak_rss_mb above; after: $after_rss MB"
} > "$out"
cat "$out"
