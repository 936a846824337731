#!/usr/bin/env bash
# Builds the static Windows (mingw-w64) dependencies of the agent from Debian's source packages into
# a cached sysroot, and prints its path as the last line of stdout:
#
#   export MPA_WIN_SYSROOT=$(scripts/build-windows-deps.sh | tail -1)
#
# Cache: ${MPA_CACHE_DIR:-/var/cache/mpa-build}/win-sysroot-<key>, where <key> hashes the Debian
# source versions, the mingw-w64 compiler version, this script and cmake/mingw-toolchain.cmake.
# A finished sysroot holds the stamp file .complete; with it present this script only prints the
# path. Delete the directory (or change any input of the key) to rebuild. Cold build: ~10 min on
# 2 cores; see docs/building.md.
#
# Idempotent; installs missing packages with apt-get (needs root then). Progress goes to stderr,
# one log per step next to the sysroot.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLCHAIN="$REPO/cmake/mingw-toolchain.cmake"
CACHE_DIR=${MPA_CACHE_DIR:-/var/cache/mpa-build}
HOST_PACKAGES=(mingw-w64 g++-mingw-w64-x86-64 wine wine64 cmake ninja-build tcl build-essential
  dpkg-dev googletest ccache)
SOURCE_PACKAGES=(poco sqlite3 yaml-cpp)
JOBS=2

say() { echo "[win-deps] $*" >&2; }
die() { say "ERROR: $*"; exit 1; }
n() { nice -n 10 "$@"; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "$1 needs root (run this script as root, or ask an admin)"
}

