#!/bin/sh
# ipc-shm's side of the key-lookup figures (see docs/benchmarks.md):
#   bench/ipc-shm/run-lookup.sh [iterations]
# Builds the unit-test tree without sanitizers in build/bench and runs
# bench-ipc-shm-lookup.
set -e
root=$(cd "$(dirname "$0")/../.." && pwd)
gen=$(command -v ninja >/dev/null && echo "-G Ninja" || true)
cmake -S "$root" -B "$root/build/bench" $gen -DKIT_DEFCONFIG="$root/tests/unit/defconfig" \
	-DKIT_TESTS=ON -DKIT_SANITIZE=OFF > "$root/build/bench.configure.log"
cmake --build "$root/build/bench" --target bench-ipc-shm-lookup > /dev/null
exec "$root/build/bench/tests/unit/ipc-shm/bench-ipc-shm-lookup" "$@"
