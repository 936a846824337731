#!/usr/bin/env bash
# Cross-builds the agent and its tests for Windows (mingw-w64) and runs the suite under Wine.
#   bash scripts/test-windows.sh [extra ctest arguments, e.g. -R Smoke]
# Builds or reuses the cached dependency sysroot (scripts/build-windows-deps.sh), configures and
# builds the windows-cross preset, then runs ctest in a throwaway Wine prefix under the build dir.
# Exit code: ctest's (124 if it timed out), or the failing step's.
# scripts/test.sh (CI) runs it: its output ends with ctest's summary.
set -euo pipefail

source "$(dirname "$0")/common.sh"
cd "$MPA_ROOT"

say() { echo "[test-windows] $*" >&2; }

SR=$(scripts/build-windows-deps.sh | tail -n 1)
[ -f "$SR/.complete" ] || { say "no usable sysroot (got '$SR')"; exit 1; }
export MPA_WIN_SYSROOT=$SR
say "sysroot: $SR"

nice -n 10 cmake --preset windows-cross
nice -n 10 cmake --build --preset windows-cross -j 2

# Same values as the windows-cross test preset; wineserver and wineboot need them too.
export WINEDEBUG=-all
export WINEPREFIX="$MPA_ROOT/build/windows-cross/wineprefix"
rm -rf "$WINEPREFIX"
mkdir -p "$WINEPREFIX"
trap 'wineserver -k >/dev/null 2>&1 || true' EXIT

# A persistent wineserver keeps wine's system processes up between tests (about 1 s for the
# suite instead of about 2.5 s per test). wineboot must start them detached from our stdio:
# otherwise they inherit ctest's output pipe, never exit, and ctest waits for EOF forever.
say "starting wine in $WINEPREFIX"
wineserver -p </dev/null >/dev/null 2>&1
timeout 300 wine wineboot </dev/null >/dev/null 2>&1 || { say "wineboot failed or timed out"; exit 1; }

log="$MPA_ROOT/build/windows-cross/ctest-wine.log"
rc=0
timeout "${MPA_WINE_TEST_TIMEOUT:-900}" ctest --preset windows-cross "$@" 2>&1 | tee "$log" ||
    rc=${PIPESTATUS[0]}
[ "$rc" -ne 124 ] || say "ctest timed out after ${MPA_WINE_TEST_TIMEOUT:-900} s"
# The last line is the count scripts/test.sh adds up.
line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1 || true)
if [ -n "$line" ]; then
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    report_skips "$log" skipped
    # Under CI a skipped test (Wine without a feature, a missing tool) is a failure.
    if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
        bad=$((bad + skipped))
        [ "$rc" -ne 0 ] || rc=1
    fi
    echo "$((total - bad)) passed, $bad failed"
fi
exit "$rc"
