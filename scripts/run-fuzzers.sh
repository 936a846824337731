#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build/fuzz, separate from the gcc builds) and runs each
# for a bounded time on its committed corpus. New inputs go to build/fuzz/corpus-work/<target>,
# crashes to build/fuzz/artifacts/<target>/ (the script then fails). Used by CI and by hand:
#   FUZZ_SECONDS=600 scripts/run-fuzzers.sh
set -euo pipefail

cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
build=build/fuzz
targets=(registry_pol json_strict accounts plist admx env_file settings_key yaml_subset)

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DMPA_BUILD_FUZZERS=ON -DMPA_BUILD_TESTS=OFF >/dev/null
for target in "${targets[@]}"; do
  nice -n 10 cmake --build "$build" -j2 --target "${target}_fuzz"
done

status=0
for target in "${targets[@]}"; do
  work="$build/corpus-work/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$work" "$artifacts"
  echo "== $target: ${seconds}s"
  seeds=("tests/fuzz/corpus/$target")
  # The YAML reader's best seeds are the files it is for (not copied: they would drift apart).
  [ "$target" = yaml_subset ] && seeds+=(policies)
  if ! nice -n 10 "$build/tests/fuzz/${target}_fuzz" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix="$artifacts/" -max_len=65536 "$work" "${seeds[@]}" \
      2>"$build/$target.log"; then
    status=1
    echo "$target: FAILED, see $build/$target.log and $artifacts/"
  fi
  grep -E "^Done |stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)" \
    "$build/$target.log" || true
  echo "crashes: $(find "$artifacts" -type f | wc -l)"
done
exit "$status"
