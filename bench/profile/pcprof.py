#!/usr/bin/python3
"""Instructions per function from pcprof.so's output and the image's ELF.

    bench/profile/pcprof.py [--top N] [--base BASE] PROFILE IMAGE.elf

PROFILE holds "address count" lines (bench/profile/pcprof.c); each address
is charged to the function symbol that contains it (llvm-nm -n of the ELF;
the compiler's local .L labels are skipped). Prints the N most expensive
functions (default 30), their share, and the total. With --base, a second
profile of the same image (a run doing less: the same program without the
operation of interest), what each function costs in PROFILE beyond BASE.
Only the standard library is used.
"""
import argparse
import bisect
import subprocess
import sys


def symbols(elf):
    out = subprocess.run(["llvm-nm", "-n", "--defined-only", elf], check=True, capture_output=True,
                         text=True).stdout
    addrs, names = [], []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW" and not parts[2].startswith(".L"):
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def load(path, addrs, names):
    per = {}
    total = 0
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                print(line.strip(), file=sys.stderr)
                continue
            va, n = line.split()
            va, n = int(va, 16), int(n)
            i = bisect.bisect_right(addrs, va) - 1
            name = names[i] if i >= 0 else "?"
            per[name] = per.get(name, 0) + n
            total += n
    return per, total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("profile")
    ap.add_argument("elf")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--base")
    a = ap.parse_args()
    addrs, names = symbols(a.elf)
    per, total = load(a.profile, addrs, names)
    if a.base:
        base, base_total = load(a.base, addrs, names)
        per = {k: v - base.get(k, 0) for k, v in per.items()}
        total -= base_total
    print(f"{'instructions':>14} {'share':>6}  function")
    for name, n in sorted(per.items(), key=lambda kv: -kv[1])[:a.top]:
        print(f"{n:14d} {100 * n / max(total, 1):5.1f}%  {name}")
    print(f"{total:14d} 100.0%  (all counted)")


if __name__ == "__main__":
    main()
