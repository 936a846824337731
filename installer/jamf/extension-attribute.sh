#!/bin/sh
# Jamf Pro extension attribute "Metalama telemetry compliance": prints one <result>...</result>
# that a smart group can match (installer/jamf/README.md). Jamf runs it as root at inventory;
# it reads the agent's compliance database with the sqlite3 that macOS ships, read-only, and
# decides exactly as the Fleet policy "Metalama telemetry opt-out enforced" does
# (installer/fleet/metalama.yml): tests/integration/fleet_queries_test.cpp checks both against
# the same databases. Results:
#   compliant        the latest pass, less than a day old, enforced TelemetryOptOut and found
#                    every target compliant
#   non-compliant    the latest pass found a target it could not make compliant
#   audit only       EnforcementMode is AuditOnly: nothing is enforced
#   not managed      no TelemetryOptOut policy reached the machine
#   stale            the latest pass is more than a day old (the agent is not running)
#   no record        no database, or no pass recorded yet
#   unreadable       the database exists but cannot be read (the message follows)
db="${METALAMA_COMPLIANCE_DB:-/Library/Application Support/Metalama/PolicyAgent/compliance.db}"
sqlite="${SQLITE3:-/usr/bin/sqlite3}"

if [ ! -f "$db" ]; then
    echo "<result>no record</result>"
    exit 0
fi
# One row: verdict|mode|TelemetryOptOut|fresh (1 when less than a day old), from the view over
# the state sealed in the agent's event chain (docs/compliance-database.md). -readonly: never
# creates or changes anything next to the evidence.
row=$("$sqlite" -readonly -batch -noheader -separator '|' "$db" "
SELECT verdict, mode, COALESCE(json_extract(policy_values, '$.TelemetryOptOut'), ''),
       finished_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')
  FROM compliance_pass;" 2>&1) || {
    echo "<result>unreadable: $(printf '%s' "$row" | head -n 1)</result>"
    exit 0
}
if [ -z "$row" ]; then
    echo "<result>no record</result>"
    exit 0
fi
IFS='|' read -r verdict mode optout fresh <<EOF_ROW
$row
EOF_ROW
if [ "$fresh" != 1 ]; then
    result="stale"
elif [ "$optout" != true ] || [ "$verdict" = "not managed" ]; then
    result="not managed"
elif [ "$mode" != enforce ]; then
    result="audit only"
elif [ "$verdict" = compliant ]; then
    result="compliant"
else
    result="non-compliant"
fi
echo "<result>$result</result>"
