#!/usr/bin/env bash
# Caravan's soak: a bounded run of steady mixed traffic (10 minutes by default) against Caravan pointed at a local
# upstream with failing keys, sampling Caravan's RSS, heap and the error rate every 10 s into a dated results file
# under bench/results/, and reporting the RSS slope (MB per minute, least squares). Nothing leaves loopback.
# Needs: nginx, wrk, python3, curl (apt-get install -y nginx-light wrk) and target/caravan.jar built from this tree.
#
# The upstream is bench/run.sh's (nginx serving a static Gemini answer, bench/sse_upstream.py behind it for streams)
# plus keys that fail the way Google's do, chosen by nginx on the x-goog-api-key Caravan sends:
#   soak-key-1..4   answer                                  soak-key-quota      429 per-minute quota, retry in 2 s
#   soak-key-flaky  503 UNAVAILABLE on 30% of calls          soak-key-throttled  429 without details
#   soak-key-invalid  400 API_KEY_INVALID
# The traffic (wrk, paced): generateContent, OpenAI chat completions, SSE streams on both surfaces, embeddings and
# the model list; beside it, HELD long streams (20 events, 500 ms apart) open at all times; every minute the keys
# out of rotation are reset through the admin API, so the failing keys keep failing.
#
# Knobs (environment): MINUTES (10), SAMPLE (10, seconds), CONC (20 connections), DELAY_MS (20 ms between two
# requests of a connection: about CONC*1000/DELAY_MS requests/s at most), HELD (50), WARMUP (30s, not sampled), PIN (1:
# Caravan on core 0, load on core 1), JAVA_OPTS (default: the Dockerfile's flags, read from it).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

MINUTES=${MINUTES:-10}
SAMPLE=${SAMPLE:-10}
CONC=${CONC:-20}
DELAY_MS=${DELAY_MS:-20}
HELD=${HELD:-50}
WARMUP=${WARMUP:-30s}
PIN=${PIN:-1}
. bench/lib.sh
JAVA_OPTS=${JAVA_OPTS:-$(bench_deployed_flags)}
UP=18281; SSE=18283; GW=18280; MGMT=18289
TOKEN=soak-token
ADMIN=soak-admin-token-0123456789
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
busy_before=$(ps -eo pcpu,comm --sort=-pcpu | awk 'NR>1 && NR<=6 {printf "%s %s%%; ", $2, $1}')
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/$stamp-soak.md

if [ "$PIN" = 1 ] && [ "$(nproc)" -ge 2 ]; then
  GW_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"
else
  GW_CPU=""; LOAD_CPU=""
fi
for tool in nginx wrk python3 curl java; do
  command -v $tool >/dev/null || { echo "missing $tool: apt-get install -y nginx-light wrk" >&2; exit 1; }
