#!/usr/bin/env bash
# Run the autodiff benchmarks (B1-B3 of shared/LECTURE.md) in Go and the same
# workloads in PyTorch, and print one side-by-side table with the ratios
# against the issue's targets.
#
#   autodiff/benchcmp/run.sh            full run (about 4 minutes)
#   autodiff/benchcmp/run.sh --quick    fewer samples, no 1e6 PyTorch chain
#
# Needs Debian's python3-torch and libopenblas0-pthread (installed when
# missing). PyTorch runs under /usr/bin/python3 with one OpenBLAS thread;
# OPENBLAS_CORETYPE is unset because a forced core type slows OpenBLAS.
set -euo pipefail
cd "$(dirname "$0")/../.."

quick=""
count=5
benchtime=1s
if [ "${1:-}" = "--quick" ]; then
	quick="--quick"
	count=3
	benchtime=300ms
fi

missing=()
for p in python3-torch libopenblas0-pthread; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "benchcmp: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${missing[@]}" >/dev/null
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
# The benchmark names compare.py reads; see GO in compare.py.
pattern='^Benchmark(B1Chain|B2Dense|B3Jacobian|B3Hessian|ChainMemory)$'
echo "benchcmp: go test -bench (count $count, benchtime $benchtime)" >&2
GOMAXPROCS=1 go test -run='^$' -bench="$pattern" -benchmem -count="$count" \
	-benchtime="$benchtime" ./autodiff ./autodiff/benchcmp | tee "$out" | grep -E '^(goos|goarch|cpu|pkg):' | sort -u

echo "benchcmp: PyTorch" >&2
env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 PYTHONDONTWRITEBYTECODE=1 \
	/usr/bin/python3 autodiff/benchcmp/compare.py "$out" $quick
