#!/usr/bin/python3
"""Run a user program of shm-demo on this machine and match its output.

    run_user.py --expect FILE [--log OUT] [--timeout S] -- COMMAND...

COMMAND runs in a fresh IPC namespace (unshare --ipc; as a user other than
root, inside a user namespace that maps it to root), so no other segment on
the machine changes what it sees. Its output (stdout and stderr together)
must contain FILE's regexes, one per line, in order, and it must exit with
FILE's '# exit-status: N' (default 0): the format and the matching of the
boot tests' expected files (scripts/run.py), so the same lines can check a
run inside the image. Only the standard library is used.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
import run  # noqa: E402  (scripts/run.py: read_expectations, check)


def namespace_prefix():
    if not shutil.which("unshare"):
        run.die("'unshare' not found: install the Debian package util-linux", 1)
    if os.geteuid() == 0:
        return ["unshare", "--ipc", "--"]
    return ["unshare", "--user", "--map-root-user", "--ipc", "--"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--expect", required=True)
    ap.add_argument("--log")
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()

    cmd = namespace_prefix() + args.command
    print("run_user.py:", " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    timed_out = False
    try:
        out, _ = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)  # the program and every process it forked
        out, _ = proc.communicate()
    output = out.decode("utf-8", "replace")
    sys.stdout.write(output)
    if args.log:
        with open(args.log, "w") as f:
            f.write(output)
    problems = run.check(output, args.expect, proc.returncode, timed_out, args.timeout)
    for p in problems:
        print(f"FAILED: {p}")
    if not problems:
        print(f"run_user.py: output matches {args.expect}")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
