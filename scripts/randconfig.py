#!/usr/bin/python3
"""Random but valid configurations: generate, build, boot.

    randconfig.py [-n N] [--seed S] [--build DIR] [--jobs J] [--timeout T] [--keep]
    randconfig.py --generate-only --seed S -o FILE      write one defconfig, nothing else

Configuration k of a run is made from the seed S + k alone, so any one of
them is replayed with `make randconfig-test SEED=<its seed> N=1` (printed
with every failure, with the defconfig).

Each configuration starts from the Kconfig defaults and takes, in Kconfig
order, a platform (the members of the PLATFORM choice in turn: seed modulo
their number), an in-tree application the platform offers (a member of the
APP choice defined under apps/<name>/), then a random value for every
visible symbol: bools y or n, a member of every visible choice, ints and
hexes within their active range (often an end of it: that is where limits
break). Symbols without a range keep their default. Values that miss what
the app's expected lines need ('# requires:', below) are drawn again, up to
20 times, with the seed and the attempt number. The result is written
as a minimal defconfig and loaded back: every symbol must come out as
generated, so what is built is exactly what Kconfig allows.

A configuration is built (configure, compile, link, the linker-map check:
nothing disabled is linked in) and booted with scripts/run.py --check: QEMU
for riscv64, the process itself for host, against the app's expected lines.
An app's expected file may say '# requires: <Kconfig expression>': the
configurations its run and its expected lines are written for (shm-demo
needs a segment and Linux's default shm_rmid_forced; sched-demo judges
slices it can wait out). Outside them the image is built, not booted.
Lines between '# if CONFIG_X' and '# endif' are expected only with that
option (run.py). A build error, a panic, a hang (timeout), a wrong exit
status or a missing line fails the configuration.

Uses only the standard library and Debian's python3-kconfiglib.
"""

import argparse
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time

try:
    import kconfiglib
except ImportError:
    sys.exit("randconfig.py: python3-kconfiglib is missing; run scripts/setup.sh and use /usr/bin/python3")

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
PY = "/usr/bin/python3"


def open_kconfig():
    os.environ["srctree"] = ROOT
    os.environ["KIT_APP_DIR"] = ""
    kconf = kconfiglib.Kconfig(os.path.join(ROOT, "Kconfig"), warn_to_stderr=False,
                               suppress_traceback=True)
    if kconf.warnings:
        sys.exit("randconfig.py: the Kconfig tree has warnings:\n  " + "\n  ".join(kconf.warnings))
    return kconf


def named_choice(kconf, name):
    for choice in kconf.unique_choices:
        if choice.name == name:
            return choice
    sys.exit(f"randconfig.py: the Kconfig tree has no choice named {name}")


def platforms(kconf):
    return list(named_choice(kconf, "PLATFORM").syms)


def in_tree_app(sym):
    """A member of the APP choice that an apps/<name>/ directory defines."""
    return any(re.match(r"apps/[^/]+/", os.path.relpath(os.path.join(ROOT, n.filename), ROOT)) for n in sym.nodes)


def active_range(sym):
    for lo, hi, cond in sym.ranges:
        if kconfiglib.expr_value(cond):
            base = 16 if sym.orig_type == kconfiglib.HEX else 10
            return int(lo.str_value, base), int(hi.str_value, base)
    return None


def pick_number(rng, sym, lo, hi):
    """An end of the range, the default, or a value in between (uniform or log-uniform)."""
    r = rng.random()
    if r < 0.15:
        return lo
    if r < 0.30:
        return hi
    if r < 0.50:
        base = 16 if sym.orig_type == kconfiglib.HEX else 10
        try:
            return min(max(int(sym.str_value, base), lo), hi)
        except ValueError:
            return lo
    if r < 0.75 or lo < 0:
        return rng.randint(lo, hi)
    # Log-uniform over [lo, hi]: small values as often as large ones.
    return min(hi, max(lo, int(math.exp(rng.uniform(math.log(lo + 1), math.log(hi + 1)))) - 1))


def format_number(sym, value):
    return hex(value) if sym.orig_type == kconfiglib.HEX else str(value)


def app_dir(sym):
    for n in sym.nodes:
        m = re.match(r"(apps/[^/]+)/", os.path.relpath(os.path.join(ROOT, n.filename), ROOT))
        if m:
            return os.path.join(ROOT, m.group(1))
    return None


