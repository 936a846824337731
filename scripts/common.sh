# Sourced by the scripts: the repository root and the persistent caches outside it.
MPA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MPA_CACHE_DIR=${MPA_CACHE_DIR:-/var/cache/mpa-build}
export CCACHE_DIR=${CCACHE_DIR:-$MPA_CACHE_DIR/ccache}
mkdir -p "$CCACHE_DIR"
# Paths inside the checkout are hashed relative to it, so a second clone or work tree (CI clones
# into a fresh folder every run) reuses the cache instead of compiling everything again.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$MPA_ROOT}
export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
# Builds a CMake preset (configure once, then incremental): build_preset NAME [BUILD ARGS...]
build_preset() {
    local preset=$1; shift
    (cd "$MPA_ROOT" && cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" "$@")
}
# The tests ctest reported as skipped (a GTEST_SKIP, usually a missing tool or privilege), one
# per line, from a ctest log: ctest_skips LOG. Under CI=true each one counts as a failure
# (scripts/test.sh, scripts/test-windows.sh): a test that cannot run must not pass silently.
ctest_skips() {
    sed -nE 's/^[[:space:]]*[0-9]+ - (.*) \((Skipped|Not Run|Disabled)\)[[:space:]]*$/\1/p' "$1"
}
# Prints the skipped tests of a ctest log with how to see each one's reason, and returns their
# count in the variable named by its second argument: report_skips LOG VAR
report_skips() {
    local log=$1 name
    local -n count=$2
    count=0
    while IFS= read -r name; do
        [ -n "$name" ] || continue
        count=$((count + 1))
        if [ "${CI:-}" = true ]; then
            echo "  FAIL (skipped under CI=true)  $name"
        else
            echo "  skipped  $name"
        fi
    done < <(ctest_skips "$log")
    if [ "$count" -gt 0 ]; then
        echo "  (each test says why and which package it needs: ctest ... -R '<name>' -V)"
    fi
}
