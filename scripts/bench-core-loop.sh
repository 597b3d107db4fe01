#!/usr/bin/env bash
# Core-loop benchmarks (docs/BENCHMARKS.md): webhook -> re-run latency over N runs, idle poll cost for 100
# repositories, classification throughput on 1 MB logs. Needs the PostgreSQL server on 127.0.0.1:5432.
# Usage: scripts/bench-core-loop.sh [runs=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -o -q test-compile
./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/bench-cp.txt
SELFHEAL_TEST_DB=${SELFHEAL_TEST_DB:-selfheal_bench} java -cp "target/classes:target/test-classes:$(cat /tmp/bench-cp.txt)" \
  dev.selfheal.bench.CoreLoopBenchmark "${1:-1000}"
