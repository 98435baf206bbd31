#!/usr/bin/python3
"""RAM the kernel cannot reach is reported and left out, not used: QEMU's own
device tree for the machine, plus a /memory node at 128 GiB (past the
riscv64 direct map), is handed to the image with -dtb; the boot must say
it ignores that bank and run hello to the end with the RAM it has.

    check_far_ram.py BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

build = sys.argv[1]
run_py = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "run.py")
with open(os.path.join(build, "run.json")) as f:
    info = json.load(f)
with tempfile.TemporaryDirectory(prefix="kit-far-ram-") as tmp:
    dtb = os.path.join(tmp, "far.dtb")
    subprocess.run([info["qemu"], *info["machine"], "-machine", f"dumpdtb={dtb}", "-display", "none"],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    node = "/memory@2000000000"
    subprocess.run(["fdtput", "-c", dtb, node], check=True)
    subprocess.run(["fdtput", "-t", "s", dtb, node, "device_type", "memory"], check=True)
    subprocess.run(["fdtput", "-t", "x", dtb, node, "reg", "0x20", "0x0", "0x0", "0x10000000"], check=True)
    proc = subprocess.run([sys.executable, run_py, "--check", build, "--", "-dtb", dtb],
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
out = proc.stdout
warn = re.search(r"RAM \[0x2000000000, 0x2010000000\) reaches past 0x2000000000.*ignored", out)
ram = re.search(r"^ram: (\d+) MiB$", out, re.M)
machine = info["machine"]
given = int(machine[machine.index("-m") + 1].rstrip("M"))
if proc.returncode != 0 or not warn or not ram or int(ram.group(1)) != given:
    sys.exit(f"check_far_ram: {'no warning about the far bank' if not warn else 'the boot failed or counted it'}"
             f" (exit {proc.returncode}):\n{out[-3000:]}")
print(f"check_far_ram: the bank at 128 GiB was reported and ignored; ram: {ram.group(1)} MiB")
