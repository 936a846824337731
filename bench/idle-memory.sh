#!/usr/bin/env bash
# Where the idle service's resident memory goes (docs/performance.md, "Where the idle service's
# memory goes"): starts `run` on a root, waits for its start pass and a quiet moment, then prints
# the peak (VmHWM: the start pass), VmRSS, the smaps_rollup totals and one line per mapped file (and the heap): resident, private
# and shared, biggest first. Needs root when the root gives files to users (the demo root).
# Usage: bench/idle-memory.sh ROOT [BUILD_DIR] (default build/ci); QUIET_SECONDS (3) in the
# environment is how long to wait after the start pass.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?usage: idle-memory.sh ROOT [BUILD_DIR]}
build=${2:-$here/build/ci}
agent=$build/metalama-policy-agent
[[ -x $agent ]] || { echo "missing $agent: build first (cmake --build --preset ci)" >&2; exit 2; }
source "$here/bench/start-service.sh"
trap stop_service EXIT
start_service "$agent" "$root"
sleep "${QUIET_SECONDS:-3}"

echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
grep -E '^(VmHWM|VmRSS|RssAnon|RssFile)' "/proc/$pid/status" | tr -s ' \t' ' '
grep -E '^(Pss|Private_Clean|Private_Dirty|Shared_Clean|Shared_Dirty):' \
    "/proc/$pid/smaps_rollup" | tr -s ' ' | paste -sd ' '
echo
echo "| mapping | resident kB | private kB | shared kB |"
echo "|---|---:|---:|---:|"
# One row per file (all its mappings: code, read-only data, relocations, data) or anonymous kind.
awk '
    /^[0-9a-f]+-[0-9a-f]+ / { name = ($6 == "") ? "[anonymous]" : $6; next }
    /^Rss:/ { rss[name] += $2 }
    /^(Private_Clean|Private_Dirty):/ { priv[name] += $2 }
    /^(Shared_Clean|Shared_Dirty):/ { shared[name] += $2 }
    END { for (n in rss) if (rss[n] > 0) printf "%d %s %d %d\n", rss[n], n, priv[n], shared[n] }
' "/proc/$pid/smaps" | sort -rn | while read -r rss name priv shared; do
    echo "| ${name##*/} | $rss | $priv | $shared |"
done
