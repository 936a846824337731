#!/usr/bin/env bash
# Fault injection: kill -9 the real agent at random instants of its passes, many times, then
# report what was left: torn files (a telemetry.json that is not JSON, an /etc/environment
# without its line or with two), the agent's temporary files left behind (before and after one
# clean pass), the database's integrity_check and `verify`, and, once the policy is removed and
# one clean pass ran, every file or directory the agent left behind. Every pass has work to do: the
# policy flips between opting out and not, so each pass enforces or restores every profile.
# Needs root (the root gives files to users) and python3, sqlite3.
# Usage: bench/kill9-faults.sh [KILLS (default 300)] [PROFILES (default 300)]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
agent=${MPA_AGENT:-$here/../build/ci/metalama-policy-agent}
kills=${1:-300}
profiles=${2:-300}
work=${MPA_BENCH_DIR:-$(mktemp -d /tmp/mpa-kill9.XXXXXX)}
root=$work/root
db=$root/var/lib/metalama-policy-agent/compliance.db
policy=$root/etc/metalama/policies/managed/10-telemetry.json
[ -x "$agent" ] || { echo "build the agent first: $agent" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "needs root (the scratch root gives files to users)" >&2; exit 1; }

"$here/make-profiles-root.py" "$root" "$profiles" >/dev/null
# As made, to find what the agent leaves behind once the policy is removed.
rm -rf "$work/original"
cp -a "$root" "$work/original"
run() { "$agent" --root "$root" "$@"; }

# The length of one pass, to spread the kills over it.
start=$(date +%s%N)
run apply >/dev/null 2>&1 || true
pass_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$pass_ms" -gt 0 ] || pass_ms=1

set_policy() { printf '{"TelemetryOptOut": %s}\n' "$1" >"$policy"; }
killed=0 finished=0
for ((i = 1; i <= kills; i++)); do
    if ((i % 2)); then set_policy false; else set_policy true; fi
    # The agent itself in the background, not `run` (a function would run in a subshell, and
    # $! would be the subshell: the kill would leave the agent running to the end of its pass).
    "$agent" --root "$root" apply >/dev/null 2>&1 &
    pid=$!
    # A random instant within 1.2 passes: most kills land inside the pass.
    delay_ms=$(( RANDOM % (pass_ms * 12 / 10 + 1) ))
    sleep "$(printf '0.%03d' "$delay_ms")" 2>/dev/null || sleep "$(echo "$delay_ms / 1000" | bc -l)"
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); else finished=$((finished + 1)); fi
    wait "$pid" 2>/dev/null || true
done

count_temps() { find "$root" -name '.*.mpa-*.tmp' | wc -l; }
# Torn files: a telemetry.json that is not JSON; /etc/environment with the agent's line twice
# (or, when WANT_LINE=1, not exactly once).
count_torn() {
    python3 - "$root" "$1" <<'PY'
import json, os, sys
root, want_line, torn = sys.argv[1], sys.argv[2] == "1", []
for dirpath, _, names in os.walk(os.path.join(root, "home")):
    for name in names:
        if name == "telemetry.json":
            path = os.path.join(dirpath, name)
            try:
                json.load(open(path))
            except Exception as e:
                torn.append(f"{path}: {e}")
env = open(os.path.join(root, "etc/environment")).read().splitlines()
lines = [l for l in env if l.startswith("METALAMA_TELEMETRY_OPT_OUT")]
if len(lines) > 1 or (want_line and lines != ["METALAMA_TELEMETRY_OPT_OUT=1"]):
    torn.append(f"etc/environment: {lines}")
print(len(torn))
for t in torn[:20]:
    print(t, file=sys.stderr)
PY
}
temps_after_kills=$(count_temps)
torn_after_kills=$(count_torn 0)
set_policy true
clean_exit=0
run apply >/dev/null 2>&1 || clean_exit=$?
temps_after_clean=$(count_temps)
torn=$(count_torn 1)

integrity=$(sqlite3 "$db" 'PRAGMA integrity_check' 2>&1 | head -3 | tr '\n' ' ')
verify_exit=0
run verify >/dev/null 2>&1 || verify_exit=$?

# No tattooing: with the policy removed, one clean pass leaves no file or directory that was not
# there before (the agent's own state directory and the policy file aside; a telemetry.json
# restored keeps Metalama's "version" count, so contents are not compared).
set_policy false
run apply >/dev/null 2>&1 || true
left_behind=$(diff -rq "$work/original" "$root" -x var -x "$(basename "$policy")" 2>/dev/null |
    grep -c '^Only in' || true)
diff -rq "$work/original" "$root" -x var -x "$(basename "$policy")" 2>/dev/null |
    grep '^Only in' | head -5 >&2 || true

cat <<REPORT
| what | value |
|---|---|
| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |
| load average (1 min) at the end | $(cut -d' ' -f1 /proc/loadavg) |
| profiles | $profiles |
| pass length (first pass) | ${pass_ms} ms |
| kill -9 sent during a pass | $killed |
| passes that finished before the kill | $finished |
| agent temporary files right after the kills | $temps_after_kills |
| agent temporary files after one clean pass | $temps_after_clean |
| exit code of the clean pass | $clean_exit |
| torn files right after the kills | $torn_after_kills |
| torn files after the clean pass | $torn |
| PRAGMA integrity_check | $integrity |
| verify exit code | $verify_exit |
| files or directories left behind once the policy is removed | $left_behind |
REPORT
[ -n "${MPA_BENCH_DIR:-}" ] || rm -rf "$work"
