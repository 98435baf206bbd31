#!/bin/sh
# The Linux side of the ipc-shm benchmark (see docs/benchmarks.md):
#   bench/ipc-shm/run-linux.sh [iterations]
# Builds linux_shm_bench.c with the host compiler and runs it. As root it
# runs in a fresh IPC namespace with shmmni = 32768, so the 32768-segment
# key lookup can run and the machine's own segments do not interfere.
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/linux_shm_bench
cc -O2 -std=gnu11 -Wall -Wextra -o "$out" "$here/linux_shm_bench.c"
if [ "$(id -u)" = 0 ] && unshare -i true 2>/dev/null; then
	exec unshare -i sh -c "echo 32768 > /proc/sys/kernel/shmmni && exec '$out' $*"
fi
echo "(not root: the host namespace's shmmni applies)" >&2
exec "$out" "$@"
