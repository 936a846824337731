#!/usr/bin/env bash
# Prints the path of a tarball holding a minimal Debian 12 (bookworm) root with the agent's runtime
# libraries preinstalled, so `dpkg -i metalama-policy-agent_*.deb` inside it needs no network.
# Made once with debootstrap (or mmdebstrap when installed) and cached under $MPA_CACHE_DIR: only
# the first run pays the download. Progress goes to stderr; the path is the only stdout line.
#   MPA_DEBIAN_MIRROR  mirror to bootstrap from (default http://deb.debian.org/debian)
set -euo pipefail
source "$(dirname "$0")/common.sh"

# The shared libraries the agent links (what dpkg-shlibdeps puts in Depends; libpocoutil80 for the
# service's ServerApplication), plus nothing else: minbase already has passwd (useradd) and
# init-system-helpers (deb-systemd-helper), which the maintainer scripts use.
INCLUDE=libpocofoundation80,libpocojson80,libpocoxml80,libpocoutil80,libsqlite3-0,libssl3,libyaml-cpp0.7,libstdc++6
SUITE=bookworm
MIRROR=${MPA_DEBIAN_MIRROR:-http://deb.debian.org/debian}

# The cache key changes when what goes into the root changes.
key=$(printf '%s|%s|%s' "$SUITE" "$INCLUDE" "$(dpkg --print-architecture)" | sha256sum | cut -c1-16)
tarball=$MPA_CACHE_DIR/debian-$SUITE-minbase-$key.tar
if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi

mkdir -p "$MPA_CACHE_DIR"
# One builder at a time; a second caller waits and then finds the tarball.
exec 9>"$tarball.lock"
flock 9
if [ -s "$tarball" ]; then
    echo "$tarball"
    exit 0
fi

work=$(mktemp -d "$MPA_CACHE_DIR/debian-root.XXXXXX")
trap 'rm -rf --one-file-system "$work"' EXIT
start=$SECONDS
if command -v mmdebstrap >/dev/null; then
    echo "debian-test-root: mmdebstrap $SUITE (minbase) into a tarball" >&2
    mmdebstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root.tar" "$MIRROR" >&2
else
    echo "debian-test-root: debootstrap $SUITE (minbase, cold: downloads ~60 MB)" >&2
    debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$work/root" "$MIRROR" >&2
    # Drop the downloaded .debs: the tarball is the cache.
    rm -f "$work"/root/var/cache/apt/archives/*.deb
    tar -C "$work/root" --numeric-owner -cf "$work/root.tar" .
fi
mv "$work/root.tar" "$tarball"
echo "debian-test-root: made $tarball in $((SECONDS - start)) s" \
    "($(du -h "$tarball" | cut -f1))" >&2
echo "$tarball"
