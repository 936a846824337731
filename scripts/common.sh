# Sourced by the scripts: the repository root and the persistent caches outside it.
MPA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export MPA_CACHE_DIR=${MPA_CACHE_DIR:-/var/cache/mpa-build}
export CCACHE_DIR=${CCACHE_DIR:-$MPA_CACHE_DIR/ccache}
mkdir -p "$CCACHE_DIR"
# Builds a CMake preset (configure once, then incremental): build_preset NAME
build_preset() {
    (cd "$MPA_ROOT" && cmake --preset "$1" >/dev/null && cmake --build --preset "$1")
}
