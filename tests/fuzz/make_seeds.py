#!/usr/bin/python3
"""Write the fuzz targets' seed corpora (tests/fuzz/corpus/<target>/).

    make_seeds.py [--fdt-from-qemu]

The seeds are checked in; this script says how they were made, and makes
them again byte for byte. Each is a small valid input (and a few near
misses) that gets a fuzzer past the first checks at once. --fdt-from-qemu
also dumps QEMU's riscv64 virt device trees (qemu-system-riscv64 needed);
without it the fdt seeds already there are kept.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
CORPUS = os.path.join(HERE, "corpus")


def write(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- ELF: a static riscv64 program, as small as the loader accepts ----

def elf(etype=2, loads=((0x10000, 0, 0x200, 0x200, 5),), entry=0x10078, phdrs_extra=()):
    """ELF64 header, program headers (PT_LOAD tuples vaddr, offset, filesz, memsz, flags), code."""
    phs = [(1, flags, off, va, fs, ms, 0x1000) for va, off, fs, ms, flags in loads] + list(phdrs_extra)
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack("<HHIQQQIHHHHHH", etype, 243, 1, entry, 64, 0, 0x5, 64, 56, len(phs), 64, 0, 0)
    body = b"".join(struct.pack("<IIQQQQQQ", t, fl, off, va, va, fs, ms, al)
                    for t, fl, off, va, fs, ms, al in phs)
    image = ehdr + body
    return image + bytes(max(0, 0x200 - len(image)))


def elf_seeds():
    write("elf", "static", elf())
    write("elf", "static-pie", elf(etype=3, loads=((0, 0, 0x200, 0x200, 5),), entry=0x78))
    write("elf", "two-loads", elf(loads=((0x10000, 0, 0x200, 0x200, 5), (0x11200, 0x200, 0, 0x100, 6)),
                                  entry=0x100b0))
    write("elf", "gnu-stack", elf(phdrs_extra=((0x6474e551, 6, 0, 0, 0, 0, 16),)))
    write("elf", "interp", elf(phdrs_extra=((3, 4, 0, 0, 0, 0, 1),)))


# ---- cpio: what scripts/mkinitrd.py writes ----

def cpio_seeds():
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for name, data in (("init", b"\x7fELF"), ("hello.txt", b"hello\n"), ("empty", b"")):
            p = os.path.join(tmp, name)
            with open(p, "wb") as f:
                f.write(data)
            paths.append(p)
        out = os.path.join(tmp, "out.cpio")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "mkinitrd.py"), "-o", out,
                        paths[0], "--name", f"etc/{os.path.basename(paths[1])}={paths[1]}", paths[2]],
                       check=True)
        with open(out, "rb") as f:
            archive = f.read()
    write("cpio", "three-files", archive)
    write("cpio", "trailer-only", archive[archive.rindex(b"070701"):])


# ---- fdt: QEMU's own trees ----

def fdt_seeds():
    qemu = shutil.which("qemu-system-riscv64")
    if not qemu:
        sys.exit("make_seeds.py: --fdt-from-qemu needs qemu-system-riscv64")
    with tempfile.TemporaryDirectory() as tmp:
        for name, opts in (("virt-128M-2harts", ["-m", "128M", "-smp", "2"]),
                           ("virt-1G-4harts", ["-m", "1G", "-smp", "4"])):
            dtb = os.path.join(tmp, name)
            subprocess.run([qemu, "-M", f"virt,dumpdtb={dtb}", *opts, "-display", "none"], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            with open(dtb, "rb") as f:
                blob = f.read()
            write("fdt", name, blob[:struct.unpack(">I", blob[4:8])[0]])  # QEMU pads it to 1 MiB


# ---- system calls: tests/fuzz/fuzz_syscalls.c's encoding ----

SMALL, SCRATCH, EDGE, RAW = 0, 1, 2, 3


def call(nr, *args):
    """A system call; args are (kind, value) pairs."""
    kinds, body = 0, b""
    for i, (kind, value) in enumerate(args):
        kinds |= kind << (2 * i)
        body += {SMALL: lambda v: struct.pack("<b", v), SCRATCH: lambda v: struct.pack("<H", v),
                 EDGE: lambda v: struct.pack("<B", v), RAW: lambda v: struct.pack("<Q", v)}[kind](value)
    for i in range(len(args), 6):
        body += b"\x00"
    return struct.pack("<HH", nr, kinds) + body


def poke(offset, data):
    return struct.pack("<HHB", 0x8000, offset, len(data)) + data


def syscall_seeds():
    s = lambda v: (SMALL, v)
    ptr = lambda v: (SCRATCH, v)
    raw = lambda v: (RAW, v)
    write("syscalls", "mmap-munmap", call(222, raw(0), raw(0x3000), s(3), s(0x22), s(-1), s(0)) +
          call(215, raw(0), raw(0x1000)) + call(226, raw(0), raw(0x1000), s(1)))
    write("syscalls", "brk", call(214, s(0)) + call(214, raw(0x100000)) + call(214, s(0)))
    write("syscalls", "shm", call(194, s(0), raw(0x4000), raw(0o1600)) + call(196, s(0), s(0), s(0)) +
          call(197, raw(0)) + call(195, s(0), s(2), ptr(0)) + call(195, s(0), s(0), s(0)))
    # An attachment at a known address, remapped (remap_file_pages, 234) around IPC_RMID and shmdt.
    write("syscalls", "shm-remap", call(194, s(0), raw(0x2000), raw(0o1600)) +
          call(196, s(0), raw(0x10000000), s(0)) + call(234, raw(0x10000000), raw(0x1000), s(0), s(1), s(0)) +
          call(195, s(0), s(0), s(0)) + call(234, raw(0x10000000), raw(0x2000), s(0), s(0), s(0)) +
          call(197, raw(0x10000000)))
    write("syscalls", "fork-wait", call(220, s(17), s(0), s(0), s(0), s(0)) +
          call(260, s(-1), ptr(0), s(0), s(0)))
    write("syscalls", "exec", poke(0x100, b"/notelf\x00") + poke(0x200, b"/fuzz\x00") +
          poke(0x300, struct.pack("<QQ", 0, 0)) + call(221, ptr(0x100), ptr(0x300), ptr(0x300)) +
          call(221, ptr(0x200), ptr(0x300), ptr(0x300)))
    write("syscalls", "ids-signals", call(146, raw(65534)) + call(148, ptr(0), ptr(8), ptr(16)) +
          poke(0x40, struct.pack("<QQQ", 1, 0, 0)) + call(134, s(10), ptr(0x40), ptr(0x80), s(8)) +
          call(135, s(0), ptr(0x40), ptr(0x80), s(8)) + call(129, s(0), s(0)))
    write("syscalls", "time-misc", call(113, s(1), ptr(0)) + poke(0x20, struct.pack("<qq", 0, 1000)) +
          call(101, ptr(0x20), ptr(0x40)) + call(160, ptr(0x100)) + call(278, ptr(0x200), raw(64), s(0)) +
          call(64, s(1), ptr(0x100), s(8)))


def ipc_shm_seeds():
    # Each 8 bytes is one step of tests/unit/ipc-shm/model.c's driver.
    for i, words in enumerate(((0x0, 0x1, 0x2, 0x3), (0x105, 0x2000000000001, 0x3, 0x7fffffff),
                               tuple(range(0x10, 0x80, 0x8)))):
        write("ipc-shm", f"steps-{i}", b"".join(struct.pack("<Q", w) for w in words))


def main():
    for t in ("elf", "cpio", "syscalls", "ipc-shm"):
        shutil.rmtree(os.path.join(CORPUS, t), ignore_errors=True)
    elf_seeds()
    cpio_seeds()
    syscall_seeds()
    ipc_shm_seeds()
    if "--fdt-from-qemu" in sys.argv:
        shutil.rmtree(os.path.join(CORPUS, "fdt"), ignore_errors=True)
        fdt_seeds()
    return 0


if __name__ == "__main__":
    sys.exit(main())
