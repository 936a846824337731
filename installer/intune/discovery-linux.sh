#!/bin/bash
# Intune custom-compliance discovery script (Linux): prints ONE line of compressed JSON, the flat
# setting-name/value object that compliance-rules.json evaluates. Intune runs it as the signed-in
# user, who cannot read the compliance database: the agent's compliance command then reads the
# world-readable summary the agent publishes after every pass (installer/intune/README.md). With
# neither it still prints a line (AgentHealthy false, Verdict "no record"), so the device shows
# as not compliant rather than the script as failed.
set -u
agent="${METALAMA_POLICY_AGENT:-/usr/sbin/metalama-policy-agent}"
if [ ! -x "$agent" ]; then
    printf '{"AgentHealthy":false,"Verdict":"agent not installed"}\n'
    exit 0
fi
output="$("$agent" compliance --format intune 2>/dev/null)"
if [ -z "$output" ]; then
    printf '{"AgentHealthy":false,"Verdict":"agent failed"}\n'
    exit 0
fi
printf '%s\n' "$output"
