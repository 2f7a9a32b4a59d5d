#!/usr/bin/env bash
# Quick overhead check (issue 2's figures): start time, idle RSS, and the p50 latency that Caravan adds to a
# generateContent call compared with calling a fixed-response upstream (nginx) directly, at concurrency 1.
# Needs nginx and wrk (apt-get install -y nginx-light wrk) and a built target/caravan.jar.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
up_port=${UP_PORT:-18081}
gw_port=${GW_PORT:-18080}
duration=${DURATION:-10s}
warmup=${WARMUP:-15s}

cleanup() { [ -n "${gw_pid:-}" ] && kill "$gw_pid" 2>/dev/null; nginx -p "$work" -c nginx.conf -s stop 2>/dev/null || true; }
trap cleanup EXIT

body=$(tr -d '\n' < bench/generate-content-response.json)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
error_log $work/error.log;
pid $work/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work;
  server {
    listen 127.0.0.1:$up_port;
    location / { default_type application/json; return 200 '$body'; }
  }
}
CONF
nginx -p "$work" -c nginx.conf

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-goog-api-key"] = "bench-token"
wrk.body = '{"contents":[{"role":"user","parts":[{"text":"Write one sentence about caravans crossing a desert at night."}]}],"generationConfig":{"temperature":0.2}}'
LUA

start=$(date +%s%N)
API_KEYS='["bench-key-1","bench-key-2","bench-key-3"]' ALLOWED_TOKENS='["bench-token"]' AUTH_TOKEN=bench-admin-token-1234 \
  PORT=$gw_port BASE_URL="http://127.0.0.1:$up_port/v1beta" LOG_LEVEL=WARN \
  java -jar target/caravan.jar > "$work/caravan.log" 2>&1 &
gw_pid=$!
url="http://127.0.0.1:$gw_port/v1beta/models/gemini-2.5-flash:generateContent"
until curl -s -o /dev/null -H 'x-goog-api-key: bench-token' -H 'content-type: application/json' \
      -d '{"contents":[]}' "$url"; do sleep 0.02; done
ready=$(date +%s%N)
echo "start to first served request: $(( (ready - start) / 1000000 )) ms"
sleep 2
echo "idle RSS: $(( $(awk '/VmRSS/ {print $2}' /proc/$gw_pid/status) / 1024 )) MB"

echo "warm-up $warmup ..."
wrk -t1 -c1 -d"$warmup" -s "$work/post.lua" "$url" > /dev/null
echo "--- upstream directly (c=1) ---"
wrk -t1 -c1 -d"$duration" --latency -s "$work/post.lua" "http://127.0.0.1:$up_port/v1beta/models/gemini-2.5-flash:generateContent" | grep -E "Latency|50%|99%|Requests/sec"
echo "--- through Caravan (c=1) ---"
wrk -t1 -c1 -d"$duration" --latency -s "$work/post.lua" "$url" | grep -E "Latency|50%|99%|Requests/sec"
echo "RSS after load: $(( $(awk '/VmRSS/ {print $2}' /proc/$gw_pid/status) / 1024 )) MB"
