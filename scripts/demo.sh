#!/usr/bin/env bash
# The agent's main job on the built-in demo: a scratch root with sample policy files and five
# sample users (existing settings, both Metalama generations, none yet, a malformed
# telemetry.json, a registered license key). Installs what is missing, builds, runs one pass,
# then shows the compliance status and what changed in a user's settings.
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$MPA_ROOT/scripts/setup.sh"
build_preset default --target metalama-policy-agent
agent="$MPA_ROOT/build/default/metalama-policy-agent"
demo=${MPA_DEMO_ROOT:-/tmp/metalama-policy-agent-demo}
"$MPA_ROOT/scripts/make-demo-root.sh" "$demo" >/dev/null

echo "== Demo root: $demo"
echo "== Policy: $demo/etc/metalama/policies/managed/10-telemetry.json"
cat "$demo/etc/metalama/policies/managed/10-telemetry.json"
echo
echo "== alice's telemetry.json before"
cat "$demo/home/alice/.local/share/Metalama/telemetry.json"
echo
echo "== metalama-policy-agent --root $demo apply"
"$agent" --root "$demo" apply || true
echo
echo "== alice's telemetry.json after (her other keys kept as they were)"
cat "$demo/home/alice/.local/share/Metalama/telemetry.json"
echo
echo "== metalama-policy-agent --root $demo status"
set +e
"$agent" --root "$demo" status
code=$?
set -e
echo
echo "== A developer adds a drop-in that sorts after the agent's and sets the variable to 0"
printf 'METALAMA_TELEMETRY_OPT_OUT=0\n' >"$demo/etc/environment.d/zzz-dev.conf"
echo "\$ cat $demo/etc/environment.d/zzz-dev.conf"
cat "$demo/etc/environment.d/zzz-dev.conf"
echo "== metalama-policy-agent --root $demo apply   (non-compliant: the override is named)"
"$agent" --root "$demo" apply | grep -A3 '^  \[non-compliant\]' || true
rm -f "$demo/etc/environment.d/zzz-dev.conf"
echo "== the drop-in removed: compliant again"
set +e
"$agent" --root "$demo" apply | grep Verdict
"$agent" --root "$demo" status >/dev/null
code=$?
set -e
echo
echo "status exit code: $code (0 compliant, 3 non-compliant, 4 not managed)"
echo "Try: $agent --root $demo apply --dry-run   |   ... revert   |   ... status --json"
exit "$code"
