#!/usr/bin/python3
"""shmat + shmdt (and page_alloc + page_free) scaling without and with page-alloc's per-CPU caches
(frame lists and heap arrays), side by side in one run (make bench-shm-scale).

    shm_scale.py BEFORE_BIN AFTER_BIN [--rounds R] [--pairs N] [--cpus 1 2 4]

Runs the two builds of bench-shm-scale (shm_scale.c) alternately, R rounds
each, and prints for each the median over the rounds of the per-pair cost
at each CPU count (CPU time and wall time per pair per thread) and its
ratio to the cost at one CPU: 1.0 is perfect scaling, 2.0 at 2 CPUs is no
parallelism at all. Absolute times are only for reading the ratios.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys


def one_run(binary, pairs, cpus):
    out = subprocess.run([binary, str(pairs), *map(str, cpus)], capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"{binary} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    got = {}
    for line in out.stdout.splitlines():
        m = re.match(r"(\w+) cpus (\d+) cpu_ns ([\d.]+) wall_ns ([\d.]+)", line)
        if m:
            got[(m.group(1), int(m.group(2)))] = (float(m.group(3)), float(m.group(4)))
    return got


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("before")
    ap.add_argument("after")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pairs", type=int, default=200000)
    ap.add_argument("--cpus", type=int, nargs="+", default=[1, 2, 4])
    args = ap.parse_args()
    builds = [("caches off", args.before), ("caches on", args.after)]
    runs = {name: [] for name, _ in builds}
    for r in range(args.rounds):
        for name, binary in builds:
            runs[name].append(one_run(binary, args.pairs, args.cpus))
    print(f"{args.pairs} pairs per CPU, {args.rounds} rounds "
          f"(each the median of 7 runs), host with {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}")
    head = "| figure | build | clock | " + " | ".join(f"{n} CPU" for n in args.cpus) + " | " + \
        " | ".join(f"{n}/1" for n in args.cpus if n != 1) + " |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for fig, what in (("shm", "shmat+shmdt"), ("frames", "page_alloc+page_free")):
        for name, _ in builds:
            for k, clock in ((0, "cpu"), (1, "wall")):
                med = {n: statistics.median(r[(fig, n)][k] for r in runs[name])
                       for n in args.cpus}
                base = med.get(1)
                cells = [f"{med[n]:.0f} ns" for n in args.cpus]
                ratios = [f"**{med[n] / base:.2f}**" if base else "-"
                          for n in args.cpus if n != 1]
                print(f"| {what} | {name} | {clock} | " + " | ".join(cells + ratios) + " |")


if __name__ == "__main__":
    main()
