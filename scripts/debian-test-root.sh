#!/usr/bin/env bash
# Prints the path of a tarball holding a minimal Debian 12 (bookworm) root with the given packages
# preinstalled (the agent's runtime libraries: then `dpkg -i metalama-policy-agent_*.deb` inside
# it needs no network). Made with debootstrap (or mmdebstrap when installed) and cached under
# $MPA_CACHE_DIR, keyed by the package list: only the first run with a given list pays the
# download. Progress goes to stderr; the path is the only stdout line.
#   debian-test-root.sh PACKAGE[,PACKAGE...]
#   MPA_DEBIAN_MIRROR  mirror to bootstrap from (default http://deb.debian.org/debian)
set -euo pipefail
source "$(dirname "$0")/common.sh"

# minbase already has passwd (useradd) and init-system-helpers (deb-systemd-helper), which the
# test and the maintainer scripts use.
INCLUDE=$(tr ',' '\n' <<<"${1:?usage: debian-test-root.sh PACKAGE[,PACKAGE...]}" | sort -u |
    paste -sd, -)
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
# Roots made for an older package list are not used any more.
for old in "$MPA_CACHE_DIR"/debian-$SUITE-minbase-*.tar; do
    [ "$old" = "$tarball" ] || rm -f "$old" "$old.lock"
done
echo "debian-test-root: made $tarball in $((SECONDS - start)) s" \
    "($(du -h "$tarball" | cut -f1))" >&2
echo "$tarball"
