#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then builds and runs every
# suite. Ends with one line "N passed, N failed" over all suites. With CI=true (as CI runs it) a
# skipped test or a suite that cannot run for a missing tool counts as a failure; outside CI it
# is listed with its reason.
#   MPA_TEST_SKIP="asan lint windows packages fuzz"  skip suites (for quick local runs; CI runs all)
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$MPA_ROOT"
"$MPA_ROOT/scripts/setup.sh" || exit 1

passed=0
failed=0
log_dir=$(mktemp -d)
skip() { [[ " ${MPA_TEST_SKIP:-} " == *" $1 "* ]]; }

# Runs one ctest preset and adds its counts to the totals.
run_ctest() {  # run_ctest NAME PRESET [ctest args...]
    local name=$1 preset=$2; shift 2
    echo "== $name: build"
    if ! build_preset "$preset" >"$log_dir/$name.build.log" 2>&1; then
        tail -40 "$log_dir/$name.build.log"
        echo "== $name: BUILD FAILED"
        failed=$((failed + 1))
        return
    fi
    echo "== $name: test"
    timeout 1200 ctest --preset "$preset" --output-on-failure "$@" | tee "$log_dir/$name.log" |
        grep -E '^\s*[0-9]+/[0-9]+ Test|tests passed|Failed|\*\*\*' || true
    local line total bad
    line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log_dir/$name.log" | tail -1)
    if [ -z "$line" ]; then
        echo "== $name: ctest produced no result"
        failed=$((failed + 1))
        return
    fi
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    local skipped
    report_skips "$log_dir/$name.log" skipped
    # ctest counts a skipped test as passed; under CI it is a failure.
    if [ "${CI:-}" = true ]; then
        bad=$((bad + skipped))
    fi
    passed=$((passed + total - bad))
    failed=$((failed + bad))
}

# Runs a script-based suite (scripts/test-NAME.sh) whose output ends with either ctest's summary
# or a plain "N passed, N failed" line; a non-zero exit without failures counts as one failure.
run_script() {  # run_script NAME COMMAND...
    local name=$1; shift
    echo "== $name"
    "$@" >"$log_dir/$name.log" 2>&1
    local code=$? line p=0 f=0
    tail -25 "$log_dir/$name.log"
    line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log_dir/$name.log" | tail -1)
    if [ -n "$line" ]; then
        f=$(sed -E 's/.*tests passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
        local skipped
        report_skips "$log_dir/$name.log" skipped
        [ "${CI:-}" = true ] && f=$((f + skipped))
        p=$(( $(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line") - f ))
    else
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log_dir/$name.log" | tail -1)
        [ -n "$line" ] && p=$(cut -d' ' -f1 <<<"$line") && f=$(cut -d' ' -f3 <<<"$line")
    fi
    [ "$code" -ne 0 ] && [ "$f" -eq 0 ] && f=1 && echo "== $name: exited with $code"
    passed=$((passed + p))
    failed=$((failed + f))
}

run_ctest linux ci
# Layout and clang-tidy (scripts/lint.sh): warm, only what changed since it was last clean.
skip lint || run_script lint scripts/lint.sh
skip asan || ASAN_OPTIONS=detect_leaks=1 run_ctest asan asan
for extra in scripts/test-*.sh; do
    name=$(basename "$extra" .sh); name=${name#test-}
    [ -x "$extra" ] || continue
    skip "$name" || run_script "$name" "$extra"
done

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
