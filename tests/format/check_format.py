#!/usr/bin/python3
"""The C sources follow the repository's .clang-format (format.check):

    check_format.py KIT_ROOT [--base REF] [--list-unformatted]

Two checks, so that it means something both on a branch and in CI's fresh
clone of main (where there is no other branch to compare with):

1. Every .c and .h file git knows (and new ones it does not ignore) passes
   `clang-format --dry-run -Werror`, except the files listed in
   tests/format/unformatted.txt: those not formatted yet, kept as they are
   until one formatting commit does them all, so that no other change has
   to carry unrelated reformatting. The list only shrinks: a listed file
   that is now clean, or gone, is named (a note, not a failure, so that a
   merge that formats one does not fail main). New files are never listed.
   This part needs no git history.

2. On a branch, the lines changed since the base (the merge-base of HEAD
   and main, or origin/main in a clone, or --base / KIT_FORMAT_BASE) in the
   listed files must be formatted too: `git clang-format --diff BASE` shows
   nothing. In a clone where HEAD is the base (CI runs main), there is
   nothing to compare and it says so.

Once the whole tree is formatted (one commit: clang-format -i on every
file of the list, and the list emptied or removed), part 1 covers every
file and part 2 has nothing left to do. A missing list is an empty one.

--list-unformatted prints the files that fail today; --write-list writes
them into the list (after a merge brought in files not formatted yet).
"""
import argparse
import os
import subprocess
import sys

LIST = "tests/format/unformatted.txt"
HEADER = ("# C files that do not follow .clang-format yet (tests/format/check_format.py):\n"
          "# left as they are until one commit formats them all. Only ever remove lines.\n")


def git(root, *args):
    return subprocess.run(["git", "-C", root, *args], capture_output=True, text=True)


def c_files(root):
    r = git(root, "ls-files", "--cached", "--others", "--exclude-standard", "--", "*.c", "*.h")
    if r.returncode != 0:
        sys.exit(f"check_format.py: {root} is not a git checkout ({r.stderr.strip()})")
    return sorted(f for f in set(r.stdout.split("\n")) if f and not f.startswith("build/")
                  and os.path.isfile(os.path.join(root, f)))


def unformatted(root, files):
    """The files clang-format would change: one run for all of them (its
    messages start with the file's name)."""
    r = subprocess.run(["clang-format", "--dry-run", "-Werror", *files], cwd=root, capture_output=True, text=True)
    bad = {line.split(":", 1)[0] for line in r.stderr.split("\n") if ": error: " in line}
    if r.returncode != 0 and not bad:
        sys.exit(f"check_format.py: clang-format failed: {r.stderr.strip()}")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root")
    ap.add_argument("--base", default=os.environ.get("KIT_FORMAT_BASE"))
    ap.add_argument("--list-unformatted", action="store_true")
    ap.add_argument("--write-list", action="store_true")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    if subprocess.run(["clang-format", "--version"], capture_output=True).returncode != 0:
        sys.exit("check_format.py: clang-format not found: install the Debian package clang-format "
                 "(scripts/setup.sh does)")
    files = c_files(root)
    bad = unformatted(root, files)
    if args.list_unformatted:
        print("\n".join(f for f in files if f in bad))
        return
    if args.write_list:
        with open(os.path.join(root, LIST), "w") as f:
            f.write(HEADER + "".join(f"{p}\n" for p in files if p in bad))
        print(f"format: {LIST}: {len(bad)} files")
        return
    listed = []
    if os.path.exists(os.path.join(root, LIST)):
        with open(os.path.join(root, LIST)) as f:
            listed = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    problems = []
    stale = []
    for path in files:
        ok = path not in bad
        if path in listed and ok:
            stale.append(f"{path} is formatted now: remove it from {LIST}")
        elif path not in listed and not ok:
            problems.append(f"{path} does not follow .clang-format: run clang-format -i {path}")
    for path in sorted(set(listed) - set(files)):
        stale.append(f"{path} is listed in {LIST} but no longer exists: remove it")
    # A stale line costs nothing but a file not held whole yet; failing on it
    # would fail main whenever a merge formats or removes a listed file.
    for s in stale:
        print("format: note:", s)
    print(f"format: {len(files) - len(listed)} of {len(files)} C files checked whole "
          f"({len(listed)} listed as not formatted yet)")

    base = args.base
    for ref in ([] if base else ["main", "origin/main"]):
        r = git(root, "merge-base", "HEAD", ref)
        if r.returncode == 0:
            base = r.stdout.strip()
            break
    head = git(root, "rev-parse", "HEAD").stdout.strip()
    base_commit = git(root, "rev-parse", base).stdout.strip() if base else ""
    if not listed:
        print("format: every file is checked whole: no changed lines to check apart")
    elif not base or not base_commit:
        print("format: no base to compare with (no main or origin/main): changed lines not checked apart")
    elif base_commit == head and not git(root, "status", "--porcelain", "--", *listed).stdout.strip():
        print(f"format: HEAD is the base ({base}): no changed lines to check apart")
    else:
        r = subprocess.run(["git", "clang-format", "--diff", "--extensions", "c,h", base_commit, "--", *listed],
                           cwd=root, capture_output=True, text=True)
        if r.returncode not in (0, 1) or "error:" in r.stderr:
            problems.append(f"git clang-format failed: {r.stderr.strip()}")
        elif r.stdout.startswith("diff"):
            print(r.stdout)
            problems.append(f"lines changed since {base} in files not yet formatted do not follow "
                            f".clang-format (the diff above): run git clang-format {base}")
        else:
            print(f"format: the lines changed since {base} in the listed files are formatted")
    for p in problems:
        print("FORMAT CHECK FAILED:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
