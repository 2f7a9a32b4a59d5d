#!/usr/bin/env bash
# Bytes allocated per non-streamed request, and where. Starts a fixed-response upstream (nginx serving run.sh's
# static Gemini answer) and Caravan in front of it, warms Caravan up with wrk, then records a Java Flight Recorder
# window while wrk drives generateContent requests (and, separately, OpenAI chat completions). Reports:
#   - bytes per request: the exact bytes every thread allocated in the window (jdk.ThreadAllocationStatistics at the
#     window's start and end) over the requests Caravan counted in it (caravan_requests_total);
#   - what collecting that garbage cost: the collections in the window and their pauses, per request and as a share
#     of the CPU time the gateway's process used in the window (/proc), the JIT compiler's threads apart;
#   - the top allocation sites (jdk.ObjectAllocationSample weights, grouped by the first frame of Caravan, Camel,
#     Vert.x/Netty, Jackson or Micrometer code, and by the allocating frame): bench/AllocReport.java.
# Allocation counts do not depend on the machine's load the way requests/s do: a loaded machine gives the same bytes
# per request. Writes bench/results/<UTC time>-alloc.md. Needs nginx, wrk, python3 (free ports), a JDK with jcmd.
#
# Knobs (environment): WARMUP (20s), DURATION (15s per surface), CONC (16), JAVA_OPTS (none: the plain java -jar),
# DEPLOYED (1: as the Docker image runs it, its Java and its JVM flags, in place of JAVA_OPTS),
# LABEL (a word in the results file name, e.g. before/after), TOP (25 sites), KEEP (1: keep the recordings),
# THROTTLE (2000/s: JFR's allocation samples; more gives finer site tables at some cost to the measured run).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

WARMUP=${WARMUP:-20s}
DURATION=${DURATION:-15s}
CONC=${CONC:-16}
JAVA_OPTS=${JAVA_OPTS:-}
DEPLOYED=${DEPLOYED:-}
LABEL=${LABEL:-}
TOP=${TOP:-25}
THROTTLE=${THROTTLE:-2000/s}
. bench/lib.sh
bench_require "apt-get install -y nginx-light wrk" nginx wrk python3 java jcmd
JAVA=java
if [ "$DEPLOYED" = 1 ]; then
  JAVA=$(bench_deployed_java)
  JAVA_OPTS=$(bench_deployed_flags)
fi
# the recording is driven by the jcmd of the JVM it records
JCMD=$(dirname "$(command -v "$JAVA")")/jcmd
UP=$(bench_free_port); GW=$(bench_free_port); MGMT=$(bench_free_port)
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src routes application.properties || echo ' + uncommitted changes')"
out=bench/results/$stamp-alloc${LABEL:+-$LABEL}.md

[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

pids=()
trap 'bench_stop "$work"' EXIT

bench_upstream_conf "$work" $UP
nginx -p "$work" -c up.conf

native="http://127.0.0.1:$GW/v1beta/models/gemini-2.5-flash:generateContent"
openai="http://127.0.0.1:$GW/v1/chat/completions"
# JFR keeps 64 frames of a stack by default, and a request's are deeper (Netty, Vert.x, then Camel's steps): cut
# there, a sample loses the Caravan frames the site tables name; the recording's setting costs no bytes per request
# shellcheck disable=SC2086
bench_caravan "$work" $UP $GW $MGMT "$JAVA" -XX:FlightRecorderOptions:stackdepth=512 $JAVA_OPTS -jar target/caravan.jar

# the same request bodies as run.sh
bench_wrk_bodies "$work"

# the recording: exact per-thread allocation counters at the window's start and end, and sampled allocation sites
bench_alloc_jfc "$work/alloc.jfc" "$THROTTLE"

requests() {
  curl -s "http://127.0.0.1:$MGMT/observe/metrics" | awk '/^caravan_requests_total\{/ {s += $NF} END {printf "%d", s}'
}

echo "warm-up $WARMUP ..."
wrk -t1 -c"$CONC" -d"$WARMUP" -s "$work/native.lua" "$native" > /dev/null
wrk -t1 -c"$CONC" -d5s -s "$work/openai.lua" "$openai" > /dev/null
sleep 1

# one window per surface: "surface bytes requests"
window() {
  local name=$1 script=$2 url=$3
  local before after cpu jit
  before=$(requests)
  "$JCMD" $gw JFR.start name=$name settings="$work/alloc.jfc" filename="$work/$name.jfr" > /dev/null
  cpu=$(bench_cpu_ticks $gw); jit=$(bench_jit_ticks $gw)
  wrk -t1 -c"$CONC" -d"$DURATION" -s "$script" "$url" > "$work/$name.wrk"
  echo "$(( ($(bench_cpu_ticks $gw) - cpu) * 1000 / $(getconf CLK_TCK) ))" > "$work/$name.cpu"
  echo "$(( ($(bench_jit_ticks $gw) - jit) * 1000 / $(getconf CLK_TCK) ))" > "$work/$name.jit"
  "$JCMD" $gw JFR.stop name=$name > /dev/null
  sleep 1
  after=$(requests)
  echo "$((after - before))" > "$work/$name.requests"
}
window native "$work/native.lua" "$native"
window openai "$work/openai.lua" "$openai"

report() {
  "$JAVA" -Dcpu.ms="$(cat "$work/$1.cpu")" -Djit.ms="$(cat "$work/$1.jit")" bench/AllocReport.java "$work/$1.jfr" "$(cat "$work/$1.requests")" "$TOP"
}

native_report=$(report native)
openai_report=$(report openai)
bpr() { bench_field "$(echo "$1" | head -1)" bytes_per_request; }
reqs() { bench_field "$(echo "$1" | head -1)" requests; }
{
  echo "# Caravan allocation per request, $stamp${LABEL:+ ($LABEL)}"
  echo
  echo "Command: \`bash bench/alloc.sh\` (WARMUP=$WARMUP, DURATION=$DURATION, CONC=$CONC, JAVA_OPTS='$JAVA_OPTS')"
  echo
  echo "- $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg); $("$JAVA" -version 2>&1 | head -1); Caravan $rev"
  echo "- Gemini surface (generateContent, 1 KB body): **$(bpr "$native_report") bytes per request** over $(reqs "$native_report") requests"
  echo "- OpenAI surface (chat completion): **$(bpr "$openai_report") bytes per request** over $(reqs "$openai_report") requests"
  echo
  echo "Bytes and the split by thread are exact (per-thread TLAB counters of every thread over the window, background"
  echo "threads included). The sites are JFR's allocation samples scaled to that total: a sample's weight is what its"
  echo "thread allocated since its previous sample, so a site can be credited with its neighbours' bytes; read the"
  echo "site tables as where to look, and the thread table and totals as the measurement."
  echo
  echo "## Gemini surface"
  echo
  echo '```'
  echo "$native_report" | head -1
  echo '```'
  echo "$native_report" | tail -n +2
  echo
  echo "## OpenAI surface"
  echo
  echo '```'
  echo "$openai_report" | head -1
  echo '```'
  echo "$openai_report" | tail -n +2
} > "$out"
echo "wrote $out"
head -8 "$out"
