#!/usr/bin/env bash
# The main job on the embedded default: builds akte, archives sample
# documents into ./akte-demo (file store, WORM by software) — two form
# submissions as the citizens' portal sends them, rendered to PDF/A-2b, and
# a PDF that already is PDF/A-2b — seals each archive copy (PAdES, with a
# self-signed development seal), verifies every stored object and seal, makes
# demo API tokens (a clerk's, an intake script's) and a records officer who
# logs in with a password, then serves the archive on 127.0.0.1:8080 and
# prints what to try. Ctrl-C stops the
# server; run it again any time (ingest is idempotent: nothing is archived
# twice).
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${AKTE_DEMO_DATA:-./akte-demo}"
LISTEN="${AKTE_LISTEN:-127.0.0.1:8080}"

echo "== building akte"
go build -o bin/akte ./cmd/akte
akte() { bin/akte --data "$DATA" "$@"; }

echo "== archiving sample documents into $DATA"
ids=()
add() { # label, then akte ingest arguments
  local label=$1; shift
  local id
  id=$(akte ingest "$@" 2>/dev/null) || { akte ingest "$@"; exit 1; }
  ids+=("$id")
  printf '  %-44s → record %s\n' "$label" "$id"
}
add "Anmeldung (portal form), citizen P100234" --form registration --values examples/anmeldung-P100234.json \
  --citizen P100234 --source portal
add "Reisepass-Antrag (counter form), P100234" --form passport-application --values examples/reisepass-P100234.json \
  --citizen P100234 --source counter --fact valid_until=2036-10-01
add "Gewerbesteuerbescheid (PDF/A), P200981" examples/gewerbesteuer-P200981.pdf \
  --citizen P200981 --class tax --title "Gewerbesteuerbescheid 2025" --source import

echo "== verifying every stored object (SHA-256, manifest, lock, seal)"
akte verify
echo "== searching as a clerk: German word forms, and a name written without umlauts"
akte search Reisepässe 2>/dev/null
akte search Mueller --facets 2>/dev/null
echo "== the seal (the demo uses the self-signed development seal)"
akte keys show 2>/dev/null
echo "== checking one archive copy: its seal, and PDF/A-2b"
akte get "${ids[0]}" -o "$DATA/anmeldung.pdf" --purpose "demo" --verify-seal 2>&1 | grep '^seal:'
akte pdfa check "$DATA/anmeldung.pdf"

echo "== users and API tokens (the API refuses callers without them)"
# Fresh demo tokens on every run (the previous demo tokens are revoked);
# the records officer is added once.
for id in $(akte users token list | awk '$2 ~ /^demo-/ && $4 == "active" {print $1}'); do
  akte users token revoke "$id" >/dev/null
done
CLERK=$(akte users token add demo-clerk --role clerk --expires P1D 2>/dev/null)
INTAKE=$(akte users token add demo-intake --role intake --expires P1D 2>/dev/null)
if ! akte users list | grep -q '^demo-officer '; then
  echo "demo-officer-passwort" | akte users add demo-officer --role records-officer >/dev/null
fi
for u in clerk auditor; do
  if ! akte users list | grep -q "^demo-$u "; then
    echo "demo-$u-passwort" | akte users add "demo-$u" --role "$u" >/dev/null
  fi
done
echo "   tokens for a clerk and an intake script (valid one day), and users who log in with a"
echo "   password: demo-clerk, demo-officer, demo-auditor (password: the name and -passwort)"

echo "== serving on http://$LISTEN   (Ctrl-C to stop)"
echo "   Web UI:  http://$LISTEN/  — log in as demo-clerk / demo-clerk-passwort (search, documents, counter"
echo "            intake), demo-officer / demo-officer-passwort (retention, holds, events) or"
echo "            demo-auditor / demo-auditor-passwort (audit log)"
echo "   Open a document as a clerk (each read is audited with who, role and purpose):"
for id in "${ids[@]}"; do
  echo "     curl -s -H 'Authorization: Bearer $CLERK' -o doc.pdf 'http://$LISTEN/api/v1/records/$id/document?purpose=demo'"
done
echo "   Record and manifest:  curl -s -H 'Authorization: Bearer $CLERK' http://$LISTEN/api/v1/records/${ids[0]}"
echo "   Search:               curl -s -H 'Authorization: Bearer $CLERK' 'http://$LISTEN/api/v1/search?q=Mueller&highlight=true'"
echo "   Archive a PDF:        curl -s -H 'Authorization: Bearer $INTAKE' --data-binary @examples/gewerbesteuer-P200981.pdf 'http://$LISTEN/api/v1/records?citizen=P300001&class=tax&title=Bescheid'"
echo "   Log in, then set a hold with the session's CSRF token:"
echo "     curl -s -c jar -H 'Content-Type: application/json' -d '{\"name\": \"demo-officer\", \"password\": \"demo-officer-passwort\"}' http://$LISTEN/api/v1/session"
echo "     curl -s -b jar -H 'Content-Type: application/json' -H 'X-CSRF-Token: <csrf from the login>' -d '{\"reason\": \"Widerspruch\"}' http://$LISTEN/api/v1/records/${ids[0]}/hold"
echo "   Without a token:      curl -s http://$LISTEN/api/v1/search?q=Mueller   → 401"
echo "   After stopping:       bin/akte --data $DATA verify   |   bin/akte --data $DATA audit verify"
exec bin/akte --data "$DATA" serve --listen "$LISTEN"
