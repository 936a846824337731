#!/usr/bin/env bash
# Peak RSS (GNU time) of `apply` as the number of profiles grows: the first pass (changes every
# profile), the second (records that every profile is now compliant: a pass that rewrites the
# recorded findings and seals them), and the no-op that follows (repeats the second; median of
# REPEAT runs, default 3). With several agents (AGENTS="old new"), each gets its own root per
# size and the runs alternate between them, so a comparison shares the machine's moment.
# Needs root (the roots give files to users). Usage: bench/run-apply-memory.sh [SIZES...]
# (default 10 1000 10000; 100000 needs about 4 GB of scratch per agent and some minutes).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
read -r -a agents <<<"${AGENTS:-$here/../build/ci/metalama-policy-agent}"
work=${MPA_BENCH_DIR:-/tmp/mpa-memory-bench}
repeat=${REPEAT:-3}
sizes=("${@:-10 1000 10000}")
for a in "${agents[@]}"; do
    [ -x "$a" ] || { echo "build first: cmake --build --preset ci --target metalama-policy-agent ($a)" >&2; exit 1; }
done
command -v /usr/bin/time >/dev/null || { echo "missing /usr/bin/time: run scripts/setup.sh" >&2; exit 1; }
mkdir -p "$work"

rss_mb() {  # rss_mb AGENT ROOT -> peak RSS of one apply, in MB
    /usr/bin/time -f "%M" -o "$work/rss" "$1" --root "$2" apply >/dev/null 2>&1 || true
    awk '{v = $1} END {printf "%.1f", v / 1024}' "$work/rss"
}
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| profiles | agent | first (MB) | second (MB) | no-op, median of %s (MB) |\n|---:|---|---:|---:|---:|\n' "$repeat"
for n in ${sizes[*]}; do
    for i in "${!agents[@]}"; do
        "$here/make-profiles-root.py" "$work/root-$n-$i" "$n" >/dev/null
    done
    sync
    declare -A first=() second=() noop=()
    for pass in first second; do
        for i in "${!agents[@]}"; do
            v=$(rss_mb "${agents[$i]}" "$work/root-$n-$i")
            if [ "$pass" = first ]; then first[$i]=$v; else second[$i]=$v; fi
        done
    done
    for i in "${!agents[@]}"; do noop[$i]=""; done
    for _ in $(seq "$repeat"); do
        for i in "${!agents[@]}"; do noop[$i]+="$(rss_mb "${agents[$i]}" "$work/root-$n-$i")"$'\n'; done
    done
    for i in "${!agents[@]}"; do
        printf '| %s | %s | %s | %s | %s |\n' "$n" "${agents[$i]}" "${first[$i]}" "${second[$i]}" \
            "$(printf '%s' "${noop[$i]}" | median)"
        rm -rf "$work/root-$n-$i"
    done
    unset first second noop
done
