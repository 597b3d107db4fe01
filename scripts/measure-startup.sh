#!/usr/bin/env bash
# Start the packaged jar in the demo profile N times; print seconds to "routes started" (Camel's "Started N
# routes" / Spring's "Started SelfhealApplication") and resident memory 20 s after start. Needs
# ./mvnw -B package -DskipTests first. Usage: scripts/measure-startup.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jar=$(ls target/selfheal-*.jar | head -n 1)
for i in $(seq 1 "$runs"); do
  log=$(mktemp)
  data=$(mktemp -d)
  java -jar "$jar" --spring.profiles.active=demo --server.port=18080 --selfheal.sandbox.port=18089 \
       --selfheal.data-dir="$data" >"$log" 2>&1 &
  pid=$!
  until grep -q "Started SelfhealApplication" "$log"; do sleep 0.1; kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }; done
  spring=$(grep -o "Started SelfhealApplication in [0-9.]* seconds" "$log" | grep -o "[0-9.]*" | head -1)
  sleep 20
  rss_kb=$(ps -o rss= -p $pid | tr -d ' ')
  # the embedded postmaster and its children (their parent is the postmaster started on $data/pg)
  pm=$(head -n 1 "$data/pg/postmaster.pid")
  pg_kb=$(ps -o rss= --ppid "$pm" -p "$pm" | awk '{s+=$1} END {print s+0}')
  echo "run $i: started in ${spring}s (JVM-reported), service RSS $((rss_kb/1024)) MB, embedded PostgreSQL RSS $((pg_kb/1024)) MB"
  kill $pid; wait $pid 2>/dev/null || true
  rm -rf "$log" "$data"
done
