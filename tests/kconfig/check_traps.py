#!/usr/bin/python3
"""What a configuration edit could once do without a word must now either
work or stop with a message that says what to do:

    check_traps.py KIT_ROOT CASE

  app-fallback   menuconfig turns off what the app depends on (PAGING for
                 shm-demo); Kconfig falls back to hello. The check after
                 menuconfig (and every later build) must refuse, naming the app
                 and the dependency.
  app-chosen     another app chosen on purpose is accepted, and said.
  board          menuconfig picks another board: refused, with the way back.
  range          a hand-edited .config holds an out-of-range value:
                 olddefconfig must refuse it, not put the default back.
  set            CONFIG_X=value applied to a .config (make CONFIG_X=...):
                 applied; out of range, unknown or malformed: refused.
  cmake-d        cmake -DCONFIG_X=value reaches the .config and config.h
                 (it used to be shadowed by the generated value); a
                 component's own log level reaches its compile lines only.
"""
import os
import re
import subprocess
import sys
import tempfile

root, case = sys.argv[1], sys.argv[2]
kconfig_py = os.path.join(root, "cmake", "kconfig.py")
failures = []


def kconfig(tmp, *args):
    r = subprocess.run([sys.executable, kconfig_py, *args, "--srctree", root, "--config", f"{tmp}/.config"],
                       capture_output=True, text=True)
    print(f"$ kconfig.py {' '.join(args)} -> {r.returncode}\n{r.stdout}{r.stderr}")
    return r


def load(tmp, board, app):
    r = kconfig(tmp, "defconfig", "--defconfig", f"{root}/configs/boards/{board}.config",
                "--defconfig", f"{root}/configs/apps/{app}.config")
    if r.returncode != 0:
        sys.exit("FAILED: the defconfig did not load")


def menuconfig_sets(tmp, **values):
    """What menuconfig does: set values, let Kconfig settle, write .config."""
    sys.path.insert(0, "/usr/lib/python3/dist-packages")
    import kconfiglib
    os.environ["srctree"] = root
    os.environ.setdefault("KIT_APP_DIR", "")
    kconf = kconfiglib.Kconfig(os.path.join(root, "Kconfig"), warn_to_stderr=False)
    kconf.load_config(f"{tmp}/.config")
    for name, value in values.items():
        kconf.syms[name].set_value(value)
    kconf.write_config(f"{tmp}/.config")


def expect(r, ok, *words):
    out = r.stdout + r.stderr
    if ok and r.returncode != 0:
        failures.append(f"refused, but should pass: {out.strip()}")
    if not ok and r.returncode == 0:
        failures.append("accepted, but should be refused")
    for w in words:
        if w not in out:
            failures.append(f"the message does not say {w!r}")


def config_has(tmp, line):
    with open(f"{tmp}/.config") as f:
        return re.search(rf"^{re.escape(line)}$", f.read(), re.M) is not None


with tempfile.TemporaryDirectory() as tmp:
    if case == "app-fallback":
        load(tmp, "riscv64-qemu-virt", "shm-demo")
        menuconfig_sets(tmp, PAGING="n")
        if not config_has(tmp, "CONFIG_APP_HELLO=y"):
            sys.exit("FAILED: the premise changed: turning PAGING off no longer falls back to hello")
        for step in ("check", "sync", "olddefconfig"):
            args = [step] + (["--header", f"{tmp}/c.h", "--cmake", f"{tmp}/c.cmake"] if step == "sync" else [])
            expect(kconfig(tmp, *args), False, "shm-demo", "PAGING", "make menuconfig", "make defconfig")
    elif case == "app-chosen":
        load(tmp, "riscv64-qemu-virt", "shm-demo")
        menuconfig_sets(tmp, APP_SCHED_DEMO="y")
        expect(kconfig(tmp, "check"), True, "the app is now sched-demo")
        expect(kconfig(tmp, "check"), True)
    elif case == "board":
        load(tmp, "riscv64-qemu-virt", "hello")
        menuconfig_sets(tmp, PLATFORM_HOST="y")
        expect(kconfig(tmp, "check"), False, "riscv64-qemu-virt", "host", "make defconfig",
               "make run PLATFORM=host")
    elif case == "range":
        load(tmp, "host", "hello")
        with open(f"{tmp}/.config") as f:
            text = f.read()
        with open(f"{tmp}/.config", "w") as f:
            f.write(re.sub(r"^CONFIG_HOST_RAM_MB=.*$", "CONFIG_HOST_RAM_MB=1", text, flags=re.M))
        expect(kconfig(tmp, "olddefconfig"), False, "CONFIG_HOST_RAM_MB=1", "range")
        if not config_has(tmp, "CONFIG_HOST_RAM_MB=1"):
            failures.append("olddefconfig rewrote the refused value")
    elif case == "set":
        load(tmp, "host", "hello")
        expect(kconfig(tmp, "merge", "--set", "CONFIG_LOG_LEVEL=3"), True, "applied")
        if not config_has(tmp, "CONFIG_LOG_LEVEL=3"):
            failures.append("CONFIG_LOG_LEVEL=3 is not in .config")
        expect(kconfig(tmp, "merge", "--set", "CONFIG_LOG_LEVEL=9"), False, "CONFIG_LOG_LEVEL=9", "range")
        expect(kconfig(tmp, "merge", "--set", "CONFIG_NO_SUCH_OPTION=y"), False, "no such option")
        expect(kconfig(tmp, "merge", "--set", "CONFIG_DEBUG=maybe"), False, "not a valid value")
        with open(f"{tmp}/frag.config", "w") as f:
            f.write("# CONFIG_DEBUG is not set\n")
        expect(kconfig(tmp, "merge", "--defconfig", f"{tmp}/frag.config"), True, "applied")
        if not config_has(tmp, "# CONFIG_DEBUG is not set"):
            failures.append("the fragment's CONFIG_DEBUG=n is not in .config")
    elif case == "cmake-d":
        b = f"{tmp}/b"
        r = subprocess.run(["cmake", "-S", root, "-B", b, "-DCONFIG_LOG_LEVEL=1",
                            "-DCONFIG_PAGE_ALLOC_LOG_LEVEL=3",
                            f"-DKIT_DEFCONFIG={root}/configs/boards/host.config,{root}/configs/apps/hello.config"],
                           capture_output=True, text=True)
        print(r.stdout[-2000:] + r.stderr[-2000:])
        if r.returncode != 0:
            sys.exit("FAILED: configuring with -DCONFIG_LOG_LEVEL=3 failed")
        with open(f"{b}/generated/kit/config.h") as f:
            if "#define CONFIG_LOG_LEVEL 1" not in f.read():
                failures.append("-DCONFIG_LOG_LEVEL=1 did not reach config.h")
        import json
        with open(f"{b}/compile_commands.json") as f:
            commands = json.load(f)
        for c in commands:
            comp = "/components/page-alloc/" in c["file"]
            has = "-DKLOG_LEVEL=3" in c["command"]
            if comp != has and "/components/" in c["file"]:
                failures.append(f"{c['file']}: -DKLOG_LEVEL=3 {'missing' if comp else 'present'}")
        with open(f"{b}/CMakeCache.txt") as f:
            if re.search(r"^CONFIG_(PAGE_ALLOC_)?LOG_LEVEL", f.read(), re.M):
                failures.append("CONFIG_LOG_LEVEL stayed in the CMake cache (it would be applied again)")
    else:
        sys.exit(f"unknown case {case}")

for f in failures:
    print("FAILED:", f)
if failures:
    sys.exit(1)
print(f"{case}: ok")
