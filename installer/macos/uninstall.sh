#!/bin/sh
# Removes the Metalama policy agent. Run as root (sudo, or an MDM script). The agent first
# restores everything it changed (launchd environment, /etc/zshenv, users' telemetry.json).
set -u
LABEL=com.postsharp.metalama.policy-agent
PREFIX="/Library/Application Support/Metalama/PolicyAgent"
/bin/launchctl bootout system/$LABEL 2>/dev/null || true
if [ -x "$PREFIX/bin/metalama-policy-agent" ]; then
    "$PREFIX/bin/metalama-policy-agent" revert || echo "revert reported problems (see above)" >&2
fi
/bin/rm -f "/Library/LaunchDaemons/$LABEL.plist"
/bin/rm -f "$PREFIX/bin/metalama-policy-agent"
/usr/sbin/pkgutil --forget $LABEL >/dev/null 2>&1 || true
# The compliance database stays (audit evidence); remove it explicitly if wanted:
#   rm -rf "$PREFIX"
exit 0
