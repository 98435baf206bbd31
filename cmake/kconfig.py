#!/usr/bin/python3
"""Kconfig glue for the build: load a defconfig, bring .config up to date,
write config.h and a CMake fragment, save a minimal defconfig.

Runs under Debian's python3 (/usr/bin/python3), which sees python3-kconfiglib.
Any kconfiglib warning is fatal: a defconfig asking for a value it cannot have
(a platform a component does not support, a misspelt symbol) stops the build
with kconfiglib's own message instead of producing a surprising image.
"""

import argparse
import os
import re
import sys

try:
    import kconfiglib
except ImportError:
    sys.exit("kconfig.py: python3-kconfiglib is missing; run scripts/setup.sh "
             "(or: apt-get install python3-kconfiglib) and use /usr/bin/python3")


def open_kconfig(srctree):
    os.environ["srctree"] = srctree
    os.environ.setdefault("KIT_APP_DIR", "")
    kconf = kconfiglib.Kconfig(os.path.join(srctree, "Kconfig"),
                               warn_to_stderr=False, suppress_traceback=True)
    kconf.warn_assign_undef = True  # a misspelt CONFIG_ in a defconfig is an error
    return kconf


def fail_on_warnings(kconf, what):
    if kconf.warnings:
        for w in kconf.warnings:
            print(f"kconfig: {what}: {w}", file=sys.stderr)
        sys.exit(f"kconfig: {what}: refusing a configuration with warnings (see above)")


def drop_stale(kconf, what):
    """A build directory's .config is written by this script, so a symbol in
    it that the Kconfig files no longer define was renamed or removed since:
    drop it (as olddefconfig does) and say so, instead of refusing the build.
    A defconfig gets no such leniency."""
    stale = [w for w in kconf.warnings if "undefined symbol" in w]
    for w in stale:
        print(f"kconfig: {what}: dropped (no longer in Kconfig): {w.split('undefined symbol')[-1].strip()}",
              file=sys.stderr)
    kconf.warnings[:] = [w for w in kconf.warnings if w not in stale]


def check_assignments(kconf, what, names=None):
    """kconfiglib quietly drops a value whose dependencies are not met; a
    defconfig that asks for an impossible combination must fail instead.
    names: only these symbols (what a fragment applied to a .config set)."""
    bad = []
    for sym in kconf.unique_defined_syms:
        if sym.user_value is None or (names is not None and sym.name not in names):
            continue
        want = sym.user_value
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            want = kconfiglib.TRI_TO_STR[want]
        if sym.str_value != want:
            if kconfiglib.expr_value(sym.direct_dep) and sym.ranges:
                why = "it is outside the allowed range " + " / ".join(
                    f"[{kconfiglib.expr_str(lo)}, {kconfiglib.expr_str(hi)}]" for lo, hi, _ in sym.ranges)
            else:
                why = "it depends on: " + kconfiglib.expr_str(sym.direct_dep)
            bad.append(f"CONFIG_{sym.name}={want} cannot be set (it would be '{sym.str_value}'); {why}")
    if bad:
        for b in bad:
            print(f"kconfig: {what}: {b}", file=sys.stderr)
        sys.exit(f"kconfig: {what}: impossible configuration (see above)")


def set_one(kconf, assignment):
    """CONFIG_X=VALUE from a command line: a string needs no quotes there."""
    name, _, value = assignment.partition("=")
    sym = kconf.syms.get(name[len("CONFIG_"):]) if name.startswith("CONFIG_") else None
    if sym is None or not sym.nodes:
        sys.exit(f"kconfig: {assignment}: no such option {name} (make menuconfig lists them; "
                 f"'/' searches)")
    if sym.orig_type == kconfiglib.STRING and len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    if not sym.set_value(value):
        sys.exit(f"kconfig: {assignment}: not a valid value for this "
                 f"{kconfiglib.TYPE_TO_STR[sym.orig_type]} option")
    return sym.name


def has_prompt(sym):
    return any(node.prompt for node in sym.nodes)


