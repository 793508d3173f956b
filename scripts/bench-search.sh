#!/usr/bin/env bash
# Issue 5's search benchmark: BenchmarkSearchMix at DOCS documents (default 1,000,000) —
# indexing rate, index size, memory, and the fixed 1,000-query mix quiet and under 20 docs/s
# of ingest — side by side with PostgreSQL full-text search ('german', GIN) on the same
# corpus and queries, started here on loopback. The Akte index and the PostgreSQL data are
# kept in WORK (default /var/tmp/akte-bench-search) and reused by the next run when they
# hold the same corpus. Needs root (PostgreSQL runs as the postgres user) and, at 1M
# documents, about 12 GB of disk and an hour or two.
#
#   scripts/bench-search.sh              # 1,000,000 documents
#   DOCS=50000 scripts/bench-search.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."
DOCS="${DOCS:-1000000}"
WORK="${WORK:-/var/tmp/akte-bench-search}"
PORT="${PGPORT:-54329}"

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$pgbin" ] || [ ! -x "$pgbin/postgres" ]; then
	apt-get install -y -qq postgresql >/dev/null
	pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
mkdir -p "$WORK/akte-$DOCS" "$WORK/pg-$DOCS"
chown postgres "$WORK/pg-$DOCS"
as_pg() { runuser -u postgres -- "$@"; }
if [ ! -f "$WORK/pg-$DOCS/PG_VERSION" ]; then
	as_pg "$pgbin/initdb" -D "$WORK/pg-$DOCS" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
# Tuned for this machine (2 cores, 24 GiB), as one would for a search server: a large cache,
# memory for sorting and building the GIN index, parallel workers for both cores, no JIT.
as_pg "$pgbin/pg_ctl" -D "$WORK/pg-$DOCS" -l "$WORK/pg-$DOCS/server.log" -w start -o \
	"-c listen_addresses=127.0.0.1 -p $PORT -c unix_socket_directories= -c shared_buffers=6GB \
	 -c work_mem=256MB -c maintenance_work_mem=4GB -c effective_cache_size=16GB \
	 -c max_parallel_workers_per_gather=2 -c max_parallel_maintenance_workers=2 -c jit=off \
	 -c synchronous_commit=off -c max_wal_size=8GB" >/dev/null
trap 'as_pg "$pgbin/pg_ctl" -D "$WORK/pg-$DOCS" -m fast stop >/dev/null' EXIT

go test -v -run '^$' -bench SearchMix -benchtime 1x -timeout 6h ./search/searchcorpus/ \
	-docs "$DOCS" -index "$WORK/akte-$DOCS" -pg "postgres://postgres@127.0.0.1:$PORT/postgres?sslmode=disable"
