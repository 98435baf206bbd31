#!/usr/bin/python3
"""A defconfig asking for something impossible must be refused, with a
message naming the offending symbol.

    check_rejects.py KIT_ROOT DEFCONFIG SYMBOL
"""
import subprocess
import sys
import tempfile

root, defconfig, symbol = sys.argv[1:4]
with tempfile.TemporaryDirectory() as tmp:
    r = subprocess.run([sys.executable, f"{root}/cmake/kconfig.py", "defconfig", "--srctree", root,
                        "--config", f"{tmp}/.config", "--defconfig", defconfig],
                       capture_output=True, text=True)
print(r.stdout + r.stderr)
if r.returncode == 0:
    sys.exit(f"FAILED: {defconfig} was accepted")
if symbol not in r.stderr:
    sys.exit(f"FAILED: the message does not name {symbol}")
print(f"refused, naming {symbol}: ok")
