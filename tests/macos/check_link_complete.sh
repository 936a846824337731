#!/usr/bin/env bash
# The macOS link check, run on Linux: is the macOS source list link-complete?
#   check_link_complete.sh LIBMPA_<FLOOR>.a... MAC_OBJECT...
# The macOS build compiles the common code, agent/platform/*_common.cpp, *_posix.cpp and
# *_mac.cpp (CMakeLists.txt). The Linux build's libraries (one per floor) hold the same common, _common and
# _posix objects, plus the *_linux.cpp ones, which are left out here; MAC_OBJECT are the *_mac.cpp
# files and main.cpp compiled with the host compiler (tests/CMakeLists.txt: mpa_macos_link_check).
# Fails when
#   - a symbol of the agent (namespace mpa) that the macOS objects use is defined by none of them
#     (what left the macOS build unable to link: ChangeWatcher::create, hostServiceManager);
#   - one is defined by two of them (a duplicate definition);
#   - the macOS objects call a Linux-only system function (inotify, epoll, pipe2, ...).
# What it cannot show: that Apple's headers and linker accept the code (no SDK here); see
# docs/building.md.
set -euo pipefail
archives=()
while [ $# -gt 0 ] && [[ $1 == *.a ]]; do archives+=("$1"); shift; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# "object<TAB>type<TAB>mangled<TAB>demangled" for every symbol of every macOS object. Symbols are
# compared mangled (a constructor's complete and base variants demangle to one name); the
# demangled name selects the agent's own (namespace mpa) and is what a failure prints.
{
    for archive in "${archives[@]}"; do
        nm -A "$archive" 2>/dev/null | grep -v '_linux\.cpp\.o:' || true
    done
    for object in "$@"; do nm -A "$object"; done
} | sed -nE 's/^(.*\.o):[0-9a-f ]* ([A-Za-z]) (.*)$/\1\t\2\t\3/p' >"$work/raw"
cut -f3 "$work/raw" | c++filt >"$work/demangled"
paste "$work/raw" "$work/demangled" >"$work/symbols"

awk -F'\t' '$2 ~ /^[TDBR]$/ && $4 ~ /^mpa::/ {print $3 "\t" $4}' "$work/symbols" | sort >"$work/defined-strong"
awk -F'\t' '$2 ~ /^[TDBRVWu]$/ {print $3 "\t" $4}' "$work/symbols" | sort -u >"$work/defined"
awk -F'\t' '$2 == "U" && $4 ~ /^mpa::/ {print $3 "\t" $4}' "$work/symbols" | sort -u >"$work/used"

failed=0
missing=$(comm -23 "$work/used" "$work/defined")
if [ -n "$missing" ]; then
    echo "FAIL: used by the macOS build, defined by none of its files:"
    cut -f2 <<<"$missing" | sed 's/^/  /'
    failed=1
fi
duplicates=$(cut -f1 "$work/defined-strong" | uniq -d | c++filt)
if [ -n "$duplicates" ]; then
    echo "FAIL: defined twice in the macOS build:"
    sed 's/^/  /' <<<"$duplicates"
    failed=1
fi
linux_only=$(awk -F'\t' '$2 == "U" && $3 ~ /^(inotify_|epoll_|signalfd|pipe2$|accept4$|getrandom$|statx$|eventfd|timerfd_|memfd_create$|sd_)/ {print $1": "$3}' "$work/symbols" | sort -u)
if [ -n "$linux_only" ]; then
    echo "FAIL: Linux-only system functions in the macOS build:"
    sed 's/^/  /' <<<"$linux_only"
    failed=1
fi
for needed in 'mpa::platform::ChangeWatcher::create' 'mpa::platform::hostServiceManager()' \
    'mpa::platform::hostLaunchd()'; do
    if ! awk -F'\t' -v n="$needed" 'index($2, n) == 1 {found = 1} END {exit !found}' "$work/defined"; then
        echo "FAIL: $needed has no macOS definition"
        failed=1
    fi
done
echo "macOS objects: $(cut -f1 "$work/symbols" | sort -u | wc -l); agent symbols used: $(wc -l <"$work/used"), defined: $(cut -f2 "$work/defined" | grep -c '^mpa::')"
[ "$failed" -eq 0 ] && echo "PASS: the macOS source list is link-complete"
exit "$failed"
