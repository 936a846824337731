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
