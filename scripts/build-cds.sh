#!/usr/bin/env bash
# Class-data sharing (AppCDS) for the packaged jar: extract it with Spring Boot's jar tools (an application jar
# plus lib/, which CDS can map, unlike jars nested in the fat jar), then one training run in the demo profile that
# starts every route and is stopped, which writes an archive of every class it loaded. The archive belongs to
# this JDK build and this exact set of jars: build it again after every package.
# Needs ./mvnw -B package -DskipTests first. Writes target/cds/selfheal.jar, target/cds/lib/, target/cds/selfheal.jsa.
# Run with: java -XX:SharedArchiveFile=target/cds/selfheal.jsa -jar target/cds/selfheal.jar
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls target/selfheal-*.jar | head -n 1)
rm -rf target/cds
java -Djarmode=tools -jar "$jar" extract --destination target/cds
mv "target/cds/$(basename "$jar")" target/cds/selfheal.jar
data=$(mktemp -d)
log=$(mktemp)
java -XX:ArchiveClassesAtExit=target/cds/selfheal.jsa -jar target/cds/selfheal.jar --spring.profiles.active=demo \
     --server.port=18080 --selfheal.sandbox.port=18089 --selfheal.data-dir="$data" >"$log" 2>&1 &
pid=$!
until grep -q "Started SelfhealApplication" "$log"; do
  sleep 0.2
  kill -0 $pid 2>/dev/null || { cat "$log"; exit 1; }
done
sleep 5 # the first outbox ticks and the sandbox's answers load their classes too
kill $pid
wait $pid 2>/dev/null || true
rm -rf "$data" "$log"
ls -l target/cds/selfheal.jsa
