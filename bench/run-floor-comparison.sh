#!/usr/bin/env bash
# The agent's `apply` against the floor program (bench/floor_pass.cpp: only the file-system work a
# correct per-user pass needs), interleaved in one run, on roots made by make-profiles-root.py.
# Prints one table: for the first pass and the no-op pass at each size, wall time, CPU time
# (user+system), system calls per profile (strace -c -f, its own runs on copies of the roots, so
# tracing never inflates the timed runs) and peak RSS (GNU time), agent / floor / checked floor
# and the agent's ratio to each. The checked floor is `floor_pass --checked`: the floor plus the
# per-profile checks the agent promises (owners, eCryptfs, the license file), one system call
# each, so the ratio to it is what the agent spends beyond its promises.
# The no-op figures are medians of REPEAT runs (default 5), agent and floors alternating.
# "beyond checked" is the agent's CPU minus the checked floor's, per profile: the ratios move with
# what a system call costs on the machine (the same calls cost one VM twice what they cost
# another), this difference is the agent's own work and moves far less.
# Needs root (the roots give files to users). Usage: bench/run-floor-comparison.sh [SIZES...]
# (default 10 1000 10000; 100000 needs ~4 GB of scratch and a quarter of an hour).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${MPA_BUILD:-$here/../build/ci}
agent=$build/metalama-policy-agent
floor=$build/bench/floor_pass
work=${MPA_BENCH_DIR:-/tmp/mpa-floor-bench}
repeat=${REPEAT:-5}
sizes=("${@:-10 1000 10000}")
for b in "$agent" "$floor"; do
    [ -x "$b" ] || { echo "build first: cmake --build --preset ci --target metalama-policy-agent floor_pass ($b)" >&2; exit 1; }
done
for tool in /usr/bin/time strace; do
    command -v "$tool" >/dev/null || { echo "missing $tool: run scripts/setup.sh" >&2; exit 1; }
done
mkdir -p "$work"

# measure CMD... -> "wall_ms cpu_ms rss_kb": wall from a monotonic clock, CPU from wait4 (microsecond
# resolution, the child and everything it waited for), peak RSS from GNU time.
measure() {
    /usr/bin/python3 - "$work/rss" "$@" <<'PY'
import os, subprocess, sys, time
rss_file, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss_file] + cmd,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
wall = (time.monotonic() - t0) * 1000
rss = open(rss_file).read().split()[-1]
print(f"{wall:.1f} {(usage.ru_utime + usage.ru_stime) * 1000:.1f} {rss}")
PY
}
# syscalls CMD... -> total system calls (strace -c -f), the command's output discarded
syscalls() {
    strace -c -f -o "$work/strace" "$@" >/dev/null 2>&1 || true
    awk '$NF == "total" {print $4}' "$work/strace"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (b > 0) printf "%.1fx", a / b; else print "-"}'; }
field() { awk -v n="$1" '{print $n}'; }
# medians FILE -> the median of each of the three columns of `measure` lines
medians() { echo "$(field 1 <"$1" | median) $(field 2 <"$1" | median) $(field 3 <"$1" | median)"; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# agent: $agent; floor: $floor; no-op: median of $repeat, interleaved"
printf '| profiles | pass | wall agent / floor / checked (ms) | ratio | CPU agent / floor / checked (ms) | ratio | beyond checked (us/profile) | syscalls per profile agent / floor / checked | ratio | peak RSS agent / floor (MB) |\n'
printf '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n'
row() {  # row N PASS AGENT_MEASURE FLOOR_MEASURE CHECKED_MEASURE AGENT_CALLS FLOOR_CALLS CHECKED_CALLS
    local n=$1 pass=$2 a=$3 f=$4 k=$5 ac=$6 fc=$7 kc=$8
    local aw ac_ fw fc_ kw kc_ ar fr
    aw=$(field 1 <<<"$a"); ac_=$(field 2 <<<"$a"); ar=$(field 3 <<<"$a")
    fw=$(field 1 <<<"$f"); fc_=$(field 2 <<<"$f"); fr=$(field 3 <<<"$f")
    kw=$(field 1 <<<"$k"); kc_=$(field 2 <<<"$k")
    printf '| %s | %s | %.0f / %.0f / %.0f | %s / %s | %.0f / %.0f / %.0f | %s / %s | %.1f | %.1f / %.1f / %.1f | %s / %s | %.1f / %.1f |\n' \
        "$n" "$pass" "$aw" "$fw" "$kw" "$(ratio "$aw" "$fw")" "$(ratio "$aw" "$kw")" \
        "$ac_" "$fc_" "$kc_" "$(ratio "$ac_" "$fc_")" "$(ratio "$ac_" "$kc_")" \
        "$(echo "($ac_ - $kc_) * 1000 / $n" | bc -l)" \
        "$(echo "$ac / $n" | bc -l)" "$(echo "$fc / $n" | bc -l)" "$(echo "$kc / $n" | bc -l)" \
        "$(ratio "$ac" "$fc")" "$(ratio "$ac" "$kc")" \
        "$(echo "$ar / 1024" | bc -l)" "$(echo "$fr / 1024" | bc -l)"
}
for n in ${sizes[*]}; do
    # Six identical roots: agent and both floors timed, and traced.
    "$here/make-profiles-root.py" "$work/agent-$n" "$n" >/dev/null
    for copy in floor checked trace-agent trace-floor trace-checked; do
        rm -rf "$work/$copy-$n"
        cp -a "$work/agent-$n" "$work/$copy-$n"
    done
    sync
    a=$(measure "$agent" --root "$work/agent-$n" apply)
    f=$(measure "$floor" "$work/floor-$n")
    k=$(measure "$floor" --checked "$work/checked-$n")
    ac=$(syscalls "$agent" --root "$work/trace-agent-$n" apply)
    fc=$(syscalls "$floor" "$work/trace-floor-$n")
    kc=$(syscalls "$floor" --checked "$work/trace-checked-$n")
    row "$n" first "$a" "$f" "$k" "$ac" "$fc" "$kc"
    : >"$work/agent-runs"; : >"$work/floor-runs"; : >"$work/checked-runs"
    for _ in $(seq "$repeat"); do
        measure "$agent" --root "$work/agent-$n" apply >>"$work/agent-runs"
        measure "$floor" "$work/floor-$n" >>"$work/floor-runs"
        measure "$floor" --checked "$work/checked-$n" >>"$work/checked-runs"
    done
    a=$(medians "$work/agent-runs"); f=$(medians "$work/floor-runs"); k=$(medians "$work/checked-runs")
    # The agent's pass after a first one still records that every profile became compliant (the
    # store's findings change); the no-op is the pass after that, as in the timed runs' median.
    "$agent" --root "$work/trace-agent-$n" apply >/dev/null 2>&1 || true
    ac=$(syscalls "$agent" --root "$work/trace-agent-$n" apply)
    fc=$(syscalls "$floor" "$work/trace-floor-$n")
    kc=$(syscalls "$floor" --checked "$work/trace-checked-$n")
    row "$n" no-op "$a" "$f" "$k" "$ac" "$fc" "$kc"
    for copy in agent floor checked trace-agent trace-floor trace-checked; do rm -rf "$work/$copy-$n"; done
done
echo "# load average at the end $(cut -d' ' -f1-3 /proc/loadavg)"
