#!/usr/bin/env bash
# Runs every test Akte has, installing what the tests need first:
#   - Debian packages: ghostscript (PDF/A rewrite), tesseract-ocr with German,
#     English and orientation data (OCR of scans), poppler-utils
#     (pdftotext, pdffonts), qpdf, PDFBox Preflight (PDF/A-1b verifier),
#     chromium (the web UI's end-to-end test, driven headless with chromedp)
#   - the MinIO test server (go install at a pinned version, cached in
#     ~/.cache/akte; a test fixture only, never linked into akte)
# With AKTE_TEST_STRICT=1 (set by .ci/run) a missing component fails the run
# instead of skipping the tests that need it.
set -euo pipefail
cd "$(dirname "$0")/.."

MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/akte"
MINIO_DIR="$CACHE/minio-$MINIO_VERSION"

step() { printf '\n== %s\n' "$*"; }

PACKAGES="ghostscript tesseract-ocr tesseract-ocr-deu tesseract-ocr-eng tesseract-ocr-osd poppler-utils qpdf libpdfbox2-java libactivation-java libjaxb-api-java chromium"
missing=""
command -v java >/dev/null 2>&1 || missing=" default-jre-headless"
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  step "installing Debian packages:$missing"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if [ -z "${AKTE_MINIO:-}" ]; then
  if [ ! -x "$MINIO_DIR/minio" ]; then
    step "installing the MinIO test server $MINIO_VERSION into $MINIO_DIR (first run only, ~4 minutes)"
    mkdir -p "$MINIO_DIR"
    # Build outside the module so akte's go.mod is not touched.
    (cd "$MINIO_DIR" && GOBIN="$MINIO_DIR" go install "github.com/minio/minio@$MINIO_VERSION")
  fi
  export AKTE_MINIO="$MINIO_DIR/minio"
fi
step "MinIO: $AKTE_MINIO"

step "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change: $unformatted" >&2
  exit 1
fi
go vet ./...

step "go test (race detector on)"
go test -race -count=1 -timeout 40m ./...

step "go test: the veraPDF corpus runs (without the race detector, which slows the parser tenfold)"
# pipefail (set above) makes go test's exit status the pipeline's.
go test -count=1 -timeout 30m -run 'Corpus' -v ./pdfa/ | grep -E '^(--- |ok|FAIL|PASS)|corpus|agreement|overall'

