#!/usr/bin/env bash
# Compile time and memory of kimflow, as bench/README.md reports them:
#   bench/compile/measure.sh [BUILD_DIR]
# Configures the default preset's settings into BUILD_DIR (default build/compile-measure) with
# no compiler cache, builds everything cold, and prints the whole build's wall time, the
# slowest translation units with their peak memory, and the host translation units that show
# what a program embedding kimflow pays (tests/host/). Needs /usr/bin/time (Debian's `time`).
set -euo pipefail
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build_dir=${1:-$source_dir/build/compile-measure}
log="$build_dir/compile-times.txt"
rm -rf "$build_dir"
mkdir -p "$build_dir"
: >"$log"
export KIMFLOW_TU_LOG="$log"
export CCACHE_DISABLE=1
cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKIMFLOW_BUILD_TESTS=ON -DKIMFLOW_BUILD_EXAMPLES=ON -DKIMFLOW_BUILD_BENCHMARKS=ON \
    -DCMAKE_CXX_COMPILER_LAUNCHER="$source_dir/bench/compile/time_tu.sh" \
    -DCMAKE_C_COMPILER_LAUNCHER="$source_dir/bench/compile/time_tu.sh" >/dev/null
start=$(date +%s)
cmake --build "$build_dir" -j "$(nproc)" >/dev/null
end=$(date +%s)
units=$(grep -c '\.o$' "$log" || true)
echo "cold build: $((end - start)) s on $(nproc) cores, $units translation units"
echo "slowest translation units (seconds, peak MB):"
grep '\.o$' "$log" | sort -rn | head -n 10 | awk '{ printf "  %6.1f s %6.0f MB  %s\n", $1, $2 / 1024, $3 }'
echo "peak memory of any translation unit: $(grep '\.o$' "$log" | sort -k2 -rn | head -n 1 | awk '{ printf "%.0f MB (%s)", $2 / 1024, $3 }')"
echo "host translation units (tests/host/):"
grep '/host/.*\.o$' "$log" | awk '{ printf "  %6.1f s %6.0f MB  %s\n", $1, $2 / 1024, $3 }' || echo "  none in this tree"
