#!/usr/bin/env bash
# Registry.pol parse throughput, ours vs Samba's (python3-samba: ndr_unpack of samba.dcerpc.preg,
# which samba.gp_parse.gp_pol.GPPolParser.parse calls), on the same generated file in one run,
# timed the same way on both sides: bytes in memory -> list of records, freed outside the timer.
# Ours three ways (bench/registry_pol_bench.cpp): the zero-copy index, what the service does
# (index + the Metalama records decoded), and the full decode of every record.
# Usage: bench/registry_pol_vs_samba.sh [MB] (default 10). Needs the ci build (build/ci).
set -euo pipefail
cd "$(dirname "$0")/.."
mb="${1:-10}"
bench=build/ci/bench/registry_pol_bench
[ -x "$bench" ] || { echo "build first: cmake --build --preset ci --target registry_pol_bench" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf -- "$work"' EXIT
file="$work/Registry.pol"

"$bench" --write "$file" --mb "$mb"
echo "== ours (C++, $(basename "$bench"))"
out=$("$bench" "$file" --repeat 20)
echo "$out" | grep -v '^RESULT'
result=$(echo "$out" | sed -n 's/^RESULT //p')
index=$(echo "$result" | sed 's/.*index_mb_s=\([0-9.]*\).*/\1/')
service=$(echo "$result" | sed 's/.*service_mb_s=\([0-9.]*\).*/\1/')
full=$(echo "$result" | sed 's/.*full_mb_s=\([0-9.]*\).*/\1/')

# The same measure on Samba's side: the file unpacked into its list of entries, the previous
# run's objects freed before the clock starts (not inside the next timed run).
echo "== Samba (Python, samba.ndr.ndr_unpack(samba.dcerpc.preg.file).entries)"
out=$(/usr/bin/python3 - "$file" <<'PY'
import gc, statistics, sys, time
from samba.dcerpc import preg
from samba.ndr import ndr_unpack
data = open(sys.argv[1], "rb").read()
mb = len(data) / (1024 * 1024)
times = []
for _ in range(9):
    gc.collect()
    t0 = time.perf_counter()
    parsed = ndr_unpack(preg.file, data)
    entries = parsed.entries  # the list of entries, as every caller uses it
    times.append(time.perf_counter() - t0)
    count = len(entries)
    del entries, parsed  # teardown outside the timer
median = statistics.median(times)
print(f"parse: median {median * 1000:.1f} ms over {len(times)} runs = {mb / median:.1f} MB/s "
      f"({count} records)")
print(f"RESULT samba_parse_mb_s={mb / median:.2f}")
PY
)
echo "$out" | grep -v '^RESULT'
samba=$(echo "$out" | sed -n 's/^RESULT samba_parse_mb_s=//p')
ratio() { /usr/bin/python3 -c "print(f'{$1 / $samba:.1f}')"; }
echo "== load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== Samba ${samba} MB/s; ours: index ${index} MB/s ($(ratio "$index")x), service ${service} MB/s ($(ratio "$service")x), full decode ${full} MB/s ($(ratio "$full")x)"
