#!/usr/bin/env bash
# Where the gateway's CPU goes at concurrency 64 (issue 16): the same static upstream and request bodies as run.sh
# (bench/lib.sh), Caravan pinned to core 0 and wrk to core 1, a warm-up, then `perf record` on Caravan's process
# while wrk drives generateContent requests. Java frames are named from the JIT's perf map (jcmd Compiler.perfmap).
# Writes bench/results/<UTC time>-profile[-LABEL].md with the top frames by own CPU time, CPU by thread group, and
# the requests/s wrk saw during the recording (perf slows the gateway a little; compare profiles, not speeds).
# Needs nginx, wrk, perf (Debian's linux-perf), python3, a JDK with jcmd.
#
# Knobs (environment): WARMUP (15s), WARMUP_ROUNDS (3 wrk runs), DURATION (15s of recording), CONC (64), SURFACE (native | openai),
# JAVA_OPTS (none: the plain java -jar), JFR (a file: also keep a flight recording of the run there), LABEL (a word in the file name, e.g. before/after), TOP (40 frames),
# SETTLE (12 rounds of 5 s at most after the warm-up, until the JIT's threads are nearly idle).
set -euo pipefail
cd "$(dirname "$0")/.."
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

WARMUP=${WARMUP:-15s}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-3}
DURATION=${DURATION:-15}
CONC=${CONC:-64}
SURFACE=${SURFACE:-native}
JAVA_OPTS=${JAVA_OPTS:-}
LABEL=${LABEL:-}
TOP=${TOP:-40}
. bench/lib.sh
bench_require "apt-get install -y nginx-light wrk linux-perf" nginx wrk perf python3 java jcmd taskset
UP=$(bench_free_port); GW=$(bench_free_port); MGMT=$(bench_free_port)
work=$(mktemp -d)
stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
rev="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src routes application.properties || echo ' + uncommitted changes')"
out=bench/results/$stamp-profile${LABEL:+-$LABEL}.md

[ -f target/caravan.jar ] || mvn -B -q -DskipTests package

pids=()
trap 'bench_stop "$work"' EXIT

bench_upstream_conf "$work" $UP
taskset -c 1 nginx -p "$work" -c up.conf
bench_wrk_bodies "$work"

native="http://127.0.0.1:$GW/v1beta/models/gemini-2.5-flash:generateContent"
openai="http://127.0.0.1:$GW/v1/chat/completions"
if [ "$SURFACE" = openai ]; then url=$openai; script=$work/openai.lua; else url=$native; script=$work/native.lua; fi
# shellcheck disable=SC2086
bench_caravan "$work" $UP $GW $MGMT taskset -c 0 java -XX:+PreserveFramePointer \
  ${JFR:+-XX:StartFlightRecording=name=profile,settings=profile} $JAVA_OPTS -jar target/caravan.jar

# the warm-up reconnects a few times: a new wrk's connections take paths the first run never saw, and the JIT's
# recompilation of the event loop's hot code would otherwise fall into the recording
echo "warm-up $WARMUP in $WARMUP_ROUNDS rounds ..."
for _ in $(seq "$WARMUP_ROUNDS"); do
  taskset -c 1 wrk -t1 -c"$CONC" -d"$(( ${WARMUP%s} / WARMUP_ROUNDS ))s" -s "$script" "$url" > /dev/null
done
# then until the JIT has settled: on one core a slow VM may still be compiling after the warm-up, and C2 then
# takes a third of the recording. Rounds of 5 s under load until the compiler threads used under 5% of one, at most
# SETTLE rounds (12: a minute)
settled=$(bench_settle $gw "${SETTLE:-12}" 5 taskset -c 1 wrk -t1 -c"$CONC" -d5s -s "$script" "$url")
echo "recording ${DURATION}s (JIT settled: $settled) ..."
taskset -c 1 wrk -t1 -c"$CONC" -d"$((DURATION + 2))s" -s "$script" "$url" > "$work/wrk.txt" & load=$!
perf record -q -F 997 -g -p $gw -o "$work/perf.data" -- sleep "$DURATION" 2> "$work/perf.err" || true
wait $load
# the JIT's symbol map for perf, written after the recording so that it names what ran hot
jcmd $gw Compiler.perfmap > /dev/null
# JFR=<file>: a flight recording (profile settings: deoptimizations, allocations, locks) of the whole run, kept there
[ -z "${JFR:-}" ] || jcmd $gw JFR.dump name=profile filename="$(realpath -m "$JFR")" > /dev/null

rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
# CPU time per request, from the samples (997 a second of CPU) and the requests served while perf recorded: a figure
# other load on the machine moves far less than requests/s, so runs on a busy machine still compare
cpu_us=$(perf report -i "$work/perf.data" --stdio -n -g none --sort pid 2>/dev/null | grep -v '^#' \
  | awk -v rps="$rps" -v d="$DURATION" '$3 ~ /^[0-9]+$/ {n+=$3; if ($0 !~ /Compiler/) m+=$3}
      END {if (rps > 0) printf "%.1f µs (%.1f µs without the JIT compiler threads)", n/997*1e6/(rps*d), m/997*1e6/(rps*d)}')
{
  echo "# Caravan CPU profile, $stamp${LABEL:+ ($LABEL)}"
  echo
  echo "Command: \`bash bench/profile.sh\` (SURFACE=$SURFACE, CONC=$CONC, DURATION=${DURATION}s, WARMUP=$WARMUP, JAVA_OPTS='$JAVA_OPTS'); Caravan $rev"
  echo
  echo "- machine: $(nproc) cores, load before the run $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- JIT settled before the recording (its threads under 5% of a core for 5 s): $settled"
  echo "- requests/s during the recording (perf attached): $rps"
  echo "- CPU time per request: $cpu_us"
  echo
  echo "## CPU by thread group"
  echo
  echo '```'
  perf report -i "$work/perf.data" --stdio -g none --no-children --sort comm 2>/dev/null | grep -v '^#' | grep -v '^$' \
    | sed -E 's/-[0-9]+$//' | awk '{p=$1; $1=""; sub(/^ +/,""); gsub(/[0-9]+$/,"N"); a[$0]+=p+0} END {for (k in a) printf "%6.2f%%  %s\n", a[k], k}' \
    | sort -rn | sed -n 1,20p
  echo '```'
  echo
  echo "## Top $TOP frames by own CPU time"
  echo
  echo '```'
  perf report -i "$work/perf.data" --stdio -g none --no-children --sort dso,symbol 2>/dev/null | grep -E '^ +[0-9.]+%' | sed -n "1,${TOP}p" \
    | cut -c1-200
  echo '```'
} > "$out"
echo "wrote $out"
cat "$out"
