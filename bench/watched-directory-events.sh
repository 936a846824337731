#!/usr/bin/env bash
# What the service spends on files that are not its business in a directory it watches
# (docs/performance.md, "A file event asks only the paths that need its directory"): Metalama
# writes its other per-user files (audit.json, rss.json, ...) beside telemetry.json, and the
# service watches that directory. Starts `run` on ROOT, waits for its start pass, then writes and
# removes FILES files in the first profile's Metalama directory and prints the service's CPU time
# (from /proc/PID/schedstat, in nanoseconds) per file. Needs root when the root gives files to
# users. Usage: bench/watched-directory-events.sh ROOT [FILES] (default 500); AGENT names another
# agent binary (default build/ci's).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?usage: watched-directory-events.sh ROOT [FILES]}
files=${2:-500}
agent=${AGENT:-$here/build/ci/metalama-policy-agent}
[[ -x $agent ]] || { echo "missing $agent: build first (cmake --build --preset ci)" >&2; exit 2; }
settings=$(find "$root/home" -mindepth 3 -maxdepth 5 -name telemetry.json -print -quit)
[[ -n $settings ]] || { echo "no telemetry.json under $root/home" >&2; exit 2; }
dir=$(dirname "$settings")
source "$here/bench/start-service.sh"
trap 'stop_service; rm -f "$dir"/mpa-bench-*.tmp' EXIT
start_service "$agent" "$root"
sleep 2
cpu_ns() { cut -d' ' -f1 "/proc/$pid/schedstat"; }
passes() { grep -c "pass [0-9]*:" "$log"; }
before=$(cpu_ns)
passes_before=$(passes)
for i in $(seq 1 "$files"); do echo x >"$dir/mpa-bench-$i.tmp"; done
rm -f "$dir"/mpa-bench-*.tmp
sleep 2
after=$(cpu_ns)
echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "profiles: $(find "$root/home" -mindepth 1 -maxdepth 1 | wc -l); watched directory: ${dir#"$root"}"
echo "files written and removed: $files; passes run meanwhile: $(( $(passes) - passes_before ))"
echo "service CPU: $(( (after - before) / 1000000 )) ms, $(( (after - before) / files / 1000 )) us a file"
