#!/usr/bin/env bash
# Registry.pol parse throughput, ours vs Samba's (python3-samba: ndr_unpack of samba.dcerpc.preg,
# which samba.gp_parse.gp_pol.GPPolParser.parse calls), on the same generated file in one run.
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
ours=$(echo "$out" | sed -n 's/^RESULT ours_parse_mb_s=//p')

echo "== Samba (Python, samba.ndr.ndr_unpack(samba.dcerpc.preg.file))"
out=$(/usr/bin/python3 - "$file" <<'PY'
import statistics, sys, time
from samba.dcerpc import preg
from samba.ndr import ndr_unpack
data = open(sys.argv[1], "rb").read()
mb = len(data) / (1024 * 1024)
times = []
for _ in range(5):
    t0 = time.perf_counter()
    parsed = ndr_unpack(preg.file, data)
    entries = parsed.entries  # materialise the Python objects, as every caller does
    times.append(time.perf_counter() - t0)
median = statistics.median(times)
print(f"parse: median {median * 1000:.1f} ms over {len(times)} runs = {mb / median:.1f} MB/s "
      f"({len(entries)} records)")
print(f"RESULT samba_parse_mb_s={mb / median:.2f}")
PY
)
echo "$out" | grep -v '^RESULT'
samba=$(echo "$out" | sed -n 's/^RESULT samba_parse_mb_s=//p')
echo "== ours ${ours} MB/s, Samba ${samba} MB/s, ratio $(/usr/bin/python3 -c "print(f'{$ours / $samba:.1f}')")x"
