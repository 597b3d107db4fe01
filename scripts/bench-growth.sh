#!/usr/bin/env bash
# Growth benchmarks (docs/BENCHMARKS.md, "Growth"): idle poll requests for 100, 500 and 2,000 repositories, heap
# per 100 watched repositories, outbox backlog drain rate. Needs the PostgreSQL server on 127.0.0.1:5432.
# Usage: scripts/bench-growth.sh [backlog=400]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -o -q test-compile
./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/bench-cp.txt
SELFHEAL_TEST_DB=${SELFHEAL_TEST_DB:-selfheal_bench} java -Xmx1g -cp "target/classes:target/test-classes:$(cat /tmp/bench-cp.txt)" \
  dev.selfheal.bench.GrowthBenchmark "${1:-400}"
