#!/usr/bin/env bash
# Start the packaged jar in the demo profile N times; print seconds to "routes started" (Camel's "Started N
# routes" / Spring's "Started SelfhealApplication"), the CPU seconds used by then, and resident memory 20 s after
# start. Needs
# ./mvnw -B package -DskipTests first. Usage: scripts/measure-startup.sh [runs]
# JAR picks another jar (target/cds/selfheal.jar of scripts/build-cds.sh) and JAVA_OPTS adds JVM options, e.g.
#   JAR=target/cds/selfheal.jar JAVA_OPTS=-XX:SharedArchiveFile=target/cds/selfheal.jsa scripts/measure-startup.sh 5
# RESTART=1 measures restarts: one unmeasured first start creates the data dir (initdb of the embedded PostgreSQL,
# every migration), then each measured run starts on it, as a deploy's restart does.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
jar=${JAR:-$(ls target/selfheal-*.jar | head -n 1)}
kept=""
if [ "${RESTART:-0}" = 1 ]; then
  kept=$(mktemp -d)
  log=$(mktemp)
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -jar "$jar" --spring.profiles.active=demo --server.port=18080 --selfheal.sandbox.port=18089 \
       --selfheal.data-dir="$kept" >"$log" 2>&1 &
  pid=$!
  until grep -q "Started SelfhealApplication" "$log"; do sleep 0.1; kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }; done
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$log"
fi
for i in $(seq 1 "$runs"); do
  log=$(mktemp)
  data=${kept:-$(mktemp -d)}
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  java ${JAVA_OPTS:-} -jar "$jar" --spring.profiles.active=demo --server.port=18080 --selfheal.sandbox.port=18089 \
       --selfheal.data-dir="$data" >"$log" 2>&1 &
  pid=$!
  until grep -q "Started SelfhealApplication" "$log"; do sleep 0.1; kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }; done
  spring=$(grep -o "Started SelfhealApplication in [0-9.]* seconds" "$log" | grep -o "[0-9.]*" | head -1)
  # CPU seconds the service used to get there (user + system): what start-up costs, less swayed by other load
  cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' /proc/$pid/stat)
  sleep 20
  rss_kb=$(ps -o rss= -p $pid | tr -d ' ')
  # the embedded postmaster and its children (their parent is the postmaster started on $data/pg)
  pm=$(head -n 1 "$data/pg/postmaster.pid")
  pg_kb=$(ps -o rss= --ppid "$pm" -p "$pm" | awk '{s+=$1} END {print s+0}')
  echo "run $i: started in ${spring}s (JVM-reported) using ${cpu} CPU s, service RSS $((rss_kb/1024)) MB, embedded PostgreSQL RSS $((pg_kb/1024)) MB"
  kill $pid; wait $pid 2>/dev/null || true
  rm -f "$log"
  [ -n "$kept" ] || rm -rf "$data"
done
[ -z "$kept" ] || rm -rf "$kept"
