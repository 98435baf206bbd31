#!/usr/bin/python3
"""make new-app and make check-app together: a fresh skeleton passes on
every board; a line its boots do not print fails on every board, naming the
line; a component in DEPS that the configuration leaves off stops the build
naming it.

    check_new_app.py KIT_ROOT WORK_DIR
"""
import glob
import os
import shutil
import subprocess
import sys

root, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
app = os.path.join(work, "new-app-check")
builds = os.path.join(work, "builds")
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
boards = sorted(os.path.basename(p)[:-len(".config")] for p in glob.glob(f"{root}/configs/boards/*.config"))
failures = []


def run(*cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    print(f"$ {' '.join(cmd)} -> {r.returncode}\n{r.stdout}{r.stderr}", flush=True)
    return r


def check_app(*extra):
    return run(sys.executable, f"{root}/scripts/check_app.py", "--root", root, "--app-dir", app,
               "--build-root", builds, "--jobs", "2", *extra)


if run(sys.executable, f"{root}/scripts/new_app.py", "--root", root, "--name", "new-app-check",
       "--dir", app).returncode != 0:
    sys.exit("FAILED: new_app.py failed")
r = check_app()
if r.returncode != 0:
    failures.append("the fresh skeleton did not pass")
for b in boards:
    if f"check-app: {b}: passed" not in r.stdout:
        failures.append(f"board {b} was not checked, or failed")

with open(f"{app}/expected.txt", "a") as f:
    f.write("^a line no boot prints$\n")
r = check_app()
if r.returncode == 0:
    failures.append("an expected line that is never printed was accepted")
for b in boards:
    if f"check-app: {b}: FAILED" not in r.stdout or "a line no boot prints" not in r.stdout:
        failures.append(f"board {b}: the missing line was not reported")

with open(f"{app}/CMakeLists.txt") as f:
    text = f.read()
with open(f"{app}/CMakeLists.txt", "w") as f:
    f.write(text.replace("DEPS klib hal)", "DEPS klib hal ipc-shm)"))
r = check_app("--boards", boards[0])
if r.returncode == 0 or "CONFIG_IPC_SHM" not in r.stdout:
    failures.append("a DEPS component the configuration leaves off was not named")

for f in failures:
    print("FAILED:", f)
if not failures:
    shutil.rmtree(work, ignore_errors=True)
    print("new-app + check-app: ok")
sys.exit(1 if failures else 0)
