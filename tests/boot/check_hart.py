#!/usr/bin/python3
"""The image reports the hart it booted on: OpenSBI's banner names the hart
that won its boot lottery ("Boot HART ID : N"), and hello prints
hal_cpu_id() ("boot cpu N"); they must agree in every run. The lottery is
random, so the image is booted several times (with 4 harts) and the test
says how many runs booted on a hart other than 0, the runs that can tell a
right answer from a constant 0.

    check_hart.py BUILD_DIR [RUNS]
"""
import os
import re
import subprocess
import sys

build = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
run_py = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "run.py")
nonzero = 0
for i in range(runs):
    out = subprocess.run([sys.executable, run_py, build, "--", "-smp", "4"], stdin=subprocess.DEVNULL,
                         capture_output=True, text=True, timeout=60).stdout
    sbi = re.search(r"^Boot HART ID\s*:\s*(\d+)", out, re.M)
    kit = re.search(r"^platform: \S+, boot cpu (\d+)$", out, re.M)
    if not sbi or not kit:
        sys.exit(f"check_hart: run {i + 1}: no {'OpenSBI banner' if not sbi else 'boot cpu line'} "
                 f"in the output:\n{out}")
    if sbi.group(1) != kit.group(1):
        sys.exit(f"check_hart: run {i + 1}: OpenSBI booted hart {sbi.group(1)}, "
                 f"the image says boot cpu {kit.group(1)}")
    nonzero += sbi.group(1) != "0"
print(f"check_hart: {runs} runs agree; {nonzero} of them booted on a hart other than 0")
