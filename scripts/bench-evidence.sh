#!/usr/bin/env bash
# Evidence benchmarks (docs/ops/drafts/evidence-benchmarks.md). Not part of the test run.
# Needs: jq, node/npm (secretlint is installed into /tmp/bench-secretlint, outside the repo), /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."
B=/tmp/bench; mkdir -p $B
./mvnw -B -o -q test-compile
./mvnw -B -o -q dependency:build-classpath -Dmdep.outputFile=$B/cp.txt
CP="target/classes:target/test-classes:$(cat $B/cp.txt)"
# 1. sanitizer: 100 MB generated CI log (written on first run), 5 runs
/usr/bin/time -v java -cp "$CP" dev.selfheal.bench.SanitizerBenchmark $B/ci-100mb.log 100 5 $B/ci-100mb.selfheal.log
# 2. secretlint 13 + recommended preset on the same file
[ -x /tmp/bench-secretlint/node_modules/.bin/secretlint ] || (mkdir -p /tmp/bench-secretlint && cd /tmp/bench-secretlint \
  && npm init -y >/dev/null && npm install secretlint@13 @secretlint/secretlint-rule-preset-recommend@13)
echo '{ "rules": [ { "id": "@secretlint/secretlint-rule-preset-recommend" } ] }' > /tmp/bench-secretlint/.secretlintrc.json
(cd $B && /usr/bin/time -v /tmp/bench-secretlint/node_modules/.bin/secretlint --secretlintrc /tmp/bench-secretlint/.secretlintrc.json \
  --format=mask-result --output=$B/ci-100mb.secretlint.log ci-100mb.log) || true
java -Xmx4g -cp "$CP" 'dev.selfheal.bench.SanitizerBenchmark$Compare' $B/ci-100mb.log $B/ci-100mb.secretlint.log
# 2b. recall per catalogue kind (gitleaks, secretlint, issue 10): Selfheal vs secretlint on one file per planted case
rm -rf $B/catalogue && java -cp "$CP" dev.selfheal.bench.CatalogueRecall write $B/catalogue
(cd $B/catalogue && /tmp/bench-secretlint/node_modules/.bin/secretlint --secretlintrc /tmp/bench-secretlint/.secretlintrc.json \
  --format=json --output=$B/catalogue.secretlint.json "**/*") || true
java -cp "$CP" dev.selfheal.bench.CatalogueRecall compare $B/catalogue $B/catalogue.secretlint.json docs/benchmarks/catalogue-recall.md
# 3. manifests: ManifestWriter vs the seed's jq + mv, 1,000 entries, 1 and 4 writers
java -cp "$CP" dev.selfheal.bench.ManifestBenchmark $B/manifest
rm -f $B/jq1.json; time scripts/bench-manifest-jq.sh $B/jq1.json 1 1000; jq '.entries|length' $B/jq1.json
echo '{"entries": []}' > $B/jq4.json
time (for w in 0 1 2 3; do scripts/bench-manifest-jq.sh $B/jq4.json $((w*1000+1)) 250 & done; wait)
echo "jq, 4 writers: $(jq '.entries|length' $B/jq4.json) of 1000 entries"
# 4. peak memory streaming a 500 MB artifact to disk
/usr/bin/time -v java -Xmx64m -cp "$CP" dev.selfheal.bench.DownloadMemoryBenchmark $B/artifact-500mb.zip 500
rm -f $B/artifact-500mb.zip
