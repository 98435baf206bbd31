#!/usr/bin/python3
"""Run one boot test command N times; stop at the first failure and show
its output. For races that show up only in some runs (the SMP stress tests).

    repeat.py N [--log FILE] -- COMMAND...

Prints "repeat: N of N runs passed" (or which run failed, with its
output) and exits with the failing run's status.
"""
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    if "--" not in args or not args or not args[0].isdigit():
        sys.exit(__doc__)
    sep = args.index("--")
    runs, cmd = int(args[0]), args[sep + 1:]
    log = args[args.index("--log") + 1] if "--log" in args[:sep] else None
    start = time.monotonic()
    for i in range(runs):
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if log:
            with open(log, "w") as f:
                f.write(p.stdout + p.stderr)
        if p.returncode != 0:
            print(p.stdout + p.stderr)
            print(f"repeat: run {i + 1} of {runs} failed (status {p.returncode}); "
                  f"{i} passed before it")
            sys.exit(p.returncode)
    print(f"repeat: {runs} of {runs} runs passed ({time.monotonic() - start:.0f} s)")


main()
