#!/usr/bin/env bash
# JMH benchmark of the key pool (pick + report at 10,000 keys; one thread and four contending threads).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests install
(cd bench/jmh && mvn -B -q -DskipTests package)
java -jar bench/jmh/target/benchmarks.jar -rf text -rff "${JMH_OUT:-/dev/stdout}" "$@"