def check_config(kconf, what):
    """A .config edited by hand (or by an older Kconfig) may ask for a value
    out of range or a symbol whose dependencies are off; kconfiglib would
    quietly put the default back and the build would not be the one asked
    for. Symbols without a prompt are kconfiglib's to compute: skipped."""
    bad = []
    for sym in kconf.unique_defined_syms:
        if sym.user_value is None or not has_prompt(sym) or sym.choice:
            continue
        want = sym.user_value
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            want = kconfiglib.TRI_TO_STR[want]
            if want == "n":  # "is not set" of a symbol that is off anyway
                continue
        if sym.str_value != want:
            if kconfiglib.expr_value(sym.direct_dep) and sym.ranges:
                why = "outside its range " + " / ".join(
                    f"[{kconfiglib.expr_str(lo)}, {kconfiglib.expr_str(hi)}]" for lo, hi, _ in sym.ranges)
            else:
                why = "it depends on " + kconfiglib.expr_str(sym.direct_dep)
            bad.append(f"CONFIG_{sym.name}={want}: {why} (kconfig would make it '{sym.str_value}')")
    if bad:
        for b in bad:
            print(f"kconfig: {what}: {b}", file=sys.stderr)
        sys.exit(f"kconfig: {what}: fix these values (make menuconfig, or edit the file), "
                 f"or reload the configuration (make defconfig)")


# The board and the app a build directory was loaded with (written with the
# .config). menuconfig can change both without a word: a board changed there
# needs another compiler, and an app whose dependency was turned off there
# falls back to the choice's default (hello).
ORIGIN = ".kit-origin"


def chosen(kconf):
    app = kconf.named_choices["APP"].selection
    return {"PLATFORM": kconf.syms["PLATFORM_NAME"].str_value, "APP": app.name if app else ""}


def app_name(sym_name):
    return (sym_name or "none")[len("APP_"):].lower().replace("_", "-")


def origin_path(config):
    return os.path.join(os.path.dirname(os.path.abspath(config)), ORIGIN)


def write_origin(kconf, config):
    write_if_changed(origin_path(config), "".join(f"{k}={v}\n" for k, v in chosen(kconf).items()))


def read_origin(config):
    try:
        with open(origin_path(config)) as f:
            return dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
    except FileNotFoundError:
        return None


def check_origin(kconf, config):
    old, now = read_origin(config), chosen(kconf)
    build = os.path.dirname(os.path.abspath(config))
    if old is None:
        write_origin(kconf, config)
        return
    if old.get("PLATFORM") != now["PLATFORM"]:
        sys.exit(f"kconfig: {build} was configured for the board {old.get('PLATFORM')}, and its .config "
                 f"now names {now['PLATFORM']} (changed in menuconfig, or by a fragment?). A build directory keeps its "
                 f"board, whose compiler it was set up with. Choose {old.get('PLATFORM')} again "
                 f"(make menuconfig) or reload the configuration (make defconfig, dropping local "
                 f"changes); build another board in a directory of its own "
                 f"(make run PLATFORM={now['PLATFORM']} APP=...).")
    if old.get("APP") != now["APP"]:
        sym = kconf.syms.get(old.get("APP", ""))
        if sym is not None and sym.visibility == 0:
            sys.exit(f"kconfig: the app is now {app_name(now['APP'])}, not {app_name(old['APP'])}: "
                 f"CONFIG_{old['APP']} "
                     f"depends on {kconfiglib.expr_str(sym.direct_dep)}, which this configuration "
                     f"no longer has (turned off in menuconfig?), so Kconfig fell back to the "
                     f"default app. Turn it back on (make menuconfig), or reload the configuration "
                     f"(make defconfig); to build {app_name(now['APP'])} on purpose, choose it in menuconfig.")
        print(f"kconfig: the app is now {app_name(now['APP'])} (was {app_name(old.get('APP'))}), as chosen",
              file=sys.stderr)
        write_origin(kconf, config)


