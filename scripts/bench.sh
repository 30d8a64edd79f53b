#!/usr/bin/env bash
# `make bench`: builds are done by make; this runs the benchmark and prints its tables.
# The data is generated here (see bench/realshape.h); nothing outside the repository is read.
# The generated hour files are kept in the work directory for the next run; the stores are not.
set -euo pipefail
cd "$(dirname "$0")/.."
work="${GHM_BENCH_DIR:-build/bench-data}"
mkdir -p "$work"
build/bin/ghm_bench build/bin/ghmonitor "$work"
rm -rf "$work"/data*
