#!/usr/bin/env bash
# `make bench`: builds are done by make; this runs the benchmark and prints its tables.
# The data is generated here (see bench/realshape.h); nothing outside the repository is read.
# The generated hour files are kept in the work directory for the next run; the stores are not.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${GHM_BENCH_DIR:-build/bench-data}"
mkdir -p "$work"
# PostgreSQL runs in a throwaway cluster set up as a server would be: fsync on, 2 GB of
# shared buffers; ClickHouse as two shards on this machine. GHM_BENCH_POSTGRES=0 and
# GHM_BENCH_CLICKHOUSE=0 leave them out.
run=(build/bin/ghm_bench build/bin/ghmonitor "$work")
if [ "${GHM_BENCH_CLICKHOUSE:-1}" != 0 ]; then
    run=(scripts/with-clickhouse.sh
         bash -c 'GHM_BENCH_CLICKHOUSE_URL="$GHM_TEST_CLICKHOUSE_URL" exec "$@"' _ "${run[@]}")
fi
if [ "${GHM_BENCH_POSTGRES:-1}" != 0 ]; then
    run=(env WITH_POSTGRES_FSYNC=on WITH_POSTGRES_OPTIONS="-c shared_buffers=2GB -c max_wal_size=8GB"
         scripts/with-postgres.sh
         bash -c 'GHM_BENCH_POSTGRES_URL="$GHM_TEST_DATABASE_URL" exec "$@"' _ "${run[@]}")
fi
"${run[@]}"
rm -rf "$work"/data*
