#!/bin/sh
# Jamf Pro extension attribute "Metalama telemetry tools not compliant": prints one
# <result>...</result> naming the developer tools (Metalama and each telemetry-catalog tool) whose
# telemetry opt-out the agent's latest pass did not find in place (installer/jamf/README.md).
# Jamf runs it as root at inventory; it reads the view compliance_tools of the agent's database
# with the sqlite3 that macOS ships, read-only: the rows fleet tools read, covered by the agent's
# event chain (docs/compliance-database.md). Results:
#   none             every tool the latest pass knows of is compliant (or not managed)
#   a, b             the ids of the tools not compliant, ", "-separated (a tool the policy names
#                    that no target reported on is among them)
#   no record        no database, no pass that recorded compliance per tool yet, or an agent
#                    from before it
#   unreadable       the database exists but cannot be read (the message follows)
db="${METALAMA_COMPLIANCE_DB:-/Library/Application Support/Metalama/PolicyAgent/compliance.db}"
sqlite="${SQLITE3:-/usr/bin/sqlite3}"

if [ ! -f "$db" ]; then
    echo "<result>no record</result>"
    exit 0
fi
# One row: how many tools the sealed state lists, then the non-compliant ones. -readonly: never
# creates or changes anything next to the evidence.
row=$("$sqlite" -readonly -batch -noheader -separator '|' "$db" "
SELECT count(*), COALESCE(group_concat(CASE WHEN verdict = 'non-compliant' THEN tool END, ', '), '')
  FROM compliance_tools;" 2>&1) || {
    case "$row" in
        # A database of an agent from before compliance per tool (schema 4 or older).
        *"no such table: compliance_tools"*) echo "<result>no record</result>" ;;
        *) echo "<result>unreadable: $(printf '%s' "$row" | head -n 1)</result>" ;;
    esac
    exit 0
}
IFS='|' read -r tools failing <<EOF_ROW
$row
EOF_ROW
if [ -z "$tools" ] || [ "$tools" = 0 ]; then
    result="no record"
elif [ -z "$failing" ]; then
    result="none"
else
    result="$failing"
fi
echo "<result>$result</result>"
