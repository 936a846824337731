#!/usr/bin/env bash
# The habits the repository keeps for you: every C++ file formatted as .clang-format says, and
# clang-tidy (.clang-tidy's checks) clean on every file whose content or project headers changed
# since it was last found clean. Results are remembered under $MPA_CACHE_DIR/lint, keyed by the
# file, the project headers it includes (transitively; paths relative to the checkout, so every
# clone shares the results) and both configuration files, so a warm run checks only what changed
# and a cold one (a fresh machine) checks everything once.
# Ends with "N passed, N failed" (one per file checked).   scripts/lint.sh [--all]
set -uo pipefail
source "$(dirname "$0")/common.sh"
cd "$MPA_ROOT"

build=build/ci
if [ ! -f "$build/compile_commands.json" ]; then
    build_preset ci >/dev/null || { echo "lint: the ci build failed"; echo "0 passed, 1 failed"; exit 1; }
fi
cache="$MPA_CACHE_DIR/lint"
mkdir -p "$cache"
[ "${1:-}" = "--all" ] && rm -f "$cache"/*.ok

passed=0
failed=0

# Layout: clang-format over every tracked C++ file (fast: no compilation).
mapfile -t sources < <(git ls-files '*.cpp' '*.hpp' '*.h' '*.c')
if format=$(clang-format --dry-run --Werror "${sources[@]}" 2>&1); then
    passed=$((passed + 1))
else
    echo "$format" | grep -E '^[^ ].*(warning|error):' | head -40
    echo "lint: files not formatted as .clang-format says; run clang-format -i on them"
    failed=$((failed + 1))
fi

# Light headers (docs/building.md, "Build times"): Poco's headers and <regex> add tens of
# thousands of lines to every file that includes them, so no header of agent/ includes either
# (Poco stays in the .cpp files that use it) and no test or benchmark includes <regex>.
heavy=$(git grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(Poco/[^>]*|regex)>' -- 'agent/*.hpp'
    git grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*<regex>' -- 'tests/*' 'bench/*')
if [ -z "$heavy" ]; then
    passed=$((passed + 1))
else
    echo "$heavy"
    echo "lint: Poco or <regex> included where docs/building.md (\"Build times\") keeps them out"
    failed=$((failed + 1))
fi

# clang-tidy over the translation units of this platform's build that are due.
mapfile -t due < <(python3 - "$build/compile_commands.json" "$cache" <<'PY'
import hashlib, json, os, re, sys
commands, cache = sys.argv[1], sys.argv[2]
root = os.getcwd()
include = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
search = [os.path.join(root, d) for d in ("agent", "tests", "bench")]
config = b"".join(open(f, "rb").read() for f in (".clang-tidy", ".clang-format"))
memo = {}
def closure(path, seen):
    if path in seen: return
    seen.add(path)
    if path not in memo:
        memo[path] = open(path, "rb").read()
    base = [os.path.dirname(path)] + search
    for name in include.findall(memo[path].decode("utf-8", "replace")):
        for d in base:
            candidate = os.path.normpath(os.path.join(d, name))
            if os.path.isfile(candidate):
                closure(candidate, seen); break
for entry in json.load(open(commands)):
    f = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
    rel = os.path.relpath(f, root)
    if not rel.startswith("agent/") or not os.path.isfile(f): continue
    seen = set(); closure(f, seen)
    h = hashlib.sha256(config)
    for p in sorted(seen): h.update(os.path.relpath(p, root).encode()); h.update(memo[p])
    key = os.path.join(cache, h.hexdigest()[:32] + ".ok")
    if not os.path.exists(key): print(rel + "\t" + key)
PY
)
echo "lint: clang-tidy on ${#due[@]} file(s) not yet found clean"
tidy_one() {  # tidy_one "FILE<TAB>KEY": prints "ok FILE" or the warnings and "failed FILE"
    local file=${1%%$'\t'*} key=${1#*$'\t'} out
    if out=$(clang-tidy -p "$build" --quiet "$file" 2>&1); then
        : >"$key"
        echo "ok $file"
    else
        echo "$out" | grep -E 'warning:|error:' | head -20
        echo "failed $file"
    fi
}
export -f tidy_one
export build
results=$(printf '%s\n' "${due[@]}" | grep -v '^$' |
    xargs -r -d '\n' -n 1 -P "$(nproc)" bash -c 'tidy_one "$0"')
echo "$results" | grep -v '^ok ' | grep -v '^$'
passed=$((passed + $(grep -c '^ok ' <<<"$results")))
failed=$((failed + $(grep -c '^failed ' <<<"$results")))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
