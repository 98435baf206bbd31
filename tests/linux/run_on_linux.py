#!/usr/bin/python3
"""Run one program of an initrd as pid 1 of a real riscv64 Linux kernel.

    run_on_linux.py --kernel IMAGE --initrd x.cpio --prog killperm [--expect FILE]

Boots IMAGE on the machine the kit's tests use (QEMU virt, 128 MiB, one
hart, OpenSBI fw_jump) with "init=/PROG", as the kit's linux app runs it:
the program is pid 1 on both kernels. Linux panics when init exits
("Attempted to kill init! exitcode=0x..."); panic=-1 and -no-reboot then end
QEMU, and that exit code is the program's status. With --expect, the
program's lines must match the regexes of FILE in order (the format of
tests/linux/expected/attack/*.txt; lines about the kit's own messages,
starting with "^linux: ", are skipped), and the status must be 0.
Only the standard library is used.
"""

import argparse
import re
import subprocess
import sys

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kernel", required=True, help="a riscv64 Linux Image")
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--prog", required=True, help="the program's name in the initrd")
    ap.add_argument("--expect", help="expected lines (regexes, in order)")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()

    cmd = ["qemu-system-riscv64", "-M", "virt", "-m", "128M", "-smp", "1", "-nographic",
           "-no-reboot", "-bios", FW, "-kernel", args.kernel, "-initrd", args.initrd,
           "-append", f"quiet panic=-1 init=/{args.prog}"]
    try:
        out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             timeout=args.timeout).stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        print(out)
        print(f"run_on_linux.py: no end within {args.timeout} s")
        return 1
    lines = out.replace("\r", "").split("\n")
    mine = [l for l in lines if l.startswith(args.prog + ": ")]
    print("\n".join(mine))
    m = re.search(r"Attempted to kill init! exitcode=0x([0-9a-f]+)", out)
    if not m:
        print("run_on_linux.py: the program did not end as init (no panic line)")
        return 1
    status = int(m.group(1), 16)
    print(f"run_on_linux.py: /{args.prog} ended with wait status {status:#x}")
    if not args.expect:
        return 0
    problems = [] if status == 0 else [f"wait status {status:#x}, expected 0"]
    pos = 0
    with open(args.expect) as f:
        for raw in f:
            rx = raw.rstrip("\n")
            if not rx or rx.startswith("#") or rx.startswith("^linux: "):
                continue
            while pos < len(lines) and not re.search(rx, lines[pos]):
                pos += 1
            if pos == len(lines):
                problems.append(f"expected line not found (in order): {rx}")
                break
            pos += 1
    for p in problems:
        print(f"LINUX RUN FAILED: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
