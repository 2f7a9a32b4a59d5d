#!/usr/bin/env bash
# Caravan's replicas proof and benchmark (issue 15): three replicas (child JVMs) on this box behind nginx as a
# round-robin load balancer, sharing a scratch MariaDB database and the machine's Redis, against the stub Gemini.
# Prints RESULT name=value lines and a Markdown table: the time a settings save on one replica takes to be in force on
# the others, an admin session used on another replica, the calls any replica still sends with a key after one of them
# saw Google refuse it for the day, requests/s of three replicas through nginx against one replica, and the
# request-log rows after a replica is killed mid-load. See bench/README.md "Replicas".
# Needs java, nginx, MariaDB at 127.0.0.1:3306 (root, no password) and Redis at 127.0.0.1:6379; nothing leaves the
# loopback interface; every process it starts is stopped at the end.
#
# Knobs (environment): REPLICAS_SECONDS (10: each load's length), REPLICAS_CLIENTS (16 concurrent clients),
# REPLICAS_REDIS_URL (a random numbered database of the local Redis), REPLICAS_OUT (also write the report there:
# bench/results/<UTC time>-replicas.md when run by hand), REPLICAS_CLASSPATH (the test classpath; the JUnit test
# passes its own, otherwise Maven is asked for it).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in java nginx; do
  command -v $tool >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
cp=${REPLICAS_CLASSPATH:-}
if [ -z "$cp" ]; then
  mvn -B -q test-compile
  mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/test.classpath >/dev/null
  cp="target/test-classes:target/classes:$(cat target/test.classpath)"
fi
out=${REPLICAS_OUT:-}
if [ -z "$out" ] && [ -z "${REPLICAS_CLASSPATH:-}" ]; then
  mkdir -p bench/results
  out=bench/results/$(date -u +%Y-%m-%dT%H%M%SZ)-replicas.md
fi
# the proof's own JVM stays small: the cores belong to the replicas and nginx
status=0
report=$(java -XX:+UseSerialGC -Xmx256m -cp "$cp" dev.caravan.bench.ReplicasProof) || status=$?
echo "$report"
if [ -n "$out" ] && [ "$status" -eq 0 ]; then
  {
    echo "# Replicas: three Caravans behind nginx, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo
    echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown); $(nproc) cores, load before the run" \
         "$(cut -d' ' -f1-3 /proc/loadavg); REPLICAS_SECONDS=${REPLICAS_SECONDS:-10}, REPLICAS_CLIENTS=${REPLICAS_CLIENTS:-16}."
    echo "Replicas, nginx, the stub, MariaDB, Redis and the load share the machine's cores: throughput is a ratio on one"
    echo "loaded box, not a scaling figure."
    echo
    echo "$report" | grep -v '^RESULT '
  } > "$out"
  echo "wrote $out" >&2
fi
exit $status
