#!/usr/bin/env bash
# Manifest writer updates/s, open loop, 1 process and 4 processes (dev.selfheal.bench.ManifestBenchmark).
# With "before <git-ref>" the same benchmark runs against that commit's ManifestWriter, compiled into
# /tmp/bench/manifest-before and put first on the class path. Usage: scripts/bench-manifest.sh [rounds] [before <ref>]
set -euo pipefail
cd "$(dirname "$0")/.."
B=/tmp/bench; mkdir -p $B
rounds=${1:-3}
./mvnw -B -o -q test-compile
./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=$B/cp.txt
CP="target/classes:target/test-classes:$(cat $B/cp.txt)"
if [ "${2:-}" = before ]; then
  old=$B/manifest-before; rm -rf $old; mkdir -p $old/src
  git show "$3:src/main/java/dev/selfheal/evidence/ManifestWriter.java" > $old/src/ManifestWriter.java
  javac -nowarn -d $old -cp "$CP" $old/src/ManifestWriter.java
  CP="$old:$CP"
fi
rm -rf $B/manifest
java -cp "$CP" dev.selfheal.bench.ManifestBenchmark $B/manifest "$rounds"
