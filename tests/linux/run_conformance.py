#!/usr/bin/python3
"""Run one source of a conformance transcript and compare it with the reference.

    run_conformance.py --expected REF [--deviations DEV] [--host-root [--mount-ns]]
                       [--start LINE] [--log OUT] [--timeout S] -- COMMAND...

COMMAND prints the transcript on stdout, possibly among other lines (a boot
log): the transcript is every line from the program's start line to its
summary line, less the kernel's own log lines inside it ("[W] process: ...",
the klib log format: the image logs a process it kills for a fault).
It must equal REF line for line. DEV (optional) lists known,
explained deviations of this source from Linux: pairs of lines

    - <line of REF>
    + <line this source prints instead>

and such a line is accepted in place of the reference line (and counted).

--host-root: the program runs here and drops privileges in children, so it
needs root; it also gets its own IPC namespace (unshare --ipc), so segments
of other programs on the machine cannot change what it sees. --mount-ns: and
its own mount namespace (unshare --mount), for a program that mounts.
--start: the program's first line (default "shm_conformance: start").

On a mismatch it names the first differing line and shows a diff; the
transcript is kept in OUT (default: a temporary file). --update writes the
transcript to REF instead, with known deviations turned back into what Linux
answers (regenerate from the qemu-user source, check with the native one).
Only the standard library is used.
"""

import argparse
import re
import difflib
import os
import shutil
import signal
import subprocess
import sys
import tempfile

START = "shm_conformance: start"  # --start changes it
END = "summary:"
KERNEL = re.compile(r"^\[[EWID]\] [\w-]+: ")  # the image's own log lines: not the program's


def fail(msg):
    print(f"run_conformance: {msg}", file=sys.stderr)
    sys.exit(1)


def extract(out, start):
    """The transcript lines inside 'out' (serial consoles may add \\r)."""
    lines = [line.rstrip("\r") for line in out.splitlines() if not KERNEL.match(line)]
    if start not in lines:
        return None
    lines = lines[lines.index(start):]
    for i, line in enumerate(lines):
        if line.startswith(END):
            return lines[:i + 1]
    return lines


def load_deviations(path):
    allowed = {}
    if not path:
        return allowed
    with open(path) as f:
        lines = [line.rstrip("\n") for line in f if not line.startswith("#") and line.strip()]
    if len(lines) % 2:
        fail(f"{path}: lines must come in '- reference' / '+ deviation' pairs")
    for ref, dev in zip(lines[::2], lines[1::2]):
        if not (ref.startswith("- ") and dev.startswith("+ ")):
            fail(f"{path}: bad pair:\n  {ref}\n  {dev}")
        allowed.setdefault(ref[2:], set()).add(dev[2:])
    return allowed


def normalize(expected, got, allowed):
    """'got' with each accepted deviation replaced by its reference line."""
    return [e if g in allowed.get(e, ()) else g for e, g in zip(expected, got)] + got[len(expected):]


def compare(expected, got, allowed):
    """(first differing line number or None, number of known deviations seen)."""
    known = 0
    for i, (e, g) in enumerate(zip(expected, got)):
        if e == g:
            continue
        if g in allowed.get(e, ()):
            known += 1
            continue
        return i + 1, known
    if len(expected) != len(got):
        return min(len(expected), len(got)) + 1, known
    return None, known


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--deviations")
    ap.add_argument("--host-root", action="store_true")
    ap.add_argument("--mount-ns", action="store_true")
    ap.add_argument("--start", default=START)
    ap.add_argument("--log")
    ap.add_argument("--timeout", type=int, default=300)
    ap.add_argument("--update", action="store_true", help="write the transcript to --expected")
    ap.add_argument("command", nargs="+")
    args = ap.parse_args()

    cmd = args.command
    if args.host_root:
        if os.geteuid() != 0:
            fail("this test needs root: the program checks permissions by dropping to "
                 "unprivileged uids in children (CI runs as root; run 'make test' as root)")
        if not shutil.which("unshare"):
            fail("'unshare' not found: install the Debian package util-linux")
        cmd = ["unshare", "--ipc"] + (["--mount"] if args.mount_ns else []) + ["--"] + cmd
    try:
        # A session of its own: at the timeout the whole group goes (scripts/run.py's QEMU is a
        # grandchild, which killing run.py alone left running for the rest of make test).
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                errors="replace", start_new_session=True)
    except OSError as e:
        fail(f"cannot run {cmd[0]}: {e}")
    try:
        out, err = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        fail(f"timed out after {args.timeout} s: {' '.join(cmd)}")
    run = subprocess.CompletedProcess(cmd, proc.returncode, out, err)

    log = args.log or tempfile.mkstemp(prefix="conformance-", suffix=".txt")[1]
    got = extract(run.stdout, args.start)
    with open(log, "w") as f:
        f.write("\n".join(got or []) + "\n")
    if got is None:
        print(run.stdout[-4000:])
        print(run.stderr[-4000:], file=sys.stderr)
        fail(f"no '{args.start}' line in the output of: {' '.join(cmd)}")
    allowed = load_deviations(args.deviations)
    if args.update:
        linux = {dev: ref for ref, devs in allowed.items() for dev in devs}
        with open(args.expected, "w") as f:
            f.write("\n".join(linux.get(line, line) for line in got) + "\n")
        print(f"run_conformance: wrote {len(got)} lines to {args.expected} (exit status {run.returncode})")
        return
    with open(args.expected) as f:
        expected = f.read().splitlines()
    where, known = compare(expected, got, allowed)
    if where is None and run.returncode == 0:
        extra = f", {known} known deviations (see {args.deviations})" if known else ""
        print(f"run_conformance: {len(got)} lines match {args.expected}{extra}")
        return
    if run.stderr:
        print("--- stderr of the run (last 40 lines):")
        print("\n".join(run.stderr.splitlines()[-40:]))
    if where is not None:
        exp = expected[where - 1] if where <= len(expected) else "(end of the reference)"
        act = got[where - 1] if where <= len(got) else "(end of the transcript)"
        print(f"first difference at line {where}:\n  expected: {exp}\n  got:      {act}")
        shown = normalize(expected, got, allowed)  # known deviations are not news
        diff = list(difflib.unified_diff(expected, shown, args.expected, log, lineterm="", n=1))
        print("\n".join(diff[:80]))
        if len(diff) > 80:
            print(f"... {len(diff) - 80} more diff lines")
    fail(f"{'transcript differs' if where else 'transcript matches but'} "
         f"(exit status {run.returncode}); transcript kept in {log}")


if __name__ == "__main__":
    main()
