#!/usr/bin/python3
"""Boot the image with one LTP test and compare its output with Linux's.

    run_ltp.py --ltp DIR [--arch A] --image BUILD --initrd CPIO --test NAME [--timeout S]
               [--log OUT]

DIR is ../shared/ltp: the binaries (DIR/A, A riscv64 by default, or
aarch64), the reference outputs (DIR/expected/A/NAME.txt, summary.tsv) and
normalize.sed. Without
it the test is skipped (exit 77, CTest's SKIP_RETURN_CODE) with a message.

The image boots with init=/ltp_runner -- NAME (tests/ltp/ltp_runner.c): a
fresh kernel, so an empty IPC namespace, as the reference had (unshare -i).
The test's lines between the runner's markers, less the kernel's own log
lines, go through normalize.sed and must equal the reference, and the exit
status must be the reference's. Three tests have the native kernel's
result as the target, not qemu-user's (DIR/README.md, "Where qemu-user is
not Linux"); there is no native transcript, so for them the lines LTP's
library prints before the test, the result counts of the Summary block,
the exit status and the line the README quotes are compared.
Only the standard library is used.
"""

import argparse
import os
import re
import subprocess
import sys

KERNEL = re.compile(r"^\[[EWID]\] [\w-]+: ")
# README.md: the native kernel's counts (TPASS, TFAIL, TBROK, TCONF, TWARN), exit, a line it prints.
NATIVE = {
    "shmat03": ((1, 0, 0, 0, 0), 0, ["shmat03.c:74: TPASS: shmat returned EINVAL"]),
    "shmctl04": ((12, 0, 0, 0, 0), 0, []),
    "shmctl05": ((1, 0, 0, 0, 0), 0, []),
}
COUNT_NAMES = ("passed", "failed", "broken", "skipped", "warnings")


def skip(msg):
    print(f"run_ltp: skipped: {msg}")
    sys.exit(77)


def fail(msg):
    print(f"run_ltp: FAIL: {msg}")
    sys.exit(1)


def expected_exit(ltp, arch, test):
    with open(os.path.join(ltp, "expected", arch, "summary.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    col = rows[0].index("exit")
    for row in rows[1:]:
        if row[0] == test:
            return int(row[col])
    fail(f"{test} is not in summary.tsv")


def transcript(out, test):
    lines = [l.rstrip("\r") for l in out.splitlines() if not KERNEL.match(l.rstrip("\r"))]
    begin, end = f"ltp-runner: begin {test}", f"ltp-runner: end {test} "
    if begin not in lines:
        fail("the runner never started the test (no begin marker); output:\n" + out[-3000:])
    lines = lines[lines.index(begin) + 1:]
    for i, line in enumerate(lines):
        if line.startswith(end):
            return lines[:i], line[len(end):]
    fail("the test did not end (no end marker); output:\n" + "\n".join(lines[-60:]))


def normalize(ltp, lines):
    r = subprocess.run(["sed", "-f", os.path.join(ltp, "normalize.sed")],
                       input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return r.stdout.splitlines()


def counts(lines):
    got = {}
    for line in lines:
        m = re.match(r"^(passed|failed|broken|skipped|warnings)\s+(\d+)$", line)
        if m:
            got[m.group(1)] = int(m.group(2))
    return tuple(got.get(n, -1) for n in COUNT_NAMES)


def compare_native(test, got, ref, status):
    want_counts, want_exit, want_lines = NATIVE[test]
    head = [l for l in ref if l.startswith("tst_")]
    problems = []
    if [l for l in got if l.startswith("tst_")] != head:
        problems.append("the library's lines differ from the reference's:\n  "
                        + "\n  ".join(l for l in got if l.startswith("tst_")))
    if counts(got) != want_counts:
        problems.append(f"counts {dict(zip(COUNT_NAMES, counts(got)))}, native Linux: "
                        f"{dict(zip(COUNT_NAMES, want_counts))}")
    for line in want_lines:
        if line not in got:
            problems.append(f"missing the native line: {line}")
    if status != f"exit {want_exit}":
        problems.append(f"{status}, native Linux: exit {want_exit}")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltp", required=True)
    ap.add_argument("--arch", default="riscv64", choices=("riscv64", "aarch64"))
    ap.add_argument("--image", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--test", required=True)
    ap.add_argument("--timeout", type=int, default=150)
    ap.add_argument("--log")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.ltp, a.arch)):
        skip(f"{a.ltp}/{a.arch} is absent (the LTP binaries and their reference outputs)")
    ref_path = os.path.join(a.ltp, "expected", a.arch, a.test + ".txt")
    with open(ref_path) as f:
        ref = f.read().splitlines()
    run = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "run.py")
    cmd = [sys.executable, run, "--timeout", str(a.timeout), "--initrd", a.initrd,
           "--append", f"init=/ltp_runner -- {a.test}", a.image]
    r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    out = r.stdout + r.stderr
    if a.log:
        with open(a.log, "w") as f:
            f.write(out)
    lines, status = transcript(out, a.test)
    got = normalize(a.ltp, lines)
    if a.test in NATIVE:
        problems = compare_native(a.test, got, ref, status)
    else:
        problems = []
        if got != ref:
            import difflib
            problems.append("output differs from " + ref_path + ":\n" + "\n".join(
                difflib.unified_diff(ref, got, "Linux (qemu-user)", "image", lineterm="")))
        want = expected_exit(a.ltp, a.arch, a.test)
        if status != f"exit {want}":
            problems.append(f"{status}, Linux: exit {want}")
    if problems:
        fail(f"{a.test}:\n" + "\n".join(problems))
    print(f"run_ltp: {a.test}: as Linux ({status}, {len(got)} lines)")


if __name__ == "__main__":
    main()
