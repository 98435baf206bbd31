#!/usr/bin/python3
"""Run a built image, interactively or as a boot test.

    run.py BUILD_DIR                     boot it; exit with the image's status
    run.py --boot uboot BUILD_DIR        OpenSBI -> U-Boot -> booti, no typing
    run.py --gdb 1234 BUILD_DIR          wait for gdb-multiarch on port 1234 (QEMU's gdb stub;
                                         a host image runs under gdbserver)
    run.py --check BUILD_DIR             boot test: match the app's expected lines
                                         (QEMU gets the expected file's '# qemu-args:' too)
    run.py --check --skip-missing BUILD_DIR
                                         the same, but a missing QEMU or U-Boot skips the test
                                         (exit status 77, CTest's SKIP_RETURN_CODE) with a message
    run.py --initrd FILE --append STRING BUILD_DIR
                                         hand the image an initrd and a kernel command line
                                         (QEMU -initrd/-append; the host image gets them as
                                         KIT_INITRD/KIT_CMDLINE)
    run.py --smp 4 BUILD_DIR             a machine with 4 CPUs (QEMU -smp) instead of the
                                         configured CONFIG_QEMU_HARTS (a host image built with
                                         CONFIG_SMP: 4 threads, KIT_CPUS); the environment's
                                         KIT_SMP (make ... SMP=4) is the default

BUILD_DIR/run.json (written by the platform's CMake) says what the image is
and how the platform runs it. Only the standard library is used.
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time


def die(msg, status=2):
    print(f"run.py: {msg}", file=sys.stderr)
    sys.exit(status)


SKIP_STATUS = 77  # CTest's SKIP_RETURN_CODE for the boot tests
skip_missing = False


def missing(what):
    if skip_missing:
        print(f"SKIPPED: {what}", flush=True)
        sys.exit(SKIP_STATUS)
    die(what)


def need(tool, package):
    if not shutil.which(tool):
        missing(f"'{tool}' not found: install the Debian package {package} (scripts/setup.sh does)")


def load_run_json(build_dir):
    path = os.path.join(build_dir, "run.json")
    if not os.path.isfile(path):
        die(f"{path} not found: build the image first (make, or cmake --build {build_dir})")
    with open(path) as f:
        return json.load(f)


def uboot_dtb(info, workdir, initrd=None, append=None):
    """QEMU's own device tree for this machine, plus a /config node that makes
    U-Boot boot our image at once: bootdelay -2 (no countdown, no key check)
    and a bootcmd running booti on the image QEMU preloaded into RAM.
    Where U-Boot is the machine's firmware (uboot_as "bios": aarch64), QEMU
    does not load an initrd nor write a command line for it: the initrd is
    preloaded too and named to booti, and the command line goes into
    /chosen here."""
    need("fdtput", "device-tree-compiler")
    dtb = os.path.join(workdir, "uboot.dtb")
    subprocess.run([info["qemu"], *info["machine"], "-machine", f"dumpdtb={dtb}",
                    "-display", "none"], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    uboot_load = int(info["uboot_load_addr"], 0)
    rd = "-"
    if initrd and info.get("uboot_as") == "bios":
        rd = f"{int(info['uboot_initrd_addr'], 0):#x}:{os.path.getsize(initrd):#x}"
    bootcmd = f"echo unikit: booti from {uboot_load:#x}; booti {uboot_load:#x} {rd} ${{fdtcontroladdr}}"
    subprocess.run(["fdtput", "-c", dtb, "/config"], check=True)
    subprocess.run(["fdtput", "-t", "u", dtb, "/config", "bootdelay", "0xfffffffe"], check=True)
    subprocess.run(["fdtput", "-t", "s", dtb, "/config", "bootcmd", bootcmd], check=True)
    if append is not None and info.get("uboot_as") == "bios":
        # -p: QEMU's tree has a /chosen already (stdout-path); create it only if not.
        subprocess.run(["fdtput", "-p", "-t", "s", dtb, "/chosen", "bootargs", append], check=True)
    return dtb


def ram_bytes(info):
    """The machine's RAM from its '-m' option (QEMU's default suffix is M)."""
    m = info["machine"]
    size = m[m.index("-m") + 1] if "-m" in m else "128M"
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    return int(size[:-1]) * units[size[-1].upper()] if size[-1].upper() in units else int(size) << 20


def initrd_place(info, initrd):
    """Where QEMU puts -initrd: min(RAM/2, 128 MiB) above the -kernel entry
    (the board's load address)."""
    start = int(info["load_addr"], 0) + min(ram_bytes(info) // 2, 128 << 20)
    return start, start + os.path.getsize(initrd)


def fw_jump_clash(info, initrd):
    """Would fw_jump copy the device tree (a few KiB of QEMU's) over the initrd?"""
    fdt_addr = int(info["fw_jump_fdt_addr"], 0)
    start, end = initrd_place(info, initrd)
    return start < fdt_addr + (64 << 10) and fdt_addr < end


def check_initrd_place(info, fw_name, boot, initrd):
    """QEMU lets later writes land on the initrd without a word: refuse the
    two overlaps that happen with small RAM."""
    uboot_load = int(info["uboot_load_addr"], 0)
    fdt_addr = int(info["fw_jump_fdt_addr"], 0)
    start, end = initrd_place(info, initrd)
    more_ram = "give the machine more RAM (CONFIG_QEMU_MEMORY_MB)"
    if fw_name == "fw_jump" and fw_jump_clash(info, initrd):
        die(f"QEMU loads the initrd at {start:#x}-{end:#x}, where fw_jump puts the device tree "
            f"({fdt_addr:#x}): {more_ram}" + ("" if boot == "uboot" else " or use --boot fw_dynamic"))
    image_end = uboot_load + os.path.getsize(info["image"])
    if boot == "uboot" and start < image_end and uboot_load < end:
        die(f"QEMU loads the initrd at {start:#x}-{end:#x}, over the image preloaded for U-Boot "
            f"at {uboot_load:#x}-{image_end:#x}: {more_ram} or boot without U-Boot")


def with_smp(info, smp):
    """The machine's options with its CPU count replaced by smp (None: as configured)."""
    machine = list(info["machine"])
    if smp is None:
        return machine
    if "-smp" in machine:
        machine[machine.index("-smp") + 1] = str(smp)
    else:
        machine += ["-smp", str(smp)]
    return machine


def loader(path, addr):
    return ["-device", f"loader,file={path},addr={int(addr, 0):#x},force-raw=on"]


def command(info, boot, gdb_port, workdir, extra, initrd=None, append=None):
    if info["kind"] == "host":
        if gdb_port:  # a Linux process: gdbserver plays QEMU's gdb stub
            need("gdbserver", "gdbserver")
            return ["gdbserver", f"localhost:{gdb_port}", info["image"], *extra]
        return [info["image"], *extra]
    need(info["qemu"], info.get("qemu_package", "qemu-system-misc"))
    opensbi = info["firmware"] != "none"
    if not opensbi and boot in ("fw_jump", "fw_dynamic"):
        die(f"--boot {boot}: {info['platform']} has no OpenSBI firmware (--boot uboot, or none)")
    cmd = [info["qemu"], *info["machine"], "-nographic", "-no-reboot"]
    if opensbi:
        fw_name = info["firmware"] if boot == "default" else ("fw_jump" if boot == "uboot" else boot)
        fw = os.path.join(info["opensbi_dir"], f"{fw_name}.bin")
        if not os.path.isfile(fw):
            die(f"{fw} not found: install the Debian package opensbi")
        cmd += ["-bios", fw]
    if boot == "uboot":
        if not os.path.isfile(info["uboot"]):
            missing(f"{info['uboot']} not found: install the Debian package u-boot-qemu")
        dtb = uboot_dtb(info, workdir, initrd, append)
        if info.get("uboot_as") == "bios":
            # U-Boot is the machine's firmware: QEMU only preloads what booti takes.
            cmd += ["-bios", info["uboot"], "-dtb", dtb, *loader(info["image"], info["uboot_load_addr"])]
            if initrd:
                cmd += loader(initrd, info["uboot_initrd_addr"])
            initrd = append = None
        else:
            cmd += ["-kernel", info["uboot"], "-dtb", dtb, *loader(info["image"], info["uboot_load_addr"])]
    else:
        cmd += ["-kernel", info["image"]]
    # QEMU writes both into the device tree's /chosen, which U-Boot's booti
    # passes on untouched (no initrd argument, no bootargs in its env).
    if initrd and opensbi and boot == "default" and fw_name == "fw_jump" and fw_jump_clash(info, initrd):
        # The configured firmware cannot boot this initrd; fw_dynamic can (it
        # leaves the device tree where QEMU put it, at the end of RAM).
        print("run.py: fw_jump would copy the device tree over the initrd (little RAM): booting "
              "with fw_dynamic instead (CONFIG_QEMU_FW_DYNAMIC makes it the default)", file=sys.stderr)
        fw_name = "fw_dynamic"
        fw = os.path.join(info["opensbi_dir"], f"{fw_name}.bin")
        cmd[cmd.index("-bios") + 1] = fw
    if initrd:
        if opensbi:
            check_initrd_place(info, fw_name, boot, initrd)
        cmd += ["-initrd", initrd]
    if append is not None:
        cmd += ["-append", append]
    if gdb_port:
        cmd += ["-S", "-gdb", f"tcp::{gdb_port}"]
    return cmd + extra


def read_config(build_dir):
    """The bool options set in the image's .config (CONFIG_FOO=y)."""
    try:
        with open(os.path.join(build_dir, ".config")) as f:
            return set(re.findall(r"^(CONFIG_\w+)=y$", f.read(), re.M))
    except FileNotFoundError:
        return set()


def read_expectations(path, config=frozenset()):
    """Regexes in order, and the expected exit status ('# exit-status: N').
    Lines between '# if CONFIG_FOO' (or '# if !CONFIG_FOO') and '# endif'
    count only when the image's configuration has (or lacks) that option."""
    lines, status, live = [], 0, [True]
    if not path:
        return lines, status
    with open(path) as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = re.match(r"#\s*exit-status:\s*(\d+)", line)
            cond = re.match(r"#\s*if\s+(!?)(CONFIG_\w+)\s*$", line)
            if cond:
                live.append(live[-1] and ((cond.group(2) in config) != (cond.group(1) == "!")))
            elif re.match(r"#\s*endif\s*$", line) and len(live) > 1:
                live.pop()
            elif m:
                status = int(m.group(1))
            elif line.strip() and not line.startswith("#") and live[-1]:
                lines.append(line)
    return lines, status


def check_qemu_args(path):
    """QEMU options the expected lines were written for ('# qemu-args: ...'):
    an app that judges its own timing asks for an exact guest clock."""
    if not path:
        return []
    with open(path) as f:
        for line in f:
            m = re.match(r"#\s*qemu-args:\s*(.+)", line)
            if m:
                return m.group(1).split()
    return []


def check(output, expect_path, status, timed_out, timeout, config=frozenset()):
    """Return a list of failure messages (empty when the run passed)."""
    out_lines = output.replace("\r", "").split("\n")
    regexes, want_status = read_expectations(expect_path, config)
    problems = []
    if timed_out:
        problems.append(f"the image did not finish within {timeout} s (a hang?)")
    pos = 0
    for i, rx in enumerate(regexes, 1):
        pat = re.compile(rx)
        while pos < len(out_lines) and not pat.search(out_lines[pos]):
            pos += 1
        if pos == len(out_lines):
            problems.append(f"expected line {i} of {expect_path} not found (in order): {rx}")
            break
        pos += 1
    panics = [l for l in out_lines if "PANIC" in l]
    if panics and want_status == 0:
        problems.append(f"the image panicked: {panics[0].strip()}")
    if not timed_out and status != want_status:
        problems.append(f"exit status {status}, expected {want_status}")
    return problems


def image_status(info, status):
    """The image's exit status from QEMU's. With isa-debug-exit (run.json
    "exit": x86_64), a write of v exits QEMU with (v << 1) | 1, and the image
    ends a successful run by a reset (-no-reboot: status 0): 3, 5, ... map
    back to 1, 2, ...; QEMU's own failures (1) and signals stay as they are."""
    if info.get("exit") == "isa-debug-exit" and status >= 3 and status & 1:
        return status >> 1
    return status


def run_check(cmd, info, timeout, expect_path, log_path, config):
    print("run.py:", " ".join(cmd), flush=True)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    chunks, timed_out = [], False
    os.set_blocking(proc.stdout.fileno(), True)
    import selectors
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    while True:
        left = timeout - (time.monotonic() - start)
        if left <= 0:
            timed_out = True
            os.killpg(proc.pid, signal.SIGKILL)
            break
        if not sel.select(timeout=min(left, 0.5)):
            if proc.poll() is not None:
                break
            continue
        data = os.read(proc.stdout.fileno(), 65536)
        if not data:
            break
        chunks.append(data)
        sys.stdout.write(data.decode("utf-8", "replace"))
        sys.stdout.flush()
    status = image_status(info, proc.wait())
    elapsed = time.monotonic() - start
    output = b"".join(chunks).decode("utf-8", "replace")
    if log_path:
        with open(log_path, "w") as f:
            f.write(output)
    problems = check(output, expect_path, status, timed_out, timeout, config)
    name = f"{info['platform']}/{info['app']}"
    if problems:
        for p in problems:
            print(f"BOOT TEST FAILED ({name}): {p}")
        return 1
    print(f"boot test passed ({name}, {elapsed:.2f} s)")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir")
    ap.add_argument("--boot", default="default", choices=["default", "fw_jump", "fw_dynamic", "uboot"],
                    help="how to start a QEMU image (default: the configured OpenSBI firmware)")
    ap.add_argument("--gdb", type=int, metavar="PORT", help="start halted, gdb server on PORT")
    ap.add_argument("--check", action="store_true", help="boot test: match the expected lines")
    ap.add_argument("--skip-missing", action="store_true",
                    help=f"a missing QEMU or U-Boot skips the run (exit status {SKIP_STATUS})")
    ap.add_argument("--expect", help="expected-lines file (default: the app's, from run.json)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a run counts as hung")
    ap.add_argument("--log", help="with --check: also save the output here")
    ap.add_argument("--initrd", metavar="FILE", help="initial ramdisk (QEMU -initrd; host: KIT_INITRD)")
    ap.add_argument("--append", metavar="STRING",
                    help="kernel command line (QEMU -append; host: KIT_CMDLINE)")
    ap.add_argument("--smp", metavar="N",
                    help="CPUs the machine has (QEMU -smp; default: KIT_SMP, else the configuration's)")
    ap.add_argument("extra", nargs="*", help="extra arguments for QEMU (the host image takes none)")
    args = ap.parse_args()

    global skip_missing
    skip_missing = args.skip_missing
    info = load_run_json(args.build_dir)
    smp, from_env = args.smp, False
    if smp is None and os.environ.get("KIT_SMP"):
        smp, from_env = os.environ["KIT_SMP"], True
    if smp is not None:
        if not re.fullmatch(r"[1-9]\d*", smp):
            die(f"{'KIT_SMP=' if from_env else '--smp '}{smp}: a number of CPUs, 1 or more")
        if info["kind"] == "qemu":
            info["machine"] = with_smp(info, int(smp))
        elif "CONFIG_SMP" in read_config(args.build_dir):
            os.environ["KIT_CPUS"] = smp  # the host image's threads (arch/host/smp.c)
        elif not from_env and int(smp) != 1:
            # KIT_SMP (a whole test run) leaves one-CPU host images as they are.
            die(f"--smp {smp}: this {info['platform']} image is built without CONFIG_SMP: one CPU")
    if args.boot != "default" and info["kind"] != "qemu":
        die(f"--boot {args.boot} only applies to QEMU images, not {info['platform']}")
    # The app's own initrd and command line (run.json) unless others are given.
    if args.initrd is None and info.get("initrd"):
        args.initrd = info["initrd"]
        if args.append is None and info.get("append"):
            args.append = info["append"]
    initrd = None
    if args.initrd is not None:
        if not os.path.isfile(args.initrd):
            die(f"--initrd {args.initrd}: no such file")
        initrd = os.path.abspath(args.initrd)
    if info["kind"] == "host":  # the host image reads both from its environment
        if initrd:
            os.environ["KIT_INITRD"] = initrd
        if args.append is not None:
            os.environ["KIT_CMDLINE"] = args.append
    expect = args.expect or info.get("expect")
    if args.check and info["kind"] == "qemu":
        args.extra = check_qemu_args(expect) + args.extra
    with tempfile.TemporaryDirectory(prefix="kit-run-") as workdir:
        cmd = command(info, args.boot, args.gdb, workdir, args.extra, initrd, args.append)
        if args.check:
            sys.exit(run_check(cmd, info, args.timeout, expect, args.log, read_config(args.build_dir)))
        if args.gdb:
            # The host image's timer (and, with SMP, its IPI) is a signal gdb would stop at.
            host = (" -ex 'handle SIGALRM nostop noprint pass' -ex 'handle SIGUSR2 nostop noprint pass'"
                    if info["kind"] == "host" else "")
            print(f"run.py: waiting for gdb on port {args.gdb}"
                  f"{' (the host image, under gdbserver)' if host else ''}:\n"
                  f"  gdb-multiarch {info.get('elf', info['image'])} -ex 'target remote :{args.gdb}'{host}",
                  flush=True)
        status = image_status(info, subprocess.call(cmd))
        if status != 0:
            print(f"run.py: the image exited with status {status}", file=sys.stderr)
        sys.exit(status)


if __name__ == "__main__":
    main()
