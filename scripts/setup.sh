#!/usr/bin/env bash
# Installs the Debian packages the project needs to build, test, package and demo the agent,
# and nothing when they are all there. Runs as root on a fresh Debian 12 (bookworm).
set -euo pipefail

PACKAGES=(
    # build
    build-essential cmake ninja-build ccache pkg-config git
    libpoco-dev libyaml-cpp-dev libsqlite3-dev libplist-dev
    # tests: GoogleTest, and the real tools the tests check output with
    libgtest-dev libgmock-dev googletest
    libxml2-utils libplist-utils sqlite3 python3 python3-samba
    # fault tests: an immutable database file (chattr), a pass lock held by another process (flock)
    e2fsprogs util-linux
    # fuzzing (clang + libFuzzer runtime)
    clang libclang-rt-14-dev
    # packaging and its checks
    dpkg-dev fakeroot rpm lintian debootstrap systemd file wixl msitools
    # Windows: the mingw-w64 cross build (windres and windmc come with binutils-mingw-w64), its
    # dependency sysroot (tcl: SQLite's amalgamation), the tests and the MSI under Wine,
    # Authenticode signing (osslsigncode; openssl makes CI's throwaway certificate) and the
    # check of the executable's resources (icoutils: wrestool)
    mingw-w64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 wine wine64 tcl
    osslsigncode openssl icoutils
    # package tests: timings (bc), the man page check (groff)
    bc groff-base
    # benchmarks: peak RSS and CPU time of a pass (GNU time), system calls per profile (strace)
    time strace
    # the effective-environment tests: unshare and su (util-linux), pam_env (libpam-modules)
    util-linux libpam-modules
    # Active Directory suite: a Samba AD DC in its own namespaces, samba-gpupdate, winbind users
    samba samba-ad-dc samba-ad-provision samba-dsdb-modules samba-common-bin smbclient
    winbind libnss-winbind libpam-winbind krb5-user iproute2
)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#PACKAGES[@]} packages are installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]}; run this script as root to install them" >&2
    exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
