#!/usr/bin/env bash
# KPI benchmark (docs/BENCHMARKS.md, "KPI queries and the Observer dashboard"): seeds N runs (default 1,000,000)
# with generate_series into its own database (selfheal_kpi_bench,
# or SELFHEAL_TEST_DB), rebuilds the rollup, times the 7-day KPI query,
# the dashboard data and the page in headless Chromium. Needs the PostgreSQL server on 127.0.0.1:5432 and
# Debian's chromium + chromium-driver.
# Usage: scripts/bench-kpi.sh [runs=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -o -q test-compile
./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=/tmp/bench-kpi-cp.txt
SELFHEAL_TEST_DB=${SELFHEAL_TEST_DB:-selfheal_kpi_bench} java -cp "target/classes:target/test-classes:$(cat /tmp/bench-kpi-cp.txt)" \
  dev.selfheal.kpi.KpiBenchmark "${1:-1000000}"
