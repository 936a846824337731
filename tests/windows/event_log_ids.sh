#!/usr/bin/env bash
# The agent's events reach the Windows Event Log with their documented ids, and its resources
# hold the message table and the version
# (docs/windows-event-log.md). Run by ctest in the windows-cross build, in its Wine prefix:
#   event_log_ids.sh AGENT_EXE WORK_DIR
# Wine's event log keeps nothing, so the ReportEventW calls are read from Wine's trace
# (fixme+advapi prints each call with its type and id, +eventlog the insertion string). The
# agent runs `apply` in audit-only mode with the opt-out required and the variable absent, so the
# pass records a warning event; the checks: the chain head is written with id 1100, every
# warning that is a compliance event carries the id of its kind, and there is at least one.
set -uo pipefail
agent=$1
work=$2
key='HKLM\SOFTWARE\Policies\PostSharp\Metalama'
env_key='HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment'
rm -rf "$work" && mkdir -p "$work"
failed=0
fail() { echo "FAIL: $*"; failed=1; }
# The resources as a Linux tool sees them in the PE file (icoutils): type 11 is the message
# table, 16 the version (their contents are read through Win32 by agent_resources_win_test).
resources=$(wrestool -l "$agent" 2>&1) || fail "wrestool cannot read $agent: $resources"
grep -q -- '--type=11 .*type=messagelist' <<<"$resources" || fail "no message table resource in $agent"
grep -q -- '--type=16 .*type=version' <<<"$resources" || fail "no VERSIONINFO resource in $agent"

w() { timeout 120 wine "$@" </dev/null >/dev/null 2>&1; }
cleanup() { w reg delete "$key" /v EnforcementMode /f; w reg delete "$key" /v TelemetryOptOut /f; }
trap cleanup EXIT
w reg add "$key" /v TelemetryOptOut /t REG_DWORD /d 1 /f
w reg add "$key" /v EnforcementMode /t REG_DWORD /d 1 /f
w reg delete "$env_key" /v METALAMA_TELEMETRY_OPT_OUT /f

WINEDEBUG=fixme+advapi,+eventlog timeout 300 wine "$agent" apply --db "Z:${work//\//\\}\\compliance.db" \
    </dev/null >"$work/out.txt" 2>"$work/trace.txt"
echo "apply exit code: $? (3: not compliant, as audit-only leaves it)"

# One "type id text" line per ReportEventW call: the fixme line has the type and the id, the
# next eventlog line of the same thread the insertion string.
awk '
  /fixme:advapi:ReportEventW/ {
    split($0, a, ","); type = a[2]; id = a[4]; thread = substr($0, 1, 4); next
  }
  /:eventlog:ReportEventW/ && id != "" && substr($0, 1, 4) == thread {
    text = $0; sub(/^[^"]*"/, "", text); sub(/"$/, "", text)
    print type " " id " " text; id = ""
  }' "$work/trace.txt" | while read -r type hex text; do echo "$type $((hex)) $text"; done \
    >"$work/events.txt"
echo "events written:"
sed 's/^/  /' "$work/events.txt"

grep -qE '^0x0004 1100 compliance chain head: event [0-9]+ [0-9a-f]{64}$' "$work/events.txt" ||
    fail "no chain head (information, id 1100)"
declare -A kind_of=([2101]='drift detected' [2102]='non-compliant' [2103]='failed' [2104]='store recovered')
warnings=0
while read -r type id text; do
    [ "$type" = 0x0002 ] || continue
    for kid in "${!kind_of[@]}"; do
        if [[ "$text" == "${kind_of[$kid]}"* ]]; then
            warnings=$((warnings + 1))
            [ "$id" = "$kid" ] || fail "'$text' has id $id, not $kid"
        fi
    done
    [[ "$id" == 2??? ]] || fail "warning '$text' has id $id, outside 2000-2999"
done <"$work/events.txt"
[ "$warnings" -gt 0 ] || fail "no compliance warning event was written"
[ "$failed" -eq 0 ] && echo "PASS"
exit "$failed"
