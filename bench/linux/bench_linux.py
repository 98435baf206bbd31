#!/usr/bin/python3
"""The kit against Linux 6.12 on the same emulated machine (issue 14).

    bench_linux.py [--rounds N] [--anchor DIR] [--out DIR] --kit NAME=BUILD_DIR...

Boots each kit image (BUILD_DIR: a built riscv64 image of the shm-demo
app, e.g. build/riscv64-qemu-virt_shm-demo) and the Linux Image of the anchor
folder (DIR, default ../shared/linux-anchor beside the repository, or
$KIT_LINUX_ANCHOR; its README.md says how the Image was built) with the same
QEMU command line, the same initrd and kernel command line; only -kernel
differs. The initrd holds the same static programs for every kernel: the
anchor's init and hello, shm_bench and shm_demo (apps/shm-demo/user),
forkloop and pagefault (here).

Two kinds of figure:
  instructions  counted by the anchor's QEMU plugin (insncount.c, built here
                with gcc) under -icount shift=0,sleep=off, so that the guest's
                clock, and with it every timer interrupt, follows the
                instruction count: the same run gives the same figure. A
                per-operation figure is the difference of two runs that
                differ only in the number of operations, divided by it:
                boot, init, the program's set-up and power-off cancel out.
  wall clock    plain TCG (no plugin, no icount): the programs time
                themselves with CLOCK_MONOTONIC. A shared machine's load moves
                these by up to 2.7x from one minute to the next, so only the
                ratio of runs taken alternately (Linux, kit, Linux, ...) is
                given, per round, and their median.

Without the Linux Image it says so and exits 0: there is nothing to compare.
Only the standard library is used.
"""

import argparse
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHM_USER = os.path.join(ROOT, "apps", "shm-demo", "user")
CC = "riscv64-linux-gnu-gcc"
CFLAGS = ["-static", "-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror"]
KERNEL_ENTRY = 0x80200000  # where fw_jump enters both kernels
LINUX_IMAGE = "Image-riscv64-6.12"
TIMEOUT = 900


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def die(msg):
    print(f"bench_linux.py: {msg}", file=sys.stderr)
    sys.exit(1)


def build(out, anchor):
    """The plugin, the programs and the initrd; returns (plugin, initrd, hello's entry)."""
    plugin = os.path.join(out, "insncount.so")
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-o", plugin, os.path.join(anchor, "insncount.c")],
                   check=True)
    progs = {
        # The anchor's init and hello stamp their first instruction (firstinsn.h).
        "init": ([os.path.join(anchor, "init.c")], ["-I", anchor, "-Wl,-e,first_entry"]),
        "hello": ([os.path.join(anchor, "hello.c")], ["-I", anchor, "-Wl,-e,first_entry"]),
        "shm_bench": ([os.path.join(SHM_USER, "shm_bench.c")], []),
        "shm_demo": ([os.path.join(SHM_USER, f) for f in
                      ("shm_demo.c", "ring.c", "payload.c", "workers.c", "verify.c", "out.c")], []),
        "forkloop": ([os.path.join(HERE, "forkloop.c")], []),
        "pagefault": ([os.path.join(HERE, "pagefault.c")], []),
    }
    names = []
    for name, (srcs, extra) in progs.items():
        exe = os.path.join(out, name)
        subprocess.run([CC, *CFLAGS, *extra, "-o", exe, *srcs], check=True)
        names += ["--name", f"{name}={exe}"]
    initrd = os.path.join(out, "initrd.cpio")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "mkinitrd.py"), "-o", initrd, *names],
                   check=True)
    return plugin, initrd, elf_entry(os.path.join(out, "hello"))


def elf_entry(path):
    with open(path, "rb") as f:
        head = f.read(32)
    if head[:4] != b"\x7fELF" or head[4] != 2:
        die(f"{path}: not a 64-bit ELF file")
    return struct.unpack_from("<Q", head, 24)[0]


