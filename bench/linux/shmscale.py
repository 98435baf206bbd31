#!/usr/bin/python3
"""shmat + shmdt from 1 and 2 processes on 2 harts of riscv64 under QEMU's
multi-threaded TCG (issue 10): shmscale.c, here, in kit images.

    shmscale.py [--rounds R] [--pairs N] [--accel A] NAME=BUILD_DIR...

Builds shmscale.c (static, riscv64-linux-gnu-gcc) into an initrd, then boots
each image (a riscv64 build of the linux app with CONFIG_SMP) R times per
case, the images and cases taken in turn: 1 and 2 processes in one IPC
namespace, and 1 and 2 processes each in an IPC namespace of its own (-u:
no shm lock shared). QEMU runs with -smp 2 and -accel A (default
tcg,thread=multi: one host thread per hart). Prints the median of the mean
wall time per pair of each case, and the ratio of 2 processes to 1 (1.0:
perfect scaling; 2.0: none). The figures are only as good as the host's
idleness: a hart's thread that the host deschedules stalls the guest.
Only the standard library is used.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = [("shared ns, 1 process", "-p 1"), ("shared ns, 2 processes", "-p 2"),
         ("own ns, 1 process", "-u -p 1"), ("own ns, 2 processes", "-u -p 2")]


def boot(build, initrd, args, pairs, accel):
    cmd = [sys.executable, os.path.join(ROOT, "scripts", "run.py"), "--smp", "2", "--timeout", "600",
           "--initrd", initrd, "--append", f"init=/shmscale -- {args} -n {pairs}", build,
           "--", "-accel", accel]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    m = re.search(r"shmscale: .* mean (\d+)", out)
    if not m or "(all returned)" not in out:
        sys.exit(f"shmscale.py: {build} {args}: no figure, or frames not all returned:\n{out[-2000:]}")
    return int(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("builds", nargs="+", metavar="NAME=BUILD_DIR")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=10000)
    ap.add_argument("--accel", default="tcg,thread=multi")
    args = ap.parse_args()
    builds = [b.split("=", 1) for b in args.builds]
    tmp = tempfile.mkdtemp(prefix="shmscale-")
    prog, initrd = os.path.join(tmp, "shmscale"), os.path.join(tmp, "shmscale.cpio")
    subprocess.run(["riscv64-linux-gnu-gcc", "-static", "-O2", "-std=gnu11", "-Wall", "-Wextra",
                    "-Werror", "-o", prog, os.path.join(HERE, "shmscale.c")], check=True)
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "mkinitrd.py"), "-o", initrd, prog],
                   check=True)
    got = {(n, c): [] for n, _ in builds for c, _ in CASES}
    for r in range(args.rounds):
        for case, cargs in CASES:
            for name, build in builds:
                got[(name, case)].append(boot(build, initrd, cargs, args.pairs, args.accel))
                print(f"round {r + 1}: {name}, {case}: {got[(name, case)][-1]} ns", file=sys.stderr)
    print(f"{args.pairs} pairs per process, {args.rounds} rounds, -smp 2 -accel {args.accel}, "
          f"host with {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
    print("| build | namespaces | 1 process | 2 processes | 2/1 |")
    print("|---|---|---|---|---|")
    for name, _ in builds:
        for ns in ("shared", "own"):
            one = statistics.median(got[(name, f"{ns} ns, 1 process")])
            two = statistics.median(got[(name, f"{ns} ns, 2 processes")])
            print(f"| {name} | {ns} | {one / 1000:.1f} us | {two / 1000:.1f} us | **{two / one:.2f}** |")


if __name__ == "__main__":
    main()
