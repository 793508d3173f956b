#!/usr/bin/env bash
# Runs Akte's benchmarks: sealing and verification rates, ingest throughput and latency on the filestore and
# on s3store against a local MinIO (installed by scripts/test.sh), the
# catalog's group commit and the audit log's group commit.
set -euo pipefail
cd "$(dirname "$0")/.."
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
export AKTE_MINIO="${AKTE_MINIO:-${XDG_CACHE_HOME:-$HOME/.cache}/akte/minio-$MINIO_VERSION/minio}"
count="${COUNT:-3}"
go test -run '^$' -bench 'BenchmarkIngest' -benchtime "${BENCHTIME:-2000x}" -count "$count" ./archive/
go test -run '^$' -bench . -benchtime 2000x -count "$count" ./archive/catalog/ ./archive/audit/
# Seals and verifications per second per core (-cpu 1), ECDSA P-256, RSA-2048 and RSA-3072, B-B and
# B-T with a local TSA, 1-page and 50-page documents, and a 10 MB file for the hashing cost.
go test -run '^$' -bench 'BenchmarkSeal|BenchmarkVerify' -cpu 1 -benchtime "${SIGN_BENCHTIME:-2s}" -count "$count" ./signing/