class Machine:
    """One QEMU command line for every kernel (the kit's run.json)."""

    def __init__(self, run_json, plugin, initrd):
        with open(run_json) as f:
            info = json.load(f)
        fw = os.path.join(info["opensbi_dir"], info["firmware"] + ".bin")
        self.base = [info["qemu"], *info["machine"], "-nographic", "-no-reboot", "-bios", fw]
        self.plugin, self.initrd = plugin, initrd

    def run(self, kernel, args, count=False, marks=()):
        """Boot kernel with init=/init -- args, or hello as pid 1; the output
        and, with count, the plugin's total and marks. Linux runs rdinit=
        (default /init) from an initramfs, the kit init= (and hands the
        rdinit=/hello it does not know to hello's environment)."""
        append = "quiet " + (f"init=/init -- {args}" if args != "/hello" else "rdinit=/hello init=/hello")
        cmd = [*self.base, "-kernel", kernel, "-initrd", self.initrd, "-append", append]
        if count:
            plug = ",".join([self.plugin] + [f"mark={m:#x}" for m in marks])
            cmd += ["-accel", "tcg,thread=single", "-icount", "shift=0,sleep=off", "-plugin", plug]
        t = time.monotonic()
        r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True, errors="replace",
                           timeout=TIMEOUT)
        wall = time.monotonic() - t
        ok = "hello, world" if args == "/hello" else f"init: {args.split()[0]} exited with status 0"
        if ok not in r.stdout:
            die(f"{os.path.basename(kernel)}, '{append}': no '{ok}' in its output:\n{r.stdout[-3000:]}"
                f"\n{r.stderr[-2000:]}")
        res = {"out": r.stdout, "wall": wall}
        if count:
            m = re.search(r"insncount: total (\d+)", r.stderr)
            if not m:
                die(f"no count from the plugin:\n{r.stderr[-2000:]}")
            res["total"] = int(m.group(1))
            res["marks"] = [int(x) if how == "at" else None for how, x in
                            re.findall(r"insncount: mark 0x[0-9a-f]+ (at|never) (\d+)", r.stderr)]
        return res


# What is counted: (figure, command of run A, command of run B, operations in B minus A).
# shm_bench does n pairs per round after a warm-up of n/10 + 1 pairs; with -c, n cycles more.
def shm_pairs(n):
    return n + n // 10 + 1


N_A, N_B = 200, 1200
COUNTED = [
    ("shm_bench shmat+shmdt pair", f"/shm_bench -n {N_A} -r 1", f"/shm_bench -n {N_B} -r 1",
     shm_pairs(N_B) - shm_pairs(N_A)),
    ("fork+exit+wait", "/forkloop -n 20", "/forkloop -n 120", 100),
    ("page fault (touch+unmap, per page)", "/pagefault -n 64", "/pagefault -n 1088", 1024),
]
CYCLE = ("shm_bench get+at+touch+dt+rmid cycle", f"/shm_bench -n {N_A} -r 1 -c",
         f"/shm_bench -n {N_B} -r 1 -c")

# Wall clock: (command, [(figure, regex of the program's own ns per operation)]).
TIMED = [
    ("/shm_bench -n 2000 -r 3 -c", [("shm_bench pair (ns)", r"at_dt: (\d+) ns per"),
                                    ("shm_bench cycle (ns)", r"cycle: (\d+) ns per")]),
    ("/forkloop -n 200", [("fork+exit+wait (ns)", r"(\d+) ns per fork")]),
    ("/pagefault -n 256 -r 8", [("page fault (ns per page)", r"(\d+) ns per page")]),
]


def count(machine, kernels, hello_entry):
    """Instruction figures: {figure: {kernel: value}}."""
    fig = {}

    def put(name, kname, value):
        fig.setdefault(name, {})[kname] = value

    for kname, image in kernels:
        log(f"counting {kname} ...")
        r = machine.run(image, "/hello", count=True, marks=(KERNEL_ENTRY, hello_entry))
        entry, first = r["marks"]
        if entry is None or first is None:
            die(f"{kname}: a mark was never reached ({r['marks']})")
        put("kernel entry -> first user instruction (hello as pid 1)", kname, first - entry)
        put("power-on -> power-off (hello as pid 1)", kname, r["total"])
        put("shm_demo (default arguments), power-on -> power-off", kname,
            machine.run(image, "/shm_demo", count=True)["total"])
        pair = None
        for name, a, b, ops in COUNTED:
            ta = machine.run(image, a, count=True)["total"]
            tb = machine.run(image, b, count=True)["total"]
            put(name, kname, (tb - ta) / ops)
            if name.startswith("shm_bench"):
                pair = (tb - ta, ta)
        name, a, b = CYCLE
        ta = machine.run(image, a, count=True)["total"]
        tb = machine.run(image, b, count=True)["total"]
        # B - A with -c is the pairs' difference plus N_B - N_A cycles.
        put(name, kname, ((tb - ta) - pair[0]) / (N_B - N_A))
    return fig


