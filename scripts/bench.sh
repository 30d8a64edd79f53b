#!/usr/bin/env bash
# `make bench`: builds are done by make; this runs the benchmark and prints its table.
set -euo pipefail
cd "$(dirname "$0")/.."
fixtures="${GHM_FIXTURES_DIR:-../shared/fixtures/github}"
work="${GHM_BENCH_DIR:-build/bench-data}"
if [ ! -d "$fixtures" ]; then
    echo "bench: $fixtures is absent: the benchmark is built from the real recorded events" >&2
    exit 1
fi
events="${GHM_BENCH_EVENTS:-1000000}"
scale="${GHM_BENCH_SCALE_EVENTS:-$((events * 10))}"
mkdir -p "$work"
work=$(cd "$work" && pwd)
# The PostgreSQL column runs against GHM_BENCH_DATABASE_URL (its schemas silver and gold are
# dropped first), or else a throwaway cluster set up as a server on this machine would be:
# fsync on, shared_buffers at a tenth of the RAM rather than the 128 MB default, and room
# for the WAL of a 10M-event import between checkpoints.
if [ -n "${GHM_BENCH_DATABASE_URL:-}" ]; then
    build/bin/ghm_bench build/bin/ghmonitor "$fixtures" "$work" "$events" "$scale"
else
    WITH_POSTGRES_FSYNC=on WITH_POSTGRES_OPTIONS="-c shared_buffers=2GB -c max_wal_size=8GB" \
        scripts/with-postgres.sh bash -c \
        'GHM_BENCH_DATABASE_URL="$GHM_TEST_DATABASE_URL" exec "$@"' bench \
        build/bin/ghm_bench build/bin/ghmonitor "$fixtures" "$work" "$events" "$scale"
fi
rm -rf "$work"
