#!/usr/bin/python3
"""Build an app outside the tree on every board and boot-test it, as
Zephyr's twister does for an app's test cases (make check-app APP_DIR=...):

    check_app.py --root KIT_ROOT --app-dir DIR [--boards "a b"] [--jobs N]
                 [--timeout S] [--build-root DIR]

The boards are every configs/boards/<board>.config (a board added to the
kit is checked with no edit here), or those the app's app.config names on
a line '# boards: a b' ('# boards: every board' is the default), or the
--boards given. On each: configure (the board's fragment + app.config, or
the app's <board>_defconfig), build into BUILD_ROOT/<board>_<app>, boot
with scripts/run.py --check, which matches the app's expected-<board>.txt
or expected.txt and the exit status. One line per board, then a summary;
the exit status is 1 if any board failed.
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import time


def boards_of(root, app_dir, given):
    every = sorted(os.path.basename(p)[:-len(".config")] for p in glob.glob(f"{root}/configs/boards/*.config"))
    if given:
        unknown = [b for b in given.split() if b not in every]
        if unknown:
            sys.exit(f"check-app: no such board: {' '.join(unknown)} (boards: {' '.join(every)})")
        return given.split()
    line = ""
    if os.path.isfile(f"{app_dir}/app.config"):
        with open(f"{app_dir}/app.config") as f:
            m = re.search(r"^# boards:\s*(.*)$", f.read(), re.M)
            line = m.group(1).strip() if m else ""
    if line and not line.startswith("every board"):
        return boards_of(root, app_dir, line)
    if not os.path.isfile(f"{app_dir}/app.config"):  # only the boards it has a defconfig for
        return [b for b in every if os.path.isfile(f"{app_dir}/{b}_defconfig")]
    return every


def config_of(root, app_dir, board):
    own = f"{app_dir}/{board}_defconfig"
    if os.path.isfile(own):
        return own
    return f"{root}/configs/boards/{board}.config,{app_dir}/app.config"


def tail(path, n=25):
    with open(path, errors="replace") as f:
        return "".join(f.readlines()[-n:])


def check(root, app_dir, board, build_root, jobs, timeout):
    name = f"{board}_{os.path.basename(app_dir)}"
    bdir = os.path.join(build_root, name)
    os.makedirs(bdir, exist_ok=True)
    log = os.path.join(bdir, "check-app.log")
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    steps = [
        ("configure", ["cmake", "-S", root, "-B", bdir, *gen, f"-DKIT_DEFCONFIG={config_of(root, app_dir, board)}",
                       f"-DKIT_APP_DIR={app_dir}"]),
        ("build", ["cmake", "--build", bdir, "-j", str(jobs)]),
    ]
    with open(log, "w") as out:
        for what, cmd in steps:
            out.write(f"$ {' '.join(cmd)}\n")
            out.flush()
            if subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT) != 0:
                return f"{what} failed ({log}):\n{tail(log)}"
    with open(os.path.join(bdir, "run.json")) as f:
        expect = re.search(r'"expect": "([^"]*)"', f.read()).group(1)
    if not expect:
        return f"the app has no expected.txt (or expected-{board}.txt): nothing to match"
    r = subprocess.run([sys.executable, f"{root}/scripts/run.py", "--check", "--timeout", str(timeout),
                        "--log", os.path.join(bdir, "check-app.boot.log"), bdir],
                       stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if r.returncode != 0:
        problems = [line for line in r.stdout.splitlines() if line.startswith("BOOT TEST FAILED")]
        return "\n".join(problems) or f"run.py exited with {r.returncode}:\n{r.stdout[-2000:]}{r.stderr}"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--app-dir", required=True)
    ap.add_argument("--boards", help="board names separated by spaces (default: every board)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count())
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--build-root", help="where the build directories go (default: KIT_ROOT/build)")
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    app_dir = os.path.abspath(args.app_dir)
    if not os.path.isfile(f"{app_dir}/CMakeLists.txt"):
        sys.exit(f"check-app: {app_dir} has no CMakeLists.txt (make new-app NAME=... makes an app)")
    boards = boards_of(root, app_dir, args.boards)
    if not boards:
        sys.exit(f"check-app: no board to check: {app_dir} has neither app.config nor <board>_defconfig")
    build_root = os.path.abspath(args.build_root or os.path.join(root, "build"))
    passed, failed = [], []
    for board in boards:
        t = time.monotonic()
        problem = check(root, app_dir, board, build_root, args.jobs, args.timeout)
        took = time.monotonic() - t
        if problem:
            failed.append(board)
            print(f"check-app: {board}: FAILED ({took:.1f} s)\n  " + problem.replace("\n", "\n  "), flush=True)
        else:
            passed.append(board)
            print(f"check-app: {board}: passed ({took:.1f} s)", flush=True)
    print(f"check-app: {os.path.basename(app_dir)} on {len(boards)} boards: "
          f"{len(passed)} passed, {len(failed)} failed" + (f" ({' '.join(failed)})" if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
