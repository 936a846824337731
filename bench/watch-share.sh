#!/usr/bin/env bash
# What the service leaves of root's inotify watches for the rest of the machine (docs/
# performance.md, "What watching every profile costs"): starts `run` on a root, and once its
# start pass is logged prints the watches it holds (from /proc/PID/fdinfo) against the limit,
# what it logged about paths without a watch, how many watches another root process can still
# add (up to WANT, default 1,000; systemd and udev need a few hundred), its memory, and the time
# of a SIGHUP pass, which re-arms while some paths have no watch.
# Usage: bench/watch-share.sh ROOT [AGENT] (default build/ci/metalama-policy-agent); root only.
# A root over about limit / 4 profiles (make-profiles-root.py ROOT 100000) shows the share at work.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=${1:?usage: watch-share.sh ROOT [AGENT]}
agent=${2:-$here/build/ci/metalama-policy-agent}
[[ -x $agent ]] || { echo "missing $agent: build first (cmake --build --preset ci)" >&2; exit 2; }
source "$here/bench/start-service.sh"
trap stop_service EXIT

service_watches() {
    local count=0 fd
    for fd in /proc/"$pid"/fd/*; do
        [[ $(readlink "$fd") == anon_inode:inotify ]] || continue
        count=$((count + $(grep -c '^inotify wd:' /proc/"$pid"/fdinfo/"${fd##*/}")))
    done
    echo "$count"
}
# Watches another root process can add now: one per directory of a scratch tree.
others_can_add() {
    python3 - "${WANT:-1000}" <<'PY'
import ctypes, os, sys, tempfile
libc = ctypes.CDLL(None, use_errno=True)
want, fd, added = int(sys.argv[1]), libc.inotify_init(), 0
with tempfile.TemporaryDirectory() as scratch:
    for i in range(want):
        path = os.path.join(scratch, str(i))
        os.mkdir(path)
        if libc.inotify_add_watch(fd, path.encode(), 0x100) < 0:
            break
        added += 1
print(f"{added} of {want}")
PY
}

echo "load average $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'); limit $(cat /proc/sys/fs/inotify/max_user_watches)"
started=$(date +%s.%N)
start_service "$agent" "$root"
echo "start pass logged after $(echo "$(date +%s.%N) - $started" | bc) s"
grep -E 'have no watch|cannot watch' "$log" | cut -c1-240 || true
sleep 3
echo "service holds $(service_watches) watches; another root process could add $(others_can_add)"
grep -E '^(VmHWM|VmRSS)' /proc/"$pid"/status | tr -s ' \t' ' ' | paste -sd ' '
cpu_before=$(service_cpu_ms)
signalled=$(date +%s.%N)
kill -HUP "$pid"
for _ in $(seq 1 30000); do grep -q 'pass 2:' "$log" && break; sleep 0.01; done
echo "SIGHUP pass logged after $(echo "$(date +%s.%N) - $signalled" | bc) s, service CPU $(($(service_cpu_ms) - cpu_before)) ms"
sleep 3
echo "after the SIGHUP pass: $(grep -E '^VmRSS' /proc/"$pid"/status | tr -s ' \t' ' ')"
