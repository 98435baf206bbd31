#!/usr/bin/python3
"""What can be built: boards, apps, defconfigs and the build directories
there are (make list). Everything is discovered from the tree: a board is a
configs/boards/<board>.config, an app fragment a configs/apps/<app>.config.

    list.py KIT_ROOT
"""
import glob
import os
import re
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import kconfiglib  # noqa: E402


def fragment_symbols(path, prefix):
    with open(path) as f:
        return re.findall(rf"^CONFIG_({prefix}\w+)=y", f.read(), re.M)


def prompt(kconf, name):
    sym = kconf.syms.get(name)
    texts = [n.prompt[0] for n in (sym.nodes if sym else []) if n.prompt]
    return texts[0] if texts else ""


def boot_tests(path):
    with open(path) as f:
        m = re.search(r"^# boot-tests:\s*(.*)$", f.read(), re.M)
    return m.group(1).strip() if m else "(none)"


def main():
    root = os.path.abspath(sys.argv[1])
    os.environ["srctree"] = root
    os.environ.setdefault("KIT_APP_DIR", "")
    kconf = kconfiglib.Kconfig(os.path.join(root, "Kconfig"), warn_to_stderr=False)
    name = lambda p: os.path.basename(p).rsplit(".", 1)[0]  # noqa: E731

    print("Boards (make ... PLATFORM=<board>; configs/boards/<board>.config):")
    for path in sorted(glob.glob(f"{root}/configs/boards/*.config")):
        syms = fragment_symbols(path, "PLATFORM_")
        desc = prompt(kconf, syms[0]) if syms else "?"
        print(f"  {name(path):22} {desc}")
        print(f"  {'':22} boot tests: {boot_tests(path)}")

    print("\nApps (make ... APP=<app>; configs/apps/<app>.config, the app in apps/<dir>):")
    for path in sorted(glob.glob(f"{root}/configs/apps/*.config"), key=name):
        syms = fragment_symbols(path, "APP_")
        desc = prompt(kconf, syms[-1]) if syms else "?"
        with open(path) as f:
            more = [line.strip()[len("CONFIG_"):] for line in f
                    if line.startswith("CONFIG_") and not line.startswith("CONFIG_APP_")]
        print(f"  {name(path):22} {desc}" + (f" [{', '.join(more)}]" if more else ""))

    defconfigs = sorted(glob.glob(f"{root}/configs/*_defconfig"))
    print("\nWhole defconfigs (make ... CONFIG=<file>):")
    for path in defconfigs:
        print(f"  {os.path.relpath(path, root)}")
    tests = sorted(glob.glob(f"{root}/tests/boot/configs/*_defconfig"))
    for path in tests:
        print(f"  {os.path.relpath(path, root)} (a boot test's)")
    if not defconfigs and not tests:
        print("  (none: every configuration is a board plus an app)")

    builds = sorted(d for d in glob.glob(f"{root}/build/*") if os.path.isfile(f"{d}/.config")
                    and not os.path.basename(d).startswith(("tests", "bench")))
    print("\nBuild directories (make run BUILD=<dir>, or PLATFORM= APP= as they were made):")
    for d in builds:
        origin = {}
        if os.path.isfile(f"{d}/.kit-origin"):
            with open(f"{d}/.kit-origin") as f:
                origin = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        app = origin.get("APP", "")[len("APP_"):].lower().replace("_", "-") or "?"
        print(f"  {os.path.relpath(d, root):40} {origin.get('PLATFORM', '?')} / {app}")
    if not builds:
        print("  (none yet)")
    print("\nOut-of-tree apps: make new-app NAME=<name> makes one; make check-app APP_DIR=<dir> tests it.")


if __name__ == "__main__":
    main()
