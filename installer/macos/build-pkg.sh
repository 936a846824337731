#!/bin/sh
# Builds metalama-policy-agent-<version>.pkg on a Mac from a built binary (run on macOS; needs
# pkgbuild and productbuild from the Xcode command-line tools).
#   installer/macos/build-pkg.sh <path-to-built-binary> <version> [<output-dir>]
# Payload layout (installed relative to /):
#   Library/Application Support/Metalama/PolicyAgent/bin/metalama-policy-agent  root:wheel 0755
#   Library/LaunchDaemons/com.postsharp.metalama.policy-agent.plist             root:wheel 0644
# Sign the product with `productsign --sign "Developer ID Installer: ..."` before distributing.
set -eu
BINARY=$1
VERSION=$2
OUT=${3:-.}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/root"
mkdir -p "$ROOT/Library/Application Support/Metalama/PolicyAgent/bin" "$ROOT/Library/LaunchDaemons"
install -m 0755 "$BINARY" "$ROOT/Library/Application Support/Metalama/PolicyAgent/bin/metalama-policy-agent"
install -m 0644 "$HERE/com.postsharp.metalama.policy-agent.plist" "$ROOT/Library/LaunchDaemons/"
pkgbuild --root "$ROOT" --scripts "$HERE/scripts" --identifier com.postsharp.metalama.policy-agent \
    --version "$VERSION" --install-location / --ownership recommended "$WORK/agent.pkg"
productbuild --package "$WORK/agent.pkg" "$OUT/metalama-policy-agent-$VERSION.pkg"
echo "$OUT/metalama-policy-agent-$VERSION.pkg"
