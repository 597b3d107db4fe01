#!/usr/bin/env bash
# Open-loop end-to-end benchmark (docs/BENCHMARKS.md, "End to end, open loop"): webhook deliveries of failed runs
# on a fixed schedule, latency from each delivery's due time to the rerun-failed-jobs request WireMock GitHub sees.
# Needs the PostgreSQL server on 127.0.0.1:5432; each run gets a fresh database ($SELFHEAL_TEST_DB, default
# selfheal_bench_tp), dropped and created here.
# Usage: scripts/bench-open-loop.sh [rates=50,200,500,1000] [seconds-per-rate=10] [dispatch-tick-ms=20] [repositories=20]
#   BASELINE=main scripts/bench-open-loop.sh ...   first the same load on that git ref (built in a temporary
#   worktree with this benchmark copied in), then on this tree: before and after side by side, back to back.
set -euo pipefail
cd "$(dirname "$0")/.."
here=$(pwd)
db=${SELFHEAL_TEST_DB:-selfheal_bench_tp}
jvm_opts=${BENCH_JVM_OPTS:--Xmx1g}

fresh_db() {
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db" postgres
}

run_in() { # dir label
  (cd "$1" && ./mvnw -B -o -q test-compile \
    && ./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=target/bench-cp.txt >/dev/null)
  fresh_db
  (cd "$1" && SELFHEAL_TEST_DB=$db java $jvm_opts -Dbench.label="$2" \
    -cp "target/classes:target/test-classes:$(cat target/bench-cp.txt)" \
    dev.selfheal.bench.OpenLoopBenchmark $ARGS)
}

ARGS="${1:-50,200,500,1000} ${2:-10} ${3:-20} ${4:-20}"
if [ -n "${BASELINE:-}" ]; then
  base=/tmp/selfheal-bench-baseline
  git worktree remove --force "$base" 2>/dev/null || rm -rf "$base"
  git worktree prune
  git worktree add -q --detach "$base" "$BASELINE"
  mkdir -p "$base/src/test/java/dev/selfheal/bench"
  cp src/test/java/dev/selfheal/bench/OpenLoopBenchmark.java src/test/java/dev/selfheal/bench/CpuAccount.java \
    "$base/src/test/java/dev/selfheal/bench/"
  run_in "$base" "$BASELINE"
  git worktree remove --force "$base"
fi
run_in "$here" "$(git rev-parse --abbrev-ref HEAD)"
