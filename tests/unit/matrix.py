#!/usr/bin/python3
"""The unit tests under another configuration: tests/unit/defconfig with a
few symbols changed, built once in its own directory (only the tests of the
labels that matter), then run.

    matrix.py VARIANT BUILD_DIR [--jobs N]

Variants (docs/testing.md):
  kernel   the locks of every kernel that runs processes (ADDR_SPACE_MUTEX:
           address spaces and ipc-shm's locks are sync mutexes, watched by
           the lock-order checker) and a small, odd-sized shm id table
  release  no debug checks (DEBUG=n): what only kverify guards, and the
           errnos a release build returns where a debug build panics
  smp      SMP with two host CPUs, ASan+UBSan: page-alloc's per-CPU frame
           lists and heap arrays (test_pcp.c and test_heap_pcp.c play
           CPU 1 on a thread) under the components that allocate the
           most; and task.sched_fifo and task.smp at four CPUs (label
           sched-smp: a burst of tasks on idle CPUs, every CPU taking part)
  tsan     ThreadSanitizer instead of ASan+UBSan, with SMP: the host's CPUs
           are threads (two in each test that runs tasks), so task, sync,
           page-alloc, addr-space and ipc-shm run truly in parallel (less
           the cases SKIP_CASES lists, each with its reason)
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# name: (Kconfig changes, labels (None: every one), KIT_SANITIZE)
VARIANTS = {
    "kernel": ({"ADDR_SPACE_MUTEX": "y", "IPC_SHM_IDS": "100"},
               ["addr-space", "ipc-shm", "linux-abi", "process", "vfs", "tmpfs", "devfs", "sync"], "ON"),
    "release": ({"DEBUG": "n"}, None, "ON"),  # every label
    "smp": ({"SMP": "y", "NR_CPUS": "4", "HOST_CPUS": "2"},
            ["page-alloc", "paging", "addr-space", "ipc-shm", "sched-smp"], "ON"),
    "tsan": ({"SMP": "y", "NR_CPUS": "4", "HOST_CPUS": "2"},
             ["task", "sync", "page-alloc", "addr-space", "ipc-shm"], "thread"),
}
# Tests a variant leaves out, whole (a regular expression of CTest names) or
# case by case ("<ctest name>": {case: why}, passed to the binaries as
# KIT_TEST_SKIP, which prints each one as skipped). Only what the variant
# cannot make meaningful, each with the reason.
EXCLUDE = {
    # The context switch built alone for each host CPU (task.context-<cpu>):
    # no sanitizer, nothing of the configuration in it.
    "tsan": r"^task\.context-",
}
# Under TSan a loop that never enables interrupts is never preempted: TSan
# holds asynchronous signals back (until the code calls into libc) and may
# hand them to another fiber, so the host takes interrupts only where they
# are enabled and in hal_cpu_wait (arch/host/cpu.c). The cases that judge
# the tick's preemption of busy loops by the wall clock cannot pass.
BUSY_LOOP = "preemption of a busy loop by the tick (TSan delays the timer signal)"
# A process with several CPU threads that forks: the child has one CPU of
# HOST_CPUS (kicks go to threads that do not exist there), and TSan takes
# the parent's fibers for threads that died at the fork.
FORK = "forks a process whose CPUs are threads (one CPU left in the child)"
# Environment of a variant's test binaries. Under TSan the code runs 5-15
# times slower: sync.cond's 12 000 items through four producers and four
# consumers took 5-27 s on two loaded cores and once passed the watchdog's
# 60 s (KIT_TEST_WAIT_S; a wait's deadline is twice it, within CTest's 300 s).
VARIANT_ENV = {"tsan": {"KIT_TEST_WAIT_S": "120"}}
SKIP_CASES = {
    "tsan": {
        "task.preempt": {"test_tick_preempts_a_task_that_never_yields": BUSY_LOOP,
                         "test_the_tick_runs_from_task_init": BUSY_LOOP},
        "task.sched_rr": {"test_cpu_bound_tasks_take_turns_of_one_slice": BUSY_LOOP},
        "task.sched_fair": {"test_cpu_time_in_proportion_to_weight": BUSY_LOOP,
                            "test_a_wakeup_far_behind_preempts_at_once": BUSY_LOOP},
        "sync.mutex": {"test_mutual_exclusion_under_preemption": BUSY_LOOP},
        "sync.rwlock": {"test_readers_never_see_a_half_done_write": BUSY_LOOP},
        "task.lifecycle": {"test_guard_page_under_every_stack": FORK,
                           "test_stack_canary_catches_an_overrun": FORK},
    },
}

def defconfig(changes):
    """tests/unit/defconfig with 'changes' applied, each symbol once."""
    out, seen = [], set()
    with open(os.path.join(ROOT, "tests", "unit", "defconfig")) as f:
        for line in f.read().splitlines():
            m = re.match(r"^(?:# )?CONFIG_([A-Z0-9_]+)[= ]", line)
            if m and m.group(1) in changes:
                continue
            out.append(line)
    for sym, val in changes.items():
        out.append(f"# CONFIG_{sym} is not set" if val == "n" else f"CONFIG_{sym}={val}")
        seen.add(sym)
    return "\n".join(out) + "\n"


def targets_of(bdir):
    r = subprocess.run(["ninja", "-C", bdir, "-t", "targets", "all"], capture_output=True, text=True)
    return [line.split(":")[0] for line in r.stdout.splitlines()] if r.returncode == 0 else []


def run(cmd, log):
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT).returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("variant", choices=sorted(VARIANTS))
    ap.add_argument("build_dir")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    changes, labels, sanitize = VARIANTS[args.variant]
    bdir = os.path.abspath(args.build_dir)
    os.makedirs(bdir, exist_ok=True)
    log = os.path.join(bdir, "matrix.log")
    open(log, "w").close()
    dc = os.path.join(bdir, "variant_defconfig")
    text = defconfig(changes)
    if not os.path.exists(dc) or open(dc).read() != text:
        with open(dc, "w") as f:
            f.write(text)
    print(f"matrix {args.variant}: " + " ".join(f"{k}={v}" for k, v in changes.items()))
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    if run(["cmake", "-S", ROOT, "-B", bdir, *gen, "-DKIT_DEFCONFIG=" + dc, "-DKIT_TESTS=ON",
            "-DKIT_SANITIZE=" + sanitize, "-DKIT_MATRIX=OFF"], log):
        print(open(log).read()[-4000:])
        return f"matrix {args.variant}: configuring failed"
    label_re = "|".join(f"^{re.escape(lb)}$" for lb in labels) if labels else "^unit$"
    shown = subprocess.run(["ctest", "--test-dir", bdir, "--show-only=json-v1", "-L", label_re],
                           capture_output=True, text=True, check=True).stdout
    tests = [t for t in json.loads(shown)["tests"]
             if not re.search(EXCLUDE.get(args.variant, "$^"), t["name"])]
    # Build what the tests run: their executables (not built yet, CTest names
    # none: kit_unit_test's <c>.<x> runs unit-<c>-<x>, <c>.fuzz fuzz-<c>) and
    # the libraries the checks (exports.*) read.
    known = set(targets_of(bdir))
    targets, unknown = set(), []
    for t in tests:
        args_in_build = [a for a in t.get("command", []) if a.startswith(bdir) and not a.endswith(".py")]
        mine = {re.sub(r"^lib(.*)\.a$", r"\1", os.path.basename(a)) for a in args_in_build}
        comp, _, short = t["name"].partition(".")
        mine |= {f"unit-{comp}-{short}", f"{short}-{comp}"}  # kit_unit_test's; ipc-shm.fuzz's
        found = mine & known
        if found:
            targets |= found
        else:
            unknown.append(t["name"])
    if unknown:  # not by the convention: build everything rather than guess
        print("matrix: building all for " + " ".join(unknown))
        targets = {"all"}
    if run(["cmake", "--build", bdir, "-j", str(args.jobs), "--target", *sorted(targets)], log):
        print(open(log).read()[-6000:])
        return f"matrix {args.variant}: the build failed"
    names = "|".join(re.escape(t["name"]) for t in tests)
    skip = []
    for test, cases in SKIP_CASES.get(args.variant, {}).items():
        if test not in {t["name"] for t in tests}:
            return f"matrix {args.variant}: SKIP_CASES names {test}, which is not run"
        comp, _, short = test.partition(".")
        for case, why in cases.items():
            print(f"matrix {args.variant}: leaves out {test} {case}: {why}")
            skip.append(f"unit-{comp}-{short}:{case}")
    env = dict(os.environ, KIT_TEST_SKIP=" ".join(skip), **VARIANT_ENV.get(args.variant, {}))
    r = subprocess.run(["ctest", "--test-dir", bdir, "-R", f"^({names})$", "-j", str(args.jobs),
                        "--output-on-failure"], capture_output=True, text=True, env=env)
    print(r.stdout[-8000:] + r.stderr[-2000:])
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())
