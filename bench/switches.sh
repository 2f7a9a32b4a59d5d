#!/usr/bin/env bash
# Load-insensitive counts for issue 16: context switches per request (all of Caravan's threads, voluntary and not) at
# concurrency 1 and 64, and Caravan's live threads while 64 streams are open. Counts, not speeds: they hold on a busy
# machine. Usage: bash bench/switches.sh [jar] (default target/caravan.jar); SECONDS_PER_STEP (10s), BASE_PORT (18190).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=${1:-target/caravan.jar}
SECONDS_PER_STEP=${SECONDS_PER_STEP:-10s}
BASE=${BASE_PORT:-18190}; UP=$((BASE+1)); SSE=$((BASE+3)); GW=$BASE; MGMT=$((BASE+9)); TOKEN=bench-token
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  nginx -p "$work" -c up.conf -s stop 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM
. bench/lib.sh
bench_upstream_conf "$work" $UP $SSE
python3 bench/sse_upstream.py $SSE 3 10 20 500 & pids+=($!)
nginx -p "$work" -c up.conf
env API_KEYS='["bench-key-1","bench-key-2","bench-key-3","bench-key-4"]' ALLOWED_TOKENS="[\"$TOKEN\"]" \
  AUTH_TOKEN=bench-admin-token-1234 SQLITE_DATABASE="$work/bench.db" MANAGEMENT_PORT=$MGMT PORT=$GW \
  BASE_URL="http://127.0.0.1:$UP/v1beta" LOG_LEVEL=WARN MAX_RETRIES=1 \
  java $(bench_deployed_flags) -jar "$JAR" > "$work/caravan.log" 2>&1 & gw=$!; pids+=($gw)
native="http://127.0.0.1:$GW/v1beta/models/gemini-2.5-flash:generateContent"
until curl -s -o /dev/null -H "x-goog-api-key: $TOKEN" -H 'content-type: application/json' -d '{"contents":[]}' "$native"; do
  kill -0 $gw 2>/dev/null || { tail -3 "$work/caravan.log" >&2; exit 1; }
  sleep 0.05
done
cat > "$work/native.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-goog-api-key"] = "$TOKEN"
wrk.body = '{"contents":[{"role":"user","parts":[{"text":"A caravan of forty camels crossed the dunes at dusk."}]}]}'
LUA
switches() { cat /proc/$gw/task/*/status 2>/dev/null | awk '/ctxt_switches/ {s += $2} END {print s}'; }
wrk -t1 -c16 -d15s -s "$work/native.lua" "$native" > /dev/null   # warm-up
for c in 1 64; do
  before=$(switches)
  done_requests=$(wrk -t1 -c$c -d"$SECONDS_PER_STEP" -s "$work/native.lua" "$native" | awk '/requests in/ {print $1}')
  after=$(switches)
  echo "c=$c: $done_requests requests, $(( after - before )) context switches, $(awk "BEGIN {printf \"%.2f\", ($after-$before)/$done_requests}") per request"
done
threads_idle=$(ls /proc/$gw/task | wc -l)
python3 bench/stream_client.py hold "http://127.0.0.1:$GW/v1beta/models/long-gemini:streamGenerateContent?alt=sse" 64 $TOKEN $gw \
  > "$work/hold.txt" & holder=$!
sleep 5
threads_open=$(ls /proc/$gw/task | wc -l)
wait $holder
echo "threads: $threads_idle before, $threads_open with 64 streams open ($(cat "$work/hold.txt"))"
