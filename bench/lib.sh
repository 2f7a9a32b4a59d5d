# Shared by the benchmark scripts (bench/run.sh, alloc.sh, switches.sh): the static upstream every one of them
# measures against, and the request bodies wrk sends, so that their figures are comparable. Source it from the
# project folder: `. bench/lib.sh`.

# bench_upstream_conf WORK UP SSE: an nginx config in WORK/up.conf that answers as Google does, on 127.0.0.1:UP:
# generateContent with bench/generate-content-response.json, the model list, and streams proxied to
# bench/sse_upstream.py on port SSE (a script that sends no stream may leave it out).
bench_upstream_conf() {
  local work=$1 up=$2 sse=${3:-9} body models
  body=$(tr -d '\n' < bench/generate-content-response.json)
  models='{"models":[{"name":"models/gemini-2.5-flash","displayName":"Gemini 2.5 Flash"}]}'
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
  server {
    listen 127.0.0.1:$up backlog=4096;
    location ~ :streamGenerateContent {
      proxy_pass http://127.0.0.1:$sse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
    location ~ /models\$ { default_type application/json; return 200 '$models'; }
    location / { default_type application/json; return 200 '$body'; }
  }
}
CONF
}

# bench_wrk_bodies WORK: WORK/native.lua (a 1 KB generateContent) and WORK/openai.lua (a chat completion), both with
# the client token bench-token.
bench_wrk_bodies() {
  local work=$1
  cat > "$work/native.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-goog-api-key"] = "bench-token"
local parts = {}
for i = 1, 16 do parts[#parts + 1] = '{"text":"A caravan of forty camels crossed the dunes at dusk, its bells ringing over the sand."}' end
wrk.body = '{"contents":[{"role":"user","parts":[' .. table.concat(parts, ",") .. ']}],"generationConfig":{"temperature":0.2}}'
LUA
  cat > "$work/openai.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer bench-token"
wrk.body = '{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"A caravan of forty camels crossed the dunes at dusk, its bells ringing over the sand. Tell me where it was going, in one sentence, and why the camels were tired. Then name the oasis."}],"temperature":0.2}'
LUA
}
