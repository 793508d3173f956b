#!/usr/bin/env bash
# Runs Akte's benchmarks: ingest throughput and latency on the filestore and
# on s3store against a local MinIO (installed by scripts/test.sh), the
# catalog's group commit and the audit log's group commit.
set -euo pipefail
cd "$(dirname "$0")/.."
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
export AKTE_MINIO="${AKTE_MINIO:-${XDG_CACHE_HOME:-$HOME/.cache}/akte/minio-$MINIO_VERSION/minio}"
count="${COUNT:-3}"
go test -run '^$' -bench 'BenchmarkIngest' -benchtime "${BENCHTIME:-2000x}" -count "$count" ./archive/
go test -run '^$' -bench . -benchtime 2000x -count "$count" ./archive/catalog/ ./archive/audit/
