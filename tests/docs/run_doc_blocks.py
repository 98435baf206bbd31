#!/usr/bin/python3
"""The documented commands work as written: run every shell block of
README.md and docs/*.md whose fence says `runnable`, in a fresh copy of the
tree, as a new user would type them.

    run_doc_blocks.py KIT_ROOT [--slow] [--list] [--only FILE] [--work DIR]

    ```sh runnable          quick: make test runs it (doc.commands)
    ```sh runnable slow     long (several images, every board): only with --slow

The copy holds what git tracks plus new files it does not ignore (so a
change is tested before it is committed), and no build/: the blocks start
from what a fresh clone has. Blocks run in order, README.md first, then
docs/ in name order, each with `bash -e -o pipefail` from the copy's top
folder, so a later block may use what an earlier one built. Each prints
one line, passed or FAILED with the block's output; the exit status is 1 if
one failed. A block never runs a command that waits for a person
(menuconfig, make debug) or runs the tests themselves (make test).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FENCE = re.compile(r"^```(\w+)\s+runnable(?:\s+(slow))?\s*$")


def blocks(root):
    files = [os.path.join(root, "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    for path in files:
        with open(path) as f:
            lines = f.read().split("\n")
        i = 0
        while i < len(lines):
            m = FENCE.match(lines[i])
            if m:
                start = i + 1
                end = next(j for j in range(start, len(lines)) if lines[j].startswith("```"))
                if m.group(1) not in ("sh", "bash", "shell"):
                    sys.exit(f"{path}:{start}: a runnable block must be sh, not {m.group(1)}")
                yield os.path.relpath(path, root), start, m.group(2) == "slow", "\n".join(lines[start:end])
                i = end
            i += 1


def fresh_copy(root, dest):
    """What a clone would have, plus untracked files that are not ignored."""
    r = subprocess.run(["git", "-C", root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                       capture_output=True)
    if r.returncode != 0:
        sys.exit(f"run_doc_blocks.py: {root} is not a git checkout: {r.stderr.decode().strip()}")
    for rel in filter(None, r.stdout.decode().split("\0")):
        src = os.path.join(root, rel)
        if rel.startswith("build/") or not os.path.lexists(src):  # build/: a clone has none; deleted files
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel), follow_symlinks=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root")
    ap.add_argument("--slow", action="store_true", help="also the blocks marked slow")
    ap.add_argument("--list", action="store_true", help="list the blocks, run nothing")
    ap.add_argument("--only", help="only the blocks of this file (e.g. docs/apps.md)")
    ap.add_argument("--work", help="where the copy goes (kept); default: a temporary folder, removed")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per block")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    todo = [b for b in blocks(root) if (args.slow or not b[2]) and (not args.only or b[0] == args.only)]
    if args.list:
        for path, line, slow, text in blocks(root):
            print(f"{path}:{line}{' (slow)' if slow else ''}: {text.splitlines()[0]}")
        return
    if not todo:
        sys.exit("run_doc_blocks.py: no runnable block found (the fences say ```sh runnable)")
    tmp = None
    if args.work:
        work = os.path.abspath(args.work)
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="kit-docs-")
        work = tmp.name
    fresh_copy(root, work)
    failed = 0
    for path, line, slow, text in todo:
        t = time.monotonic()
        try:
            r = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", text], cwd=work, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=args.timeout)
            status, out = r.returncode, r.stdout
        except subprocess.TimeoutExpired as e:
            status, out = "timeout", (e.stdout or b"").decode(errors="replace") if isinstance(e.stdout, bytes) \
                else (e.stdout or "")
        took = time.monotonic() - t
        if status == 0:
            print(f"doc block {path}:{line} passed ({took:.1f} s)", flush=True)
            continue
        failed += 1
        print(f"doc block {path}:{line} FAILED (exit {status}, {took:.1f} s):\n"
              f"  {text.replace(chr(10), chr(10) + '  ')}\n--- its output (last 60 lines):", flush=True)
        print("\n".join(out.splitlines()[-60:]), flush=True)
    print(f"doc blocks: {len(todo) - failed} of {len(todo)} ran as written")
    if tmp:
        tmp.cleanup()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
