# Sourced by the benchmarks that measure a running service (idle-memory.sh,
# watched-directory-events.sh): start_service AGENT ROOT starts `AGENT --root ROOT run` with its
# log in $log and its process id in $pid, and returns once its start pass is logged (it fails,
# showing the log, if the service exits first, and after 10 minutes without the pass).
# stop_service stops it and removes the log; callers put it in their EXIT trap. service_cpu_ms
# prints the service's CPU time so far (user + system).
pid=
log=
start_service() {
    log=$(mktemp)
    "$1" --root "$2" run >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 6000); do
        grep -q "pass 1:" "$log" && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
        sleep 0.1
    done
    echo "no start pass after 10 min" >&2
    exit 1
}
stop_service() {
    [[ -n $pid ]] && { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
    [[ -n $log ]] && rm -f "$log"
    return 0
}
service_cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{print int(($14 + $15) * 1000 / hz)}' /proc/"$pid"/stat
}