def requirement(expect):
    """The '# requires:' expression of an expected-lines file, or None."""
    if not expect or not os.path.isfile(expect):
        return None
    with open(expect) as f:
        for line in f:
            m = re.match(r"#\s*requires:\s*(.+)", line)
            if m:
                return m.group(1).strip()
    return None


def holds(kconf, expr):
    """Is the Kconfig expression true? (Numbers in it are not symbols: no warnings.)"""
    kconf.disable_warnings()
    value = kconf.eval_string(expr)
    kconf.enable_warnings()
    return value != 0


def app_requirement(app, kconf):
    """What the app's expected lines need (the file kit_expected_file in cmake/kit.cmake picks)."""
    d = app_dir(app)
    plat = kconf.syms["PLATFORM_NAME"].str_value
    for name in (f"expected-{plat}.txt", "expected.txt"):
        if d and os.path.isfile(os.path.join(d, name)):
            return requirement(os.path.join(d, name))
    return None


def randomize(kconf, seed, attempt):
    """Random values for one configuration; returns (platform, app) symbols.
    The platform and the app depend on the seed only, the rest on the attempt too."""
    rng = random.Random(seed)
    plats = platforms(kconf)
    plat = plats[seed % len(plats)]
    plat.set_value(2)
    apps = [s for s in named_choice(kconf, "APP").syms if in_tree_app(s) and s.visibility]
    if not apps:
        sys.exit(f"randconfig.py: platform {plat.name} offers no in-tree app")
    app = rng.choice(apps)
    app.set_value(2)
    rng = random.Random(f"{seed}/{attempt}")
    fixed = {plat, app}
    done = set(fixed)

    def keeps_app(undo):
        """A value that would take away the platform or the app is undone."""
        if plat.choice.selection is plat and app.choice.selection is app:
            return
        undo()

    # Visibility follows earlier choices: repeat until nothing new is visible.
    for _ in range(8):
        changed = False
        for choice in kconf.unique_choices:
            if choice in done or not choice.visibility or any(s in fixed for s in choice.syms):
                continue
            members = [s for s in choice.syms if s.visibility]
            if members:
                rng.choice(members).set_value(2)
                keeps_app(choice.unset_value)
                done.add(choice)
                changed = True
        for sym in kconf.unique_defined_syms:
            if sym in done or sym.choice or not sym.visibility:
                continue
            if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
                values = [v for v in sym.assignable if v in (0, 2)]
                if len(values) > 1:
                    sym.set_value(rng.choice(values))
                    keeps_app(sym.unset_value)
            elif sym.orig_type in (kconfiglib.INT, kconfiglib.HEX):
                rng_ = active_range(sym)
                if rng_:
                    sym.set_value(format_number(sym, pick_number(rng, sym, *rng_)))
            done.add(sym)
            changed = True
        if not changed:
            break
    return plat, app


def values(kconf):
    return {s.name: s.str_value for s in kconf.unique_defined_syms}


ATTEMPTS = 20


def generate(seed, path):
    """Write configuration 'seed' as a minimal defconfig; check it loads back unchanged.
    Values are drawn again (up to ATTEMPTS times) while they miss what the app's
    expected lines need, so that most configurations are booted, not only built."""
    for attempt in range(ATTEMPTS):
        kconf = open_kconfig()
        plat, app = randomize(kconf, seed, attempt)
        req = app_requirement(app, kconf) if app.choice.selection is app else None
        if not req or holds(kconf, req):
            break
    if kconf.warnings:
        raise RuntimeError("kconfiglib warned while generating:\n  " + "\n  ".join(kconf.warnings))
    want = values(kconf)
    kconf.write_min_config(path, header=f"# randconfig seed {seed}: replay with "
                                        f"make randconfig-test SEED={seed} N=1\n")
    back = open_kconfig()
    back.load_config(path)
    got = values(back)
    diff = [f"{k}: generated {want[k]!r}, loads as {got.get(k)!r}" for k in want if got.get(k) != want[k]]
    if diff or back.warnings:
        raise RuntimeError("the defconfig does not load back as generated:\n  " +
                           "\n  ".join(diff + back.warnings))
    return plat.name, app.name, back


def expectations(build_dir):
    """The expected-lines file of the image and its '# requires:' expression (or None)."""
    import json
    with open(os.path.join(build_dir, "run.json")) as f:
        expect = json.load(f).get("expect")
    if not expect or not os.path.isfile(expect):
        return None, None
    return expect, requirement(expect)


