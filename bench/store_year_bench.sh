#!/usr/bin/env bash
# The compliance store over a simulated year of hourly passes on 100 profiles: database size and
# store time per pass (docs/performance.md, "Compliance store"). Usage: bench/store_year_bench.sh
# Needs the ci build (build/ci). Writes only to a temporary directory, removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=build/ci/bench/store_year_bench
[ -x "$bench" ] || { echo "build first: cmake --build --preset ci --target store_year_bench" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
"$bench" "$work/store"