done
[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

pids=()
loops=()
# the background loops first (and the client each one runs now), then Caravan and the upstreams
stop_loops() {
  for p in "${loops[@]:-}"; do
    [ -n "$p" ] || continue
    children=$(pgrep -P "$p" || true)
    kill "$p" 2>/dev/null || true
    [ -n "$children" ] && kill $children 2>/dev/null || true
  done
  loops=()
}
cleanup() {
  stop_loops
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  nginx -p "$work" -c up.conf -s stop 2>/dev/null || true
}
trap cleanup EXIT

# --- the upstream: bench/run.sh's, plus keys that fail as Google's do ---
body=$(tr -d '\n' < bench/generate-content-response.json)
models='{"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash"}]}'
embeddings='{"embeddings":[{"values":[0.013,-0.008,0.021,0.004]}]}'
quota='{"error":{"code":429,"message":"You exceeded your current quota.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier","quotaDimensions":{"location":"global","model":"gemini-2.5-flash"},"quotaValue":"10"}]},{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}}'
throttled='{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}'
invalid='{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com","metadata":{"service":"generativelanguage.googleapis.com"}}]}}'
unavailable='{"error":{"code":503,"message":"The model is overloaded. Please try again later.","status":"UNAVAILABLE"}}'
cat > "$work/up.conf" <<CONF
worker_processes 1;
error_log $work/up-error.log;
pid $work/up.pid;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work;
  proxy_temp_path $work;
  map \$http_x_goog_api_key \$fate {
    default ok;
    soak-key-quota quota;
    soak-key-throttled throttled;
    soak-key-invalid invalid;
    soak-key-flaky flaky;
  }
  split_clients "\${request_id}" \$coin { 30% fail; * pass; }
  server {
    listen 127.0.0.1:$UP backlog=4096;
    default_type application/json;
    set \$flaky "\$fate\$coin";
    if (\$fate = quota) { return 429 '$quota'; }
    if (\$fate = throttled) { return 429 '$throttled'; }
    if (\$fate = invalid) { return 400 '$invalid'; }
    if (\$flaky = flakyfail) { return 503 '$unavailable'; }
    location ~ :streamGenerateContent {
      proxy_pass http://127.0.0.1:$SSE;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
    location ~ :batchEmbedContents { return 200 '$embeddings'; }
    location ~ /models\$ { return 200 '$models'; }
    location / { return 200 '$body'; }
  }
}
CONF
$LOAD_CPU python3 bench/sse_upstream.py $SSE 3 10 20 500 & pids+=($!)
$LOAD_CPU nginx -p "$work" -c up.conf

# --- Caravan, as deployed ---
env API_KEYS='["soak-key-1","soak-key-2","soak-key-3","soak-key-4","soak-key-quota","soak-key-flaky","soak-key-throttled","soak-key-invalid"]' \
  ALLOWED_TOKENS="[\"$TOKEN\"]" AUTH_TOKEN=$ADMIN SQLITE_DATABASE="$work/soak.db" MANAGEMENT_PORT=$MGMT PORT=$GW \
  BASE_URL="http://127.0.0.1:$UP/v1beta" LOG_LEVEL=WARN \
  java $JAVA_OPTS -jar target/caravan.jar > "$work/caravan.log" 2>&1 & gw=$!; pids+=($gw)
# served, not only listening: a 404 while the routes start does not count
until curl -sf -o /dev/null -H "x-goog-api-key: $TOKEN" "http://127.0.0.1:$GW/v1beta/models"; do sleep 0.1; done
[ -n "$GW_CPU" ] && taskset -a -p -c 0 "$gw" > /dev/null

# --- the traffic ---
cat > "$work/mixed.lua" <<'LUA'
-- one connection walks a fixed mix, starting at a random place, and pauses DELAY_MS between two requests
local pause = tonumber(os.getenv("DELAY_MS") or "20")
local mix, i = {}, 0
local native = '{"contents":[{"role":"user","parts":[{"text":"A caravan of forty camels crossed the dunes at dusk. Where was it going?"}]}]}'
local chat = '{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Where was the caravan going?"}]}'
local chatStream = '{"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"Tell me about the caravan."}]}'
local embed = '{"model":"text-embedding-004","input":"a caravan at dusk"}'
local function add(weight, method, path, headers, body)
  for _ = 1, weight do mix[#mix + 1] = wrk.format(method, path, headers, body) end
end
function init(args)
  local g = {["content-type"] = "application/json", ["x-goog-api-key"] = "soak-token"}
  local o = {["content-type"] = "application/json", ["authorization"] = "Bearer soak-token"}
  add(8, "POST", "/v1beta/models/gemini-2.5-flash:generateContent", g, native)
  add(5, "POST", "/v1/chat/completions", o, chat)
  add(2, "POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", g, native)
  add(2, "POST", "/v1/chat/completions", o, chatStream)
  add(2, "POST", "/v1/embeddings", o, embed)
  add(1, "GET", "/v1beta/models", {["x-goog-api-key"] = "soak-token"}, nil)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16))
  i = math.random(#mix)
end
function request()
  i = i % #mix + 1
  return mix[i]
end
function delay()
  return pause
end
LUA
export DELAY_MS

held_loop() {
  while true; do
    $LOAD_CPU python3 bench/stream_client.py hold \
      "http://127.0.0.1:$GW/v1beta/models/long-gemini:streamGenerateContent?alt=sse" "$HELD" $TOKEN $gw \
      >> "$work/held.log" 2>&1 || echo "streams=0 errors=1 failed_run=1" >> "$work/held.log"
  done
}
reset_loop() {
  while sleep 60; do
    python3 - "$GW" "$ADMIN" >> "$work/resets.log" 2>&1 <<'PY' || true
import json, sys, urllib.request
gw, token = sys.argv[1], sys.argv[2]
def call(method, path, body=None):
    req = urllib.request.Request("http://127.0.0.1:%s%s" % (gw, path), method=method,
                                 data=None if body is None else json.dumps(body).encode(),
                                 headers={"authorization": "Bearer " + token, "content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)
out = [k["fingerprint"] for k in call("GET", "/admin/api/keys?state=out&size=100")["keys"]]
if out:
    call("POST", "/admin/api/keys/actions", {"action": "reset", "fingerprints": out})
print("reset=%d" % len(out))
PY
  done
}

rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' /proc/$gw/status; }
heap() {
  curl -s "http://127.0.0.1:$MGMT/observe/metrics" |
    awk '/^jvm_memory_used_bytes\{.*area="heap"/ {s += $NF} END {printf "%.1f", s/1048576}'
}
# wrk → "requests non2xx socket_errors"
slice() {
  $LOAD_CPU wrk -t2 -c"$CONC" -d"$1" -s "$work/mixed.lua" "http://127.0.0.1:$GW" | awk '
    / requests in / {req=$1} /Non-2xx/ {bad=$NF}
    /Socket errors/ {gsub(",", ""); sock=$4+$6+$8+$10}
    END {printf "%d %d %d\n", req, bad+0, sock+0}'
}

echo "warm-up $WARMUP ..."
held_loop & loops+=($!)
slice "$WARMUP" > /dev/null
: > "$work/held.log"
reset_loop & loops+=($!)

samples=$(( MINUTES * 60 / SAMPLE ))
echo "soak: $MINUTES min, a sample every $SAMPLE s ..."
rows=""
start=$(date +%s)
for n in $(seq 1 "$samples"); do
  read -r req bad sock < <(slice "${SAMPLE}s")
  t=$(( $(date +%s) - start ))
  r=$(rss); h=$(heap)
  rate=$(awk "BEGIN {printf \"%.3f\", ($req > 0 ? 100 * ($bad + $sock) / $req : 100)}")
  rows+="$t $r $h $req $bad $sock $rate"$'\n'
  printf '%4ds rss %6s MB heap %6s MB %7d requests %5d non-2xx %4d socket errors %6s%%\n' \
    "$t" "$r" "$h" "$req" "$bad" "$sock" "$rate"
done
stop_loops
held_runs=$(grep -c '^streams=' "$work/held.log" || true)
held_streams=$(awk -F'[ =]' '/^streams=/ {s += $2} END {print s+0}' "$work/held.log")
held_errors=$(awk -F'[ =]' '/^streams=/ {e += $4} END {print e+0}' "$work/held.log")
resets=$(awk -F= '/^reset=/ {n++; k += $2} END {printf "%d resets of %d keys in all", n, k}' "$work/resets.log" 2>/dev/null || echo none)
final_rss=$(rss)
final_heap=$(heap)
caravan_errors=$(grep -c -E ' (ERROR|WARN) ' "$work/caravan.log" || true)
# what the failing keys did: Caravan's own request log (attempts and verdicts), read after the run
attempts=$(python3 - "$work/soak.db" <<'PY' 2>&1 || true
import collections, json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("select attempt_count, attempts from request_log").fetchall()
per_request = collections.Counter(n for n, _ in rows)
verdicts = collections.Counter()
for _, a in rows:
    for attempt in json.loads(a or "[]"):
        verdicts["%s %s" % (attempt.get("status"), attempt.get("verdict"))] += 1
print("requests logged: %d; by attempts: %s" % (len(rows), ", ".join("%d: %d" % kv for kv in sorted(per_request.items()))))
print("attempts by upstream status and verdict: %s" % ", ".join("%s: %d" % kv for kv in verdicts.most_common()))
PY
)

# least squares over (minutes, MB): whole run, and its second half (past warm-up effects)
slope() {
  awk -v from="$1" 'NF && $1 >= from {x = $1 / 60; n++; sx += x; sy += $2; sxx += x * x; sxy += x * $2}
    END {d = n * sxx - sx * sx; if (n < 2 || d == 0) print "n/a"; else printf "%+.3f", (n * sxy - sx * sy) / d}'
}
slope_all=$(echo "$rows" | slope 0)
slope_half=$(echo "$rows" | slope $(( MINUTES * 30 )))
totals=$(echo "$rows" | awk 'NF {req += $4; bad += $5; sock += $6; if ($2 > peak) peak = $2; if (min == "" || $2 < min) min = $2}
  END {printf "%d %d %d %.1f %.1f %.4f", req, bad, sock, min, peak, (req ? 100 * (bad + sock) / req : 0)}')
read -r total_req total_bad total_sock min_rss peak_rss total_rate <<< "$totals"

{
  echo "# Caravan soak, $stamp"
  echo
  echo "Command: \`bash bench/soak.sh\` (MINUTES=$MINUTES, SAMPLE=${SAMPLE}s, CONC=$CONC, DELAY_MS=$DELAY_MS, HELD=$HELD, WARMUP=$WARMUP, PIN=$PIN, JAVA_OPTS='$JAVA_OPTS')"
  echo
  echo "## Machine"
  echo "- $(nproc) cores: $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/ {print $2}') GiB memory"
  echo "- background load before the run: load average $load_before; busiest processes: $busy_before"
  echo "- $(java -version 2>&1 | head -1); Caravan $(git rev-parse --short HEAD)"
  echo "- pinning: $( [ -n "$GW_CPU" ] && echo 'Caravan (after its start) on core 0; wrk, the upstreams and the stream clients on core 1' || echo none)"
  echo
  echo "## Traffic"
  echo "- wrk, $CONC connections, $DELAY_MS ms between two requests of a connection: generateContent 8, OpenAI chat 5,"
  echo "  Gemini SSE stream 2, OpenAI chat stream 2, OpenAI embeddings 2, model list 1 (of 20)"
  echo "- $HELD long streams (20 events, 500 ms apart) held open all along: $held_runs rounds, $held_streams streams, $held_errors errors"
  echo "- keys: 4 that answer; one 429 per-minute quota (retry in 2 s), one 429 without details, one 503 on 30% of"
  echo "  calls, one 400 API_KEY_INVALID; keys out of rotation reset every minute through the admin API: $resets"
  echo
  echo "## Result"
  echo "- **RSS slope: $slope_all MB/min over the whole run; $slope_half MB/min over its second half** (least squares)"
  echo "- RSS from $min_rss to $peak_rss MB (at the end $final_rss MB); heap used at the end $final_heap MB"
  echo "- $total_req requests, $total_bad non-2xx, $total_sock socket errors: error rate $total_rate %"
  echo "- WARN/ERROR lines in Caravan's log: $caravan_errors"
  echo "$attempts" | sed 's/^/- /'
  echo "- (status 499 rows are clients that left: wrk ends each 10 s slice in the middle of its requests)"
  echo
  echo "## Samples (every ${SAMPLE} s)"
  echo
  echo "| t (s) | RSS (MB) | heap used (MB) | requests | non-2xx | socket errors | error rate (%) |"
  echo "|---|---|---|---|---|---|---|"
  echo "$rows" | awk 'NF {printf "| %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7}'
  if [ "$caravan_errors" != 0 ]; then
    echo
    echo "## Caravan's WARN/ERROR lines (first 20)"
    echo
    echo '```'
    grep -E ' (ERROR|WARN) ' "$work/caravan.log" | head -20
    echo '```'
  fi
} > "$out"
cat "$out"
