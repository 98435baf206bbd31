#!/usr/bin/python3
"""`make debug` works: start the image halted with a gdb server (run.py --gdb:
QEMU's gdb stub, or gdbserver for a host image),
attach gdb-multiarch, stop at app_main, and kill the target.

    check_gdb.py [--skip-missing] BUILD_DIR

--skip-missing: a missing QEMU skips the test (exit status 77) instead of
failing it.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time

skip_missing = sys.argv[1] == "--skip-missing"
build = sys.argv[-1]
root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
with open(os.path.join(build, "run.json")) as f:
    info = json.load(f)
if skip_missing and info["kind"] == "qemu" and not shutil.which(info["qemu"]):
    print(f"SKIPPED: {info['qemu']} not found (scripts/setup.sh installs it)")
    sys.exit(77)  # the test's SKIP_RETURN_CODE
with socket.socket() as s:  # a free port, so parallel tests do not collide
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]

qemu = subprocess.Popen([sys.executable, os.path.join(root, "scripts", "run.py"), "--gdb", str(port), build],
                        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
try:
    for _ in range(100):  # wait for the gdb server to listen
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.1)
    # The host image's timer signal would stop gdb before app_main.
    gdb = subprocess.run(["gdb-multiarch", "-q", "-batch", "-ex", f"target remote :{port}",
                          "-ex", "handle SIGALRM nostop noprint pass",
                          "-ex", "break app_main", "-ex", "continue", "-ex", "bt 1", "-ex", "kill",
                          info.get("elf", info["image"])], capture_output=True, text=True, timeout=60)
    print(gdb.stdout + gdb.stderr)
finally:
    qemu.kill()
    qemu.wait()
if "Breakpoint 1, app_main" not in gdb.stdout:
    sys.exit("FAILED: gdb did not stop at app_main")
print("gdb stopped at app_main: ok")
