#!/usr/bin/env bash
# Issue 15's choice of a shared store (README "Scale out"): how long a key-state change made on one replica takes to be
# in force on another, through Redis pub/sub (Caravan's own shared key state, dev.caravan.cluster.SharedKeyState) and
# through a MariaDB table that every replica polls. Writes bench/results/<UTC time>-shared-store.md.
# Needs the machine's Redis (127.0.0.1:6379) and MariaDB (127.0.0.1:3306, root without a password), java and mvn.
# Knobs (environment): SHARED_CHANGES (400), SHARED_GAP_MS (5), SHARED_POLL_MS (100,10), REDIS_URL, MYSQL_URL.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
mkdir -p bench/results
out=bench/results/$stamp-shared-store.md
if [ ! -f target/caravan.jar ] || [ ! -f target/test-classes/dev/caravan/bench/SharedStoreBench.class ]; then
  mvn -B -q -DskipTests package
fi
{
  echo "# Shared store: propagation of a key-state change between two replicas ($stamp)"
  echo
  echo "- machine: $(nproc) cores, load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "- ${SHARED_CHANGES:-400} changes, ${SHARED_GAP_MS:-5} ms apart; staleness = from the change on replica A to it being"
  echo "  in force on replica B (one JVM, one clock)"
  echo
  java -XX:+UseSerialGC -Xmx256m -cp target/test-classes:target/caravan.jar dev.caravan.bench.SharedStoreBench 2>/dev/null
} | tee "$out"
echo "wrote $out" >&2
