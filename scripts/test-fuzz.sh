#!/usr/bin/env bash
# The fuzz suite in CI: every libFuzzer target for a bounded time (FUZZ_SECONDS, default 60),
# one result per target. Ends with "N passed, N failed" for scripts/test.sh.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$("$here/run-fuzzers.sh" 2>&1)
code=$?
printf '%s\n' "$out" | tail -20
targets=$(printf '%s\n' "$out" | grep -c '^== ' || true)
[ "$targets" -gt 0 ] || targets=1
if [ "$code" -eq 0 ]; then echo "$targets passed, 0 failed"; else echo "0 passed, $targets failed"; fi
exit "$code"
