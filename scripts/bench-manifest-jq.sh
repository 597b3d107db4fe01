#!/usr/bin/env bash
# Seed 001's manifest procedure: jq merge into a temp file, jq '.' validation, mv over the manifest.
# Usage: bench-manifest-jq.sh <manifest> <first run id> <count>
set -euo pipefail
manifest=$1; first=$2; count=$3
[ -f "$manifest" ] || echo '{"entries": []}' > "$manifest"
for ((i = 0; i < count; i++)); do
  id=$((first + i))
  tmp="$manifest.tmp.$$"
  jq --argjson id "$id" --arg at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '.entries = ([.entries[] | select(.run_id != $id)] + [{run_id: $id, artifact_path: "artifacts/\($id)/", evidence_type: "complete", recorded_at: $at}])' \
    "$manifest" > "$tmp"
  jq '.' "$tmp" > /dev/null
  mv "$tmp" "$manifest"
done
