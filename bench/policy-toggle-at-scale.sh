#!/usr/bin/env bash
# What a policy toggle costs the service on a root with many profiles (docs/performance.md,
# "A full event queue after the agent's own writes"): starts `run`, waits for its start pass
# and a quiet moment, then turns the opt-out off and on again (each a policy file renamed into
# place, each rewriting every profile's telemetry.json), and prints for each toggle the passes
# it ran, the service's CPU time until it was quiet again, and whether the event queue
# overflowed. Usage: bench/policy-toggle-at-scale.sh ROOT [AGENT] (default
# build/ci/metalama-policy-agent), ROOT made by bench/make-profiles-root.py; root only.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?usage: policy-toggle-at-scale.sh ROOT [AGENT]}
agent=${2:-$here/build/ci/metalama-policy-agent}
[[ -x $agent ]] || { echo "missing $agent: build first (cmake --build --preset ci)" >&2; exit 2; }
source "$here/bench/start-service.sh"
trap stop_service EXIT
policy=$root/etc/metalama/policies/managed/10-telemetry.json

# Returns once the service has used no CPU for 2 s (a pass logs its line only at its end).
wait_quiet() {
    local used=-1
    while [[ $(service_cpu_ms) != "$used" ]]; do
        used=$(service_cpu_ms)
        sleep 2
    done
}
toggle() {  # toggle VALUE
    printf '{"TelemetryOptOut": %s}\n' "$1" >"$policy.new"
    local passes before overflows
    passes=$(grep -c 'pass [0-9]*:' "$log")
    overflows=$(grep -c 'queue overflowed' "$log" || true)
    before=$(service_cpu_ms)
    mv "$policy.new" "$policy"
    for _ in $(seq 1 6000); do
        [[ $(grep -c 'pass [0-9]*:' "$log") -gt $passes ]] && break
        sleep 0.1
    done
    wait_quiet
    echo "TelemetryOptOut $1: $(($(grep -c 'pass [0-9]*:' "$log") - passes)) pass(es)," \
        "service CPU $(($(service_cpu_ms) - before)) ms, queue overflowed" \
        "$(($(grep -c 'queue overflowed' "$log" || true) - overflows)) time(s);" \
        "peak RSS so far $(awk '/^VmHWM/ {print $2}' /proc/"$pid"/status) kB"
}

echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
start_service "$agent" "$root"
wait_quiet
echo "start pass: peak RSS $(awk '/^VmHWM/ {print $2}' /proc/"$pid"/status) kB"
toggle false
toggle true
