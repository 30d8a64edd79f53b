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
build/bin/ghm_bench build/bin/ghmonitor "$fixtures" "$work" "${GHM_BENCH_EVENTS:-1000000}"
rm -rf "$work"
