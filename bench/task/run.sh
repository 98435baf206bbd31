#!/bin/sh
# Context-switch benchmark, every configuration in this directory:
#   host*_defconfig      run as a Linux process (no sanitizers, -O2), with
#                        Linux sched_yield between two pinned processes
#                        measured in the same run;
#   riscv64*_defconfig   booted in QEMU with -icount shift=0, so instret
#                        counts retired instructions (the image checks it).
# Usage: bench/task/run.sh   (from the repository root; see docs/benchmarks.md)
set -eu
cd "$(dirname "$0")/../.."
for dc in bench/task/*_defconfig; do
	stem=$(basename "$dc" _defconfig)
	name=bench-task-$stem
	echo "== $stem"
	case $stem in
	host*) platform=host ;;
	*) platform=riscv64-qemu-virt ;;
	esac
	make -s build PLATFORM=$platform APP_DIR=bench/task CONFIG="$dc" NAME="$name" >/dev/null
	if [ $platform = host ]; then
		/usr/bin/python3 scripts/run.py "build/$name"
	else
		/usr/bin/python3 scripts/run.py "build/$name" -- -icount shift=0 | grep '^bench:'
	fi
done
