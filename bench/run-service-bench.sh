#!/usr/bin/env bash
# The service's reaction time, drift repair time, idle cost and stop time (docs/performance.md,
# "The service"). Needs root (the demo root gives files to users) and a built tree.
# Usage: bench/run-service-bench.sh [BUILD_DIR] (default build/ci); CHANGES (100), IDLE_SECONDS
# (60), SETTLE_MS (300, the default) and STOPS (20) may be set in the environment; AGENT names
# another agent binary to drive. BUSY_WRITER_MB=N runs, during the reaction and drift-repair
# measures, a process that rewrites an N MB file on the root's file system over and over without
# flushing it (what a build does to a developer machine's disk): a flush of the whole file system
# then waits for its data, a flush of one file does not.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build/ci}
agent=${AGENT:-$build/metalama-policy-agent}
bench=$build/bench/service_bench
changes=${CHANGES:-100}
STOPS=${STOPS:-20}
idle=${IDLE_SECONDS:-60}
settle=${SETTLE_MS:-300}
for f in "$agent" "$bench"; do
    [[ -x $f ]] || { echo "missing $f: build first (cmake --build --preset ci)" >&2; exit 2; }
done
work=$(mktemp -d)
writer=
stop_writer() {  # the loop first, so that it starts no other dd, then its dd
    [[ -n $writer ]] || return 0
    kill -STOP "$writer" 2>/dev/null; pkill -P "$writer" 2>/dev/null; kill -KILL "$writer" 2>/dev/null
    wait "$writer" 2>/dev/null || true
    writer=
    rm -f "$work/busy-writer"
}
trap 'stop_writer; rm -rf "$work"' EXIT
busy=${BUSY_WRITER_MB:-0}
if (( busy > 0 )); then
    ( while :; do dd if=/dev/zero of="$work/busy-writer" bs=1M count="$busy" status=none; done ) &
    writer=$!
    sleep 1
fi

run() {  # run MODE COUNT [SETTLE]: a fresh demo root each time
    "$here/scripts/make-demo-root.sh" "$work/root" >/dev/null
    "$bench" "$agent" "$work/root" "$@"
}
reaction=$(run reaction "$changes" "$settle")
drift=$(run drift "$changes" "$settle")
stop_writer
idlecost=$(run idle "$idle")
stops=$(run stop "$STOPS")

field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }
echo "Machine: $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg), kernel $(uname -r)" \
     "$( (( busy > 0 )) && echo "; reaction and drift repair behind a writer rewriting $busy MB")"
echo
echo "| Measure | Result | Target |"
echo "|---|---|---|"
echo "| Reaction, policy file renamed into place -> compliant and committed ($changes changes, settle $settle ms) | p50 $(field "$reaction" p50_ms) ms, p99 $(field "$reaction" p99_ms) ms, max $(field "$reaction" max_ms) ms (the pass itself: p50 $(field "$reaction" pass_p50_ms), p99 $(field "$reaction" pass_p99_ms) ms) | p99 < 50 ms (a rename is complete: no settle time) |"
echo "| Drift repair, opt-out line removed from /etc/environment ($changes changes) | p50 $(field "$drift" p50_ms) ms, p99 $(field "$drift" p99_ms) ms, max $(field "$drift" max_ms) ms (the pass itself: p50 $(field "$drift" pass_p50_ms), p99 $(field "$drift" pass_p99_ms) ms) | p99 < 50 ms |"
echo "| Idle CPU time over $idle s (utime+stime) | $(field "$idlecost" cpu_ms) ms | < 10 ms |"
echo "| Idle wakeups over $idle s (voluntary context switches) | $(field "$idlecost" voluntary_switches) (involuntary $(field "$idlecost" involuntary_switches)) | |"
echo "| Resident memory (VmRSS) | $(( $(field "$idlecost" rss_kb) / 1024 )).$(( ($(field "$idlecost" rss_kb) % 1024) * 10 / 1024 )) MB | < 10 MB |"
echo "| Open file descriptors | $(field "$idlecost" fds) | |"
echo "| Passes while idle | $(field "$idlecost" passes_while_idle) | 0 |"
echo "| SIGTERM as the service starts (start pass under way) -> clean exit ($STOPS stops) | p50 $(field "$stops" p50_ms) ms, p99 $(field "$stops" p99_ms) ms, max $(field "$stops" max_ms) ms | < 2 s |"