def timed(machine, kernels, rounds):
    """Wall-clock figures, alternating kernels: {figure: {kernel: [per round]}}."""
    fig = {}

    def put(name, kname, value):
        fig.setdefault(name, {}).setdefault(kname, []).append(value)

    for r in range(rounds):
        log(f"wall clock, round {r + 1} of {rounds} ...")
        for cmd, figures in TIMED:
            for kname, image in kernels:
                out = machine.run(image, cmd)["out"]
                for name, rx in figures:
                    m = re.search(rx, out)
                    if not m:
                        die(f"{kname}: no '{rx}' in the output of {cmd}:\n{out[-2000:]}")
                    put(name, kname, int(m.group(1)))
        for kname, image in kernels:
            put("boot hello, power-on -> power-off (host ms)", kname,
                round(machine.run(image, "/hello")["wall"] * 1000))
    return fig


def fmt(v):
    if v >= 1e6:
        return f"{v / 1e6:.2f} M"
    if v >= 1e4:
        return f"{v:,.0f}".replace(",", " ")
    return f"{v:.0f}"


def table(kernels, inst, wall, rounds):
    names = [k for k, _ in kernels]
    kits = names[1:]
    print()
    print("Instructions (plugin, -icount shift=0,sleep=off; per operation: difference of two runs)")
    print()
    print("| figure | " + " | ".join(names) + " | " + " | ".join(f"Linux / {k}" for k in kits) + " |")
    print("|---" * (1 + len(names) + len(kits)) + "|")
    for name, per in inst.items():
        row = [fmt(per[k]) for k in names] + [f"{per['linux'] / per[k]:.2f}" for k in kits]
        print(f"| {name} | " + " | ".join(row) + " |")
    print()
    print(f"TCG wall clock ({rounds} rounds, kernels alternating; in-guest ns per operation, or host ms)")
    print()
    print("| figure | " + " | ".join(f"{k} (median)" for k in names) + " | "
          + " | ".join(f"Linux / {k} per round (median)" for k in kits) + " |")
    print("|---" * (1 + len(names) + len(kits)) + "|")
    for name, per in wall.items():
        row = [f"{statistics.median(per[k]):.0f}" for k in names]
        for k in kits:
            ratios = [a / b for a, b in zip(per["linux"], per[k])]
            row.append(" ".join(f"{x:.2f}" for x in ratios) + f" ({statistics.median(ratios):.2f})")
        print(f"| {name} | " + " | ".join(row) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="wall-clock rounds (default 3)")
    ap.add_argument("--anchor", default=os.environ.get("KIT_LINUX_ANCHOR",
                                                       os.path.join(os.path.dirname(ROOT), "shared",
                                                                    "linux-anchor")))
    ap.add_argument("--out", default=os.path.join(ROOT, "build", "bench-linux"))
    ap.add_argument("--kit", action="append", default=[], metavar="NAME=BUILD_DIR")
    ap.add_argument("--probe", action="store_true", help="only say whether the Linux image is there (0) or not (1)")
    ap.add_argument("--no-count", action="store_true", help="wall clock only")
    args = ap.parse_args()
    linux = os.path.join(args.anchor, LINUX_IMAGE)
    if not os.path.isfile(linux) or not os.path.isfile(os.path.join(args.anchor, "insncount.c")):
        print(f"bench-linux: no Linux image at {linux} (or no insncount.c beside it): nothing to compare "
              f"against, so nothing measured. Point --anchor or KIT_LINUX_ANCHOR at a folder holding "
              f"{LINUX_IMAGE}, insncount.c, init.c, hello.c and firstinsn.h (docs/benchmarks.md).")
        return 1 if args.probe else 0
    if args.probe:
        return 0
    if not args.kit:
        die("give at least one --kit NAME=BUILD_DIR")
    kits = []
    for spec in args.kit:
        name, _, build_dir = spec.partition("=")
        if not build_dir or not os.path.isfile(os.path.join(build_dir, "run.json")):
            die(f"--kit {spec}: give NAME=BUILD_DIR of a built image")
        with open(os.path.join(build_dir, "run.json")) as f:
            kits.append((name, json.load(f)["image"], os.path.join(build_dir, "run.json")))
    os.makedirs(args.out, exist_ok=True)
    plugin, initrd, hello_entry = build(args.out, args.anchor)
    machine = Machine(kits[0][2], plugin, initrd)
    kernels = [("linux", linux)] + [(k, img) for k, img, _ in kits]
    print(f"machine: {' '.join(machine.base[1:])}")
    print(f"kernels: " + ", ".join(f"{k} = {img}" for k, img in kernels))
    inst = {} if args.no_count else count(machine, kernels, hello_entry)
    wall = timed(machine, kernels, args.rounds) if args.rounds > 0 else {}
    table(kernels, inst, wall, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
