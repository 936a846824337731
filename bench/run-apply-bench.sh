#!/usr/bin/env bash
# Benchmark of `apply` over 10, 1,000 and 10,000 profiles (issue 2): first pass and no-op pass,
# wall time, CPU time (user+sys) and peak RSS, each no-op measured 3 times (median reported).
# Needs root (the roots give files to users). Usage: bench/run-apply-bench.sh [SIZES...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent=${MPA_AGENT:-$here/../build/default/metalama-policy-agent}
work=${MPA_BENCH_DIR:-/tmp/mpa-apply-bench}
sizes=("${@:-10 1000 10000}")
[ -x "$agent" ] || { echo "build the agent first (scripts/build.sh): $agent" >&2; exit 1; }
mkdir -p "$work"

measure() {  # measure ROOT -> "wall cpu rss_kb"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$agent" --root "$1" apply >/dev/null || true
    read -r wall user sys rss <"$work/time"
    echo "$wall $(echo "$user + $sys" | bc) $rss"
}
median() { sort -n | sed -n 2p; }

printf '| profiles | pass | wall (s) | CPU user+sys (s) | peak RSS (MB) |\n|---:|---|---:|---:|---:|\n'
for n in ${sizes[*]}; do
    root="$work/root-$n"
    "$here/make-profiles-root.py" "$root" "$n" >/dev/null
    sync
    read -r wall cpu rss < <(measure "$root")
    printf '| %s | first | %.2f | %.2f | %.1f |\n' "$n" "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)"
    runs=$(for i in 1 2 3; do measure "$root"; done)
    wall=$(awk '{print $1}' <<<"$runs" | median)
    cpu=$(awk '{print $2}' <<<"$runs" | median)
    rss=$(awk '{print $3}' <<<"$runs" | median)
    printf '| %s | no-op (median of 3) | %.2f | %.2f | %.1f |\n' "$n" "$wall" "$cpu" "$(echo "$rss / 1024" | bc -l)"
    rm -rf "$root"
done
