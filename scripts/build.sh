#!/usr/bin/env bash
# Builds the agent: scripts/build.sh [PRESET] (default: default; see CMakePresets.json).
set -euo pipefail
source "$(dirname "$0")/common.sh"
"$MPA_ROOT/scripts/setup.sh"
build_preset "${1:-default}"
