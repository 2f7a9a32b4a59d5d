# Shared by the benchmark scripts (bench/run.sh, alloc.sh, profile.sh, switches.sh): the static upstream every one of
# them measures against, the request bodies wrk sends, so that their figures are comparable, and the set-up and
# clean-up they have in common. Source it from the project folder: `. bench/lib.sh`.

# bench_require HINT TOOL...: stops the script, saying HINT (how to install them), when a tool is missing.
bench_require() {
  local hint=$1 tool
  shift
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool: $hint" >&2; exit 1; }
  done
}

# bench_deployed_flags: the JVM flags of the Dockerfile's ENTRYPOINT, less its class-data-sharing archive (a path in
# the image), so that the scripts measure Caravan as deployed and never drift from the Dockerfile.
bench_deployed_flags() {
  sed -n 's/^ENTRYPOINT \["java", \(.*\), "-jar".*/\1/p' Dockerfile | tr -d '",' | tr ' ' '\n' \
    | grep -v -e '^-XX:SharedArchiveFile=' -e '^-Xshare:' | paste -sd' '
}

# bench_deployed_java: the java command of the Java the Dockerfile's run stage has (FROM eclipse-temurin:<major>-jre):
# the machine's own java when it is that major version, else a JDK of it under /usr/lib/jvm; stops the script when
# the machine has none, since flags such as -XX:+UseCompactObjectHeaders exist only from that version on.
bench_deployed_java() {
  local major have candidate
  major=$(sed -n 's/^FROM eclipse-temurin:\([0-9]*\)-jre.*/\1/p' Dockerfile | tail -1)
  have=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ "$have" = "$major" ]; then
    echo java
    return
  fi
  for candidate in /usr/lib/jvm/*-"$major"-*/bin/java /usr/lib/jvm/*-"$major"/bin/java; do
    [ -x "$candidate" ] && { echo "$candidate"; return; }
  done
  echo "the Dockerfile runs Java $major: install a JDK $major under /usr/lib/jvm (java here is $have)" >&2
  exit 1
}

# bench_free_port: a free loopback port, picked now (other runs may hold run.sh's fixed ones).
bench_free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_stop WORK: the clean-up at exit: every process in the caller's pids array, the upstream nginx of WORK, and
# WORK itself unless KEEP is set.
bench_stop() {
  local work=$1 p
  for p in "${pids[@]:-}"; do kill "$p" 2>/dev/null || true; done
  nginx -p "$work" -c up.conf -s stop 2>/dev/null || true
  [ -n "${KEEP:-}" ] || rm -rf "$work"
}

# bench_caravan WORK UP GW MGMT COMMAND...: starts Caravan in the background by COMMAND (java … -jar
# target/caravan.jar, behind any wrapper such as taskset) on port GW, management port MGMT, in front of the upstream on
# UP, with four pool keys, the client token bench-token and its database and log in WORK; adds it to the caller's pids
# as $gw and returns once it serves a generateContent (or stops the script with its log if it dies first).
bench_caravan() {
  local work=$1 up=$2 port=$3 mgmt=$4
  shift 4
  env API_KEYS='["bench-key-1","bench-key-2","bench-key-3","bench-key-4"]' ALLOWED_TOKENS='["bench-token"]' \
    AUTH_TOKEN=bench-admin-token-1234 SQLITE_DATABASE="$work/bench.db" MANAGEMENT_PORT=$mgmt PORT=$port \
    BASE_URL="http://127.0.0.1:$up/v1beta" LOG_LEVEL=WARN MAX_RETRIES=1 "$@" > "$work/caravan.log" 2>&1 &
  gw=$!
  pids+=("$gw")
  until curl -s -o /dev/null -H "x-goog-api-key: bench-token" -H 'content-type: application/json' -d '{"contents":[]}' \
      "http://127.0.0.1:$port/v1beta/models/gemini-2.5-flash:generateContent"; do
    kill -0 "$gw" 2>/dev/null || { cat "$work/caravan.log" >&2; exit 1; }
    sleep 0.05
  done
}

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

# bench_field TEXT NAME: the value of NAME=value in TEXT's words (what stream_client.py, AllocReport and
# wire_latency.py print), or nothing.
bench_field() {
  echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# bench_proxy_conf WORK PROXY UP: WORK/proxy/proxy.conf, nginx as a plain reverse proxy on 127.0.0.1:PROXY of the
# upstream on UP (keep-alive both ways, no buffering): the floor for any proxy that run.sh and wire.sh measure.
bench_proxy_conf() {
  local work=$1 proxy=$2 up=$3
  mkdir -p "$work/proxy"
  cat > "$work/proxy/proxy.conf" <<CONF
worker_processes 1;
error_log $work/proxy/error.log;
pid $work/proxy/proxy.pid;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $work/proxy;
  proxy_temp_path $work/proxy;
  upstream google { server 127.0.0.1:$up; keepalive 256; }
  server {
    listen 127.0.0.1:$proxy backlog=4096;
    location / { proxy_pass http://google; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
CONF
}

# bench_wrk_bodies WORK: the two requests every script sends, each body in a file of its own (WORK/native.json, a
# 1 KB generateContent; WORK/openai.json, a chat completion) that wrk's scripts (WORK/native.lua, WORK/openai.lua, with
# the client token bench-token) and bench/keepalive_client.py both read, so that the two clients send the same bytes.
bench_wrk_bodies() {
  local work=$1 part parts=""
  part='{"text":"A caravan of forty camels crossed the dunes at dusk, its bells ringing over the sand."}'
  for _ in $(seq 16); do parts+="${parts:+,}$part"; done
  printf '%s' '{"contents":[{"role":"user","parts":['"$parts"']}],"generationConfig":{"temperature":0.2}}' > "$work/native.json"
  printf '%s' '{"model":"gemini-2.5-flash","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"A caravan of forty camels crossed the dunes at dusk, its bells ringing over the sand. Tell me where it was going, in one sentence, and why the camels were tired. Then name the oasis."}],"temperature":0.2}' > "$work/openai.json"
  cat > "$work/native.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-goog-api-key"] = "bench-token"
local f = assert(io.open("$work/native.json", "rb"))
wrk.body = f:read("*a")
f:close()
LUA
  cat > "$work/openai.lua" <<LUA
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer bench-token"
local f = assert(io.open("$work/openai.json", "rb"))
wrk.body = f:read("*a")
f:close()
LUA
}

# bench_cpu_ticks PID: CPU time (clock ticks, user + system) process PID has used so far, all its threads.
bench_cpu_ticks() {
  awk '{print $14 + $15}' "/proc/$1/stat"
}

# bench_jit_ticks PID: CPU time (clock ticks, user + system) the JIT compiler threads of process PID have used so far.
# A profile or a measurement taken while they are still busy measures the compiler, not the gateway.
bench_jit_ticks() {
  local t n total=0
  for t in /proc/"$1"/task/*; do
    n=$(cat "$t/comm" 2>/dev/null) || continue
    case "$n" in
      C1\ Compiler*|C2\ Compiler*) total=$((total + $(awk '{print $14 + $15}' "$t/stat"))) ;;
    esac
  done
  echo "$total"
}

# bench_settle PID ROUNDS PERCENT COMMAND...: runs COMMAND (a few seconds of load) again and again until the JIT
# compiler threads of process PID used under PERCENT % of one core while it ran, at most ROUNDS times; prints "yes"
# once they did, "no" if they never did. On one core a slow VM may still be compiling minutes into a run, and a
# measurement taken meanwhile measures the compiler: C2 took a third of a profile's recording, and a p99 at
# concurrency 1 doubled.
bench_settle() {
  local pid=$1 rounds=$2 percent=$3 hz before start used elapsed_ms
  shift 3
  hz=$(getconf CLK_TCK)
  for _ in $(seq "$rounds"); do
    before=$(bench_jit_ticks "$pid")
    start=$(date +%s%N)
    "$@" > /dev/null
    used=$(( $(bench_jit_ticks "$pid") - before ))
    elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    # the compiler's ticks in ms, against PERCENT % of the round's own length
    if [ $(( used * 1000 / hz * 100 )) -lt $(( elapsed_ms * percent )) ]; then echo yes; return; fi
  done
  echo no
}

# bench_alloc_jfc FILE THROTTLE: the Java Flight Recorder settings alloc.sh and floor.sh record with, so that their
# bytes per request compare: every thread's exact allocation counter at the recording's start and end
# (jdk.ThreadAllocationStatistics), allocation sites sampled THROTTLE times (e.g. 2000/s) with their stacks, and
# every garbage collection with its pauses (jdk.GarbageCollection), to tell what the garbage costs in time.
bench_alloc_jfc() {
  cat > "$1" <<JFC
<?xml version="1.0" encoding="UTF-8"?>
<configuration version="2.0" label="alloc">
  <event name="jdk.ThreadAllocationStatistics"><setting name="enabled">true</setting><setting name="period">everyChunk</setting></event>
  <event name="jdk.ObjectAllocationSample"><setting name="enabled">true</setting><setting name="throttle">$2</setting><setting name="stackTrace">true</setting></event>
  <event name="jdk.GarbageCollection"><setting name="enabled">true</setting><setting name="threshold">0 ms</setting></event>
</configuration>
JFC
}