def cmake_value(sym):
    if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        return "y" if sym.str_value == "y" else ""
    return sym.str_value.replace("\\", "\\\\").replace('"', '\\"')


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def generate(kconf, header, cmake_out):
    """config.h for C (CONFIG_FOO 1 / number / "string") and set() lines for CMake."""
    lines = ["/* Generated from .config by cmake/kconfig.py. Do not edit. */",
             "#ifndef KIT_CONFIG_H", "#define KIT_CONFIG_H"]
    cm = ["# Generated from .config by cmake/kconfig.py. Do not edit."]
    for sym in kconf.unique_defined_syms:
        if not sym.config_string:  # invisible or unmet dependencies: not in .config
            continue
        val = sym.str_value
        if sym.orig_type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
            if val == "y":
                lines.append(f"#define CONFIG_{sym.name} 1")
        elif sym.orig_type == kconfiglib.STRING:
            esc = val.replace("\\", "\\\\").replace('"', '\\"')
            lines.append(f'#define CONFIG_{sym.name} "{esc}"')
        elif val != "":
            lines.append(f"#define CONFIG_{sym.name} {val}")
        cm.append(f'set(CONFIG_{sym.name} "{cmake_value(sym)}")')
    lines.append("#endif")
    write_if_changed(header, "\n".join(lines) + "\n")
    write_if_changed(cmake_out, "\n".join(cm) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("command", choices=["defconfig", "merge", "check", "sync", "savedefconfig",
                                        "olddefconfig", "deps"])
    ap.add_argument("--srctree", required=True)
    ap.add_argument("--config", required=True, help="the .config of a build directory")
    ap.add_argument("--defconfig", action="append",
                    help="defconfig to load (defconfig; repeat it to merge fragments in order), "
                         "fragment to apply to .config (merge), or file to write (savedefconfig)")
    ap.add_argument("--set", action="append", default=[], metavar="CONFIG_X=VALUE",
                    help="one value to apply to .config (merge)")
    ap.add_argument("--header", help="config.h to write (sync)")
    ap.add_argument("--cmake", help="CMake fragment to write (sync)")
    args = ap.parse_args()

    kconf = open_kconfig(os.path.abspath(args.srctree))
    fail_on_warnings(kconf, "Kconfig")

    if args.command == "deps":
        # Every Kconfig file read, so CMake re-runs when one changes.
        print(";".join(sorted(set(os.path.abspath(os.path.join(kconf.srctree, p))
                                  for p in kconf.kconfig_filenames))))
        return

    if args.command == "defconfig":
        if not args.defconfig:
            sys.exit("kconfig: defconfig needs --defconfig FILE")
        # Fragments merge in order: each sets only what it names, and a later
        # one overrides an earlier one (the app's fragment a board default).
        kconf.warn_assign_override = False
        for i, path in enumerate(args.defconfig):
            if not os.path.isfile(path):
                sys.exit(f"kconfig: no such defconfig: {path}")
            kconf.load_config(path, replace=(i == 0))
            fail_on_warnings(kconf, path)
        what = " + ".join(args.defconfig)
        check_assignments(kconf, what)
        os.makedirs(os.path.dirname(os.path.abspath(args.config)), exist_ok=True)
        kconf.write_config(args.config, save_old=False)
        write_origin(kconf, args.config)
        print(f"kconfig: loaded {what}")
        return

    if not os.path.isfile(args.config):
        sys.exit(f"kconfig: {args.config} does not exist; load a defconfig first")
    kconf.load_config(args.config)
    drop_stale(kconf, args.config)
    fail_on_warnings(kconf, args.config)

    if args.command == "merge":
        # Fragments on top of the build directory's .config (make EXTRA_CONFIG=,
        # CONFIG_X=y on the command line, cmake -DCONFIG_X=y): like a
        # menuconfig change, they stay until the configuration is reloaded.
        kconf.warn_assign_override = False
        names = set()
        for path in args.defconfig or []:
            if not os.path.isfile(path):
                sys.exit(f"kconfig: no such configuration fragment: {path}")
            kconf.load_config(path, replace=False)
            fail_on_warnings(kconf, path)
            with open(path) as f:
                names |= set(re.findall(r"^(?:# )?CONFIG_(\w+)[= ]", f.read(), re.M))
        for assignment in args.set:
            names.add(set_one(kconf, assignment))
        what = " + ".join((args.defconfig or []) + args.set)
        check_assignments(kconf, what, names)
        check_origin(kconf, args.config)
        kconf.write_config(args.config, save_old=False)
        print(f"kconfig: applied {what}")
        return

    check_config(kconf, args.config)
    check_origin(kconf, args.config)
    if args.command == "check":
        return
    if args.command == "savedefconfig":
        out = args.defconfig[0] if args.defconfig else os.path.join(os.path.dirname(args.config), "defconfig")
        kconf.write_min_config(out)
        print(f"kconfig: minimal config written to {out}")
    elif args.command == "olddefconfig":
        kconf.write_config(args.config)
    elif args.command == "sync":
        # Rewrite .config only if olddefconfig would change it, so an unchanged
        # configuration does not re-trigger CMake.
        text = kconf._config_contents(None)
        with open(args.config) as f:
            if f.read() != text:
                kconf.write_config(args.config)
        generate(kconf, args.header, args.cmake)


if __name__ == "__main__":
    main()