# --- 1. Host packages -------------------------------------------------------------------------
missing=()
for p in "${HOST_PACKAGES[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
apt_updated=0
if [ ${#missing[@]} -gt 0 ]; then
  need_root "installing ${missing[*]}"
  say "installing: ${missing[*]}"
  apt-get update -qq >&2
  apt_updated=1
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

# --- 2. deb-src entries (needed by apt-cache showsrc and apt-get source) ----------------------
has_deb_src() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    grep -qE '^[[:space:]]*(deb-src[[:space:]]|Types:.*\bdeb-src\b)' "$f" && return 0
  done
  return 1
}
if ! has_deb_src; then
  need_root "adding deb-src entries to apt"
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    # deb822: copy every stanza that has Types: deb, as Types: deb-src.
    awk 'BEGIN { RS = ""; ORS = "" }
         {
           n = split($0, lines, "\n"); out = ""; is_deb = 0
           for (i = 1; i <= n; i++) {
             if (lines[i] ~ /^#/) continue
             if (lines[i] ~ /^Types:/) {
               m = split(substr(lines[i], 7), types, /[ \t]+/)
               for (j = 1; j <= m; j++) if (types[j] == "deb") is_deb = 1
               lines[i] = "Types: deb-src"
             }
             out = out lines[i] "\n"
           }
           if (is_deb) print out "\n"
         }' /etc/apt/sources.list.d/debian.sources >/etc/apt/sources.list.d/mpa-deb-src.sources
    say "added /etc/apt/sources.list.d/mpa-deb-src.sources"
  elif [ -f /etc/apt/sources.list ] && grep -qE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    sed -nE 's/^[[:space:]]*deb[[:space:]]/deb-src /p' /etc/apt/sources.list \
      >/etc/apt/sources.list.d/mpa-deb-src.list
    say "added /etc/apt/sources.list.d/mpa-deb-src.list"
  else
    die "no Debian apt source found to derive a deb-src entry from"
  fi
  apt_updated=0
fi
# Source indexes must exist locally (a fresh deb-src entry, or lists never fetched).
if [ "$apt_updated" -eq 0 ] && ! apt-cache showsrc "${SOURCE_PACKAGES[0]}" 2>/dev/null | grep -q '^Version:'; then
  need_root "apt-get update"
  say "apt-get update (source indexes)"
  apt-get update -qq >&2
fi

# --- 3. Cache key -------------------------------------------------------------------------------
# Versions of a source package that apt knows, newest first. The newest is built; if the mirror
# lacks its files (seen here: bookworm-security listed openssl 3.0.22 but served no .dsc), the next
# one is, with a warning. All of them go into the key, so any change to the index rebuilds.
source_versions() {
  local versions
  versions=$(apt-cache showsrc "$1" 2>/dev/null |
    awk -v p="$1" '/^Package: /{ok = ($2 == p)} ok && /^Version: /{print $2}' |
    sort -u)
  [ -n "$versions" ] || die "apt knows no source package '$1' (is deb-src configured?)"
  # dpkg's version order, newest first (insertion sort; a handful of entries).
  local sorted=() v i
  for v in $versions; do
    i=${#sorted[@]}
    sorted+=("$v")
    while [ "$i" -gt 0 ] && dpkg --compare-versions "$v" gt "${sorted[$((i - 1))]}"; do
      sorted[$i]=${sorted[$((i - 1))]}; i=$((i - 1)); sorted[$i]=$v
    done
  done
  echo "${sorted[*]}"
}
declare -A SRCVERS
key_text=""
for p in "${SOURCE_PACKAGES[@]}"; do
  SRCVERS[$p]=$(source_versions "$p")
  key_text+="$p=${SRCVERS[$p]}"$'\n'
done
key_text+="googletest=$(dpkg-query -W -f='${Version}' googletest)"$'\n'
key_text+="mingw-g++=$(x86_64-w64-mingw32-g++-posix -dumpfullversion) $(dpkg-query -W -f='${Version}' g++-mingw-w64-x86-64-posix) $(dpkg-query -W -f='${Version}' mingw-w64-x86-64-dev)"$'\n'
key_text+="script=$(sha256sum <"${BASH_SOURCE[0]}" | cut -c1-64)"$'\n'
key_text+="toolchain=$(sha256sum <"$TOOLCHAIN" | cut -c1-64)"$'\n'
KEY=$(printf '%s' "$key_text" | sha256sum | cut -c1-16)

SR="$CACHE_DIR/win-sysroot-$KEY"
if [ -f "$SR/.complete" ]; then
  say "cached sysroot: $SR"
  echo "$SR"
  exit 0
fi

# --- 4. Build -----------------------------------------------------------------------------------
mkdir -p "$CACHE_DIR"
exec 9>"$SR.lock"
if ! flock -n 9; then
  say "another build of this sysroot is running; waiting for it"
  flock 9
fi
if [ -f "$SR/.complete" ]; then echo "$SR"; exit 0; fi

WORK="$SR.build"       # scratch: sources and build trees, removed on success
LOGS="$SR.logs"        # one log per step, kept
mkdir -p "$SR/include" "$SR/lib" "$WORK" "$LOGS"
printf '%s' "$key_text" >"$SR/cache-key.txt"
say "building sysroot $SR (key inputs in $SR/cache-key.txt)"
export CCACHE_DIR=${CCACHE_DIR:-$CACHE_DIR/ccache}
CMAKE_COMMON=(-G Ninja -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DWINCROSS_SYSROOT="$SR"
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$SR" -DBUILD_SHARED_LIBS=OFF
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

# step NAME FUNCTION: runs FUNCTION once (a .done stamp lets a rerun resume after a failure).
step() {
  local name=$1 fn=$2 t0 rc
  if [ -f "$WORK/.done-$name" ]; then say "step $name: already done"; return; fi
  say "step $name ... (log: $LOGS/$name.log)"
  t0=$(date +%s)
  set +e
  (set -e; cd "$WORK"; "$fn") >"$LOGS/$name.log" 2>&1
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    tail -n 25 "$LOGS/$name.log" >&2
    die "step '$name' failed (exit $rc); full log: $LOGS/$name.log"
  fi
  touch "$WORK/.done-$name"
  say "step $name: done in $(($(date +%s) - t0)) s"
}

fetch_sources() {
  rm -rf src "$SR/versions.txt" && mkdir src && cd src
  local p v got
  for p in "${SOURCE_PACKAGES[@]}"; do
    got=""
    for v in ${SRCVERS[$p]}; do
      if apt-get source --download-only "$p=$v"; then got=$v; break; fi
      echo "WARNING: could not download source $p $v; trying an older version" | tee -a warnings.txt
      rm -f "${p}"_*
    done
    [ -n "$got" ] || { echo "no version of source package $p could be downloaded"; return 1; }
    echo "$p $got" >>"$SR/versions.txt"
    dpkg-source -x "${p}_${got#*:}.dsc" "$p"   # applies Debian's patches
  done
}

build_sqlite() {
  # Debian ships the full tree, not the amalgamation: generate sqlite3.c with the host compiler.
  rm -rf sqlite-native && mkdir sqlite-native && cd sqlite-native
  ../src/sqlite3/configure --disable-tcl
  n make sqlite3.c
  n x86_64-w64-mingw32-gcc-posix -O2 -DSQLITE_THREADSAFE=1 -DSQLITE_ENABLE_COLUMN_METADATA \
    -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -c sqlite3.c -o sqlite3.o
  rm -f libsqlite3.a
  x86_64-w64-mingw32-gcc-ar-posix rcs libsqlite3.a sqlite3.o
  install -m 644 libsqlite3.a "$SR/lib/"
  install -m 644 sqlite3.h sqlite3ext.h "$SR/include/"
}

build_yaml_cpp() {
  n cmake -S src/yaml-cpp -B yaml-cpp-build "${CMAKE_COMMON[@]}" -DYAML_BUILD_SHARED_LIBS=OFF \
    -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DYAML_CPP_BUILD_CONTRIB=OFF
  n cmake --build yaml-cpp-build -j"$JOBS"
  cmake --install yaml-cpp-build
}

build_googletest() {
  n cmake -S /usr/src/googletest -B googletest-build "${CMAKE_COMMON[@]}" -DBUILD_GMOCK=ON \
    -Dgtest_force_shared_crt=ON
  n cmake --build googletest-build -j"$JOBS"
  cmake --install googletest-build
}

build_poco() {
  # Poco/UnWindows.h includes <Winsock2.h> and <Iphlpapi.h> on MinGW; mingw-w64's headers are
  # lower case. One-line wrappers in the sysroot's include dir fix it for Poco and its users.
  echo '#include <winsock2.h>' >"$SR/include/Winsock2.h"
  echo '#include <iphlpapi.h>' >"$SR/include/Iphlpapi.h"
  # Only what the agent uses: Foundation, Util, XML, JSON (it calls sqlite3 directly; its
  # SHA-256 and MD5 are Foundation's). Net/NetSSL/Crypto/Data and the rest are off.
  n cmake -S src/poco -B poco-build "${CMAKE_COMMON[@]}" -DPOCO_UNBUNDLED=OFF \
    -DCMAKE_CXX_FLAGS="-isystem $SR/include" -DCMAKE_C_FLAGS="-isystem $SR/include" \
    -DCMAKE_MC_COMPILER="$(command -v x86_64-w64-mingw32-windmc)" \
    -DENABLE_FOUNDATION=ON -DENABLE_UTIL=ON -DENABLE_XML=ON -DENABLE_JSON=ON \
    -DENABLE_NET=OFF -DENABLE_NETSSL=OFF -DENABLE_NETSSL_WIN=OFF -DENABLE_CRYPTO=OFF \
    -DENABLE_DATA=OFF -DENABLE_DATA_SQLITE=OFF -DENABLE_DATA_MYSQL=OFF \
    -DENABLE_DATA_POSTGRESQL=OFF -DENABLE_DATA_ODBC=OFF -DENABLE_ENCODINGS=OFF \
    -DENABLE_ENCODINGS_COMPILER=OFF -DENABLE_MONGODB=OFF -DENABLE_REDIS=OFF -DENABLE_PDF=OFF \
    -DENABLE_ZIP=OFF -DENABLE_SEVENZIP=OFF -DENABLE_CPPPARSER=OFF -DENABLE_POCODOC=OFF \
    -DENABLE_PAGECOMPILER=OFF -DENABLE_PAGECOMPILER_FILE2PAGE=OFF -DENABLE_ACTIVERECORD=OFF \
    -DENABLE_ACTIVERECORD_COMPILER=OFF -DENABLE_JWT=OFF -DENABLE_APACHECONNECTOR=OFF \
    -DENABLE_TESTS=OFF
  n cmake --build poco-build -j"$JOBS"
  cmake --install poco-build
}

t_start=$(date +%s)
step fetch-sources fetch_sources
[ ! -f "$WORK/src/warnings.txt" ] || sed 's/^/[win-deps] /' "$WORK/src/warnings.txt" >&2
step sqlite build_sqlite
step yaml-cpp build_yaml_cpp
step googletest build_googletest
step poco build_poco

rm -rf "$WORK"
date -u +%Y-%m-%dT%H:%M:%SZ >"$SR/.complete"
say "sysroot complete in $(($(date +%s) - t_start)) s: $SR ($(du -sh "$SR" | cut -f1))"
echo "$SR"
