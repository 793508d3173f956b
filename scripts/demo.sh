#!/usr/bin/env bash
# The main job on the embedded default: builds akte, archives the sample
# documents in examples/ into ./akte-demo (filestore, WORM by software),
# verifies every stored object, then serves the archive on 127.0.0.1:8080
# and prints what to open. Ctrl-C stops the server; run again any time
# (ingest is idempotent: the samples are not archived twice).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${AKTE_DEMO_DATA:-./akte-demo}"
LISTEN="${AKTE_LISTEN:-127.0.0.1:8080}"

echo "== building akte"
go build -o bin/akte ./cmd/akte
akte() { bin/akte --data "$DATA" "$@"; }

echo "== archiving the sample documents into $DATA"
declare -a ids
while IFS=, read -r file citizen class title fact; do
  [ "$file" = file ] && continue
  args=(ingest "examples/$file" --citizen "$citizen" --class "$class" --title "$title" --source import)
  [ -n "$fact" ] && args+=(--fact "$fact")
  id=$(akte "${args[@]}")
  ids+=("$id")
  printf '  %-32s citizen %-8s class %-22s → record %s\n' "$file" "$citizen" "$class" "$id"
done < examples/manifest.csv

echo "== verifying every stored object (SHA-256, manifest, lock)"
akte verify

echo "== serving on http://$LISTEN   (Ctrl-C to stop)"
echo "   Open a document (audited with its purpose):"
for id in "${ids[@]}"; do
  echo "     http://$LISTEN/api/v1/records/$id/document?purpose=demo"
done
echo "   Record metadata:      curl -s http://$LISTEN/api/v1/records/${ids[0]}"
echo "   Archive another PDF:  curl -s --data-binary @examples/gewerbesteuer-P200981.pdf 'http://$LISTEN/api/v1/records?citizen=P300001&class=tax&title=Bescheid'"
echo "   After stopping:       bin/akte --data $DATA verify   |   bin/akte --data $DATA audit verify"
exec bin/akte --data "$DATA" serve --listen "$LISTEN"