def run(cmd, log, timeout=None):
    with open(log, "a") as f:
        f.write("$ " + " ".join(cmd) + "\n")
        f.flush()
        try:
            return subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=timeout,
                                  stdin=subprocess.DEVNULL).returncode
        except subprocess.TimeoutExpired:
            f.write(f"\n(timed out after {timeout} s)\n")
            return -1


def tail(path, n=40):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-n:])


def check_one(seed, args):
    """Generate, build and (if it has a known check) boot one configuration. Returns (ok, what)."""
    bdir = os.path.join(args.build, str(seed))
    shutil.rmtree(bdir, ignore_errors=True)
    os.makedirs(bdir)
    defconfig = os.path.join(bdir, "defconfig")
    log = os.path.join(bdir, "randconfig.log")
    try:
        plat, app, kconf = generate(seed, defconfig)
    except RuntimeError as e:
        return False, f"invalid configuration: {e}", defconfig, log
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    what = f"{plat} {app}"
    t0 = time.monotonic()
    if run(["cmake", "-S", ROOT, "-B", bdir, *gen, f"-DKIT_DEFCONFIG={defconfig}"], log) != 0:
        return False, f"{what}: configure failed", defconfig, log
    if run(["cmake", "--build", bdir, "-j", str(args.jobs)], log) != 0:
        return False, f"{what}: build failed", defconfig, log
    if run([PY, os.path.join(ROOT, "tests/boot/check_map.py"), "--disabled-only", bdir], log) != 0:
        return False, f"{what}: linker map check failed", defconfig, log
    built = time.monotonic() - t0
    expect, requires = expectations(bdir)
    if not expect:
        return True, f"{what}: built in {built:.0f} s; not booted: the app has no expected lines", \
            defconfig, log
    if requires and not holds(kconf, requires):
        return True, f"{what}: built in {built:.0f} s; not booted: its expected lines need {requires}", \
            defconfig, log
    t0 = time.monotonic()
    rc = run([PY, os.path.join(ROOT, "scripts/run.py"), "--check", "--timeout", str(args.timeout), bdir],
             log, timeout=args.timeout + 60)
    if rc != 0:
        return False, f"{what}: boot check failed", defconfig, log
    return True, f"{what}: built in {built:.0f} s, booted and checked in {time.monotonic() - t0:.0f} s", \
        defconfig, log


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=10, help="configurations (default 10)")
    ap.add_argument("--seed", type=int, help="seed of the first configuration (default: random)")
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "randconfig"),
                    help="build directories go under here, one per seed")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=int, default=180, help="seconds a boot may take")
    ap.add_argument("--keep", action="store_true", help="keep the build directories of passing configurations")
    ap.add_argument("--generate-only", action="store_true", help="write the defconfig of --seed to -o")
    ap.add_argument("-o", help="with --generate-only: the defconfig to write")
    args = ap.parse_args()

    if args.seed is None:
        args.seed = int.from_bytes(os.urandom(4), "little") % 1000000000
    if args.generate_only:
        if not args.o:
            sys.exit("randconfig.py: --generate-only needs -o FILE")
        plat, app, _ = generate(args.seed, args.o)
        print(f"randconfig: seed {args.seed}: {plat} {app} -> {args.o}")
        return 0
    args.build = os.path.abspath(args.build)
    print(f"randconfig: {args.n} configuration(s) from seed {args.seed}; builds under {args.build}", flush=True)
    failed = []
    for k in range(args.n):
        seed = args.seed + k
        ok, what, defconfig, log = check_one(seed, args)
        print(f"randconfig: seed {seed}: {'ok' if ok else 'FAILED'}: {what}", flush=True)
        if ok:
            if not args.keep:
                shutil.rmtree(os.path.join(args.build, str(seed)), ignore_errors=True)
            continue
        failed.append(seed)
        print(f"---- defconfig of seed {seed} ({defconfig}) ----")
        if os.path.isfile(defconfig):
            with open(defconfig) as f:
                print(f.read().rstrip())
        if os.path.isfile(log):
            print(f"---- end of {log} ----")
            print(tail(log).rstrip())
        print(f"---- replay: make randconfig-test SEED={seed} N=1 ----", flush=True)
    print(f"randconfig: {args.n - len(failed)} of {args.n} passed" +
          (f"; failed seeds: {' '.join(map(str, failed))}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
