#!/usr/bin/python3
"""Boot-to-shutdown wall time of an image against the smallest possible
image of its machine (riscv64: an S-mode one, minimal.S; aarch64: an arm64
Image, minimal_aarch64.S; x86_64: a Multiboot one, minimal_x86_64.S), run
alternately in the same QEMU setup, plus the image's text size.

    bench/boot/boot_time.py [--runs N] BUILD_DIR

BUILD_DIR is a built riscv64, aarch64 or x86_64 image directory (e.g.
build/riscv64-qemu-virt_hello, build/aarch64-qemu-virt_hello,
build/x86_64-qemu_hello).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def build_minimal(info, out_dir):
    elf = os.path.join(out_dir, "minimal.elf")
    binf = os.path.join(out_dir, "minimal.bin")
    if info["qemu"] == "qemu-system-x86_64":
        flags = ["--target=x86_64-unknown-elf", "-static", "-Wl,-Ttext=0x100000", "minimal_x86_64.S"]
    elif info["qemu"] == "qemu-system-aarch64":
        flags = ["--target=aarch64-unknown-elf", "-static", "-Wl,-Ttext=" + info["load_addr"],
                 "minimal_aarch64.S"]
    else:
        flags = ["--target=riscv64-unknown-elf", "-march=rv64imac", "-mabi=lp64",
                 "-Wl,-Ttext=0x80200000", "minimal.S"]
    subprocess.run(["clang", *flags[:-1], "-nostdlib", "-fuse-ld=lld", "-Wl,-e,_start",
                    os.path.join(HERE, flags[-1]), "-o", elf], check=True)
    subprocess.run(["llvm-objcopy", "-O", "binary", elf, binf], check=True)
    return binf


def boot(info, image):
    cmd = [info["qemu"], *info["machine"], "-nographic", "-no-reboot", "-kernel", image]
    if info["firmware"] != "none":
        cmd += ["-bios", os.path.join(info["opensbi_dir"], info["firmware"] + ".bin")]
    t = time.monotonic()
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    dt = time.monotonic() - t
    if r.returncode != 0:
        sys.exit(f"{image} exited with {r.returncode}:\n{r.stdout.decode(errors='replace')}")
    return dt


def text_size(elf):
    out = subprocess.run(["llvm-size", "-A", elf], check=True, capture_output=True, text=True).stdout
    sizes = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build_dir")
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    if not os.path.isfile(os.path.join(args.build_dir, "run.json")):
        sys.exit(f"boot_time.py: {args.build_dir}/run.json not found: build the image first "
                 f"(make build APP=hello for build/riscv64-qemu-virt_hello)")
    with open(os.path.join(args.build_dir, "run.json")) as f:
        info = json.load(f)
    with tempfile.TemporaryDirectory() as tmp:
        minimal = build_minimal(info, tmp)
        boot(info, minimal)  # warm the page cache
        boot(info, info["image"])
        base, img = [], []
        for _ in range(args.runs):
            base.append(boot(info, minimal))
            img.append(boot(info, info["image"]))
    mb, mi = statistics.median(base), statistics.median(img)
    sizes = text_size(info["elf"])
    print(f"machine: {' '.join(info['machine'])}, firmware {info['firmware']}, {args.runs} runs each, alternating")
    print(f"minimal image: median {mb * 1000:.1f} ms (min {min(base) * 1000:.1f})")
    print(f"{info['app']} image: median {mi * 1000:.1f} ms (min {min(img) * 1000:.1f})")
    print(f"ratio {info['app']}/minimal: {mi / mb:.3f} (median), {min(img) / min(base):.3f} (min)")
    print(f"{info['app']} .text: {sizes.get('.text', 0)} bytes ({sizes.get('.text', 0) / 1024:.1f} KiB), "
          f".rodata {sizes.get('.rodata', 0)}, .data {sizes.get('.data', 0)}, .bss {sizes.get('.bss', 0)}")


if __name__ == "__main__":
    main()
