#!/usr/bin/python3
"""No generic code names an architecture it was written for: the kernel code
outside arch/ and the boards (components/, drivers/, platforms/common/,
cmake/, the top-level build files) must not mention riscv, RISCV, rv64 or
riscv64, except in the files generic-allowlist.txt lists with a reason
(paging's table formats, hal's comparisons between architectures, ...).
A new mention elsewhere fails, with the file and line: put it in
arch/<arch>/ behind an interface, or argue for it in the allowlist.

Documentation (README.md, docs/) is not scanned: it may describe the ports.

    check_generic.py [ROOT]
"""
import fnmatch
import os
import re
import sys

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                       os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
SCANNED_DIRS = ["components", "drivers", "platforms/common", "cmake"]
SCANNED_TOP = ["CMakeLists.txt", "Kconfig", "Makefile"]
SOURCE = re.compile(r"(\.(c|h|S|cmake|py|in)|/CMakeLists\.txt|/Kconfig[^/]*)$")
MENTION = re.compile(r"riscv|rv64", re.I)


def allowlist():
    globs = []
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "generic-allowlist.txt")) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            path, _, why = line.partition("\t")
            if not why.strip():
                sys.exit(f"check_generic: allowlist entry without a reason: {line!r}")
            globs.append(path.strip())
    return globs


def files():
    for name in SCANNED_TOP:
        if os.path.isfile(os.path.join(ROOT, name)):
            yield name
    for d in SCANNED_DIRS:
        for dirpath, _, names in os.walk(os.path.join(ROOT, d)):
            for n in names:
                rel = os.path.relpath(os.path.join(dirpath, n), ROOT)
                if SOURCE.search("/" + rel):
                    yield rel


def main():
    allowed = allowlist()
    found, checked = [], 0
    for rel in sorted(files()):
        checked += 1
        if any(fnmatch.fnmatch(rel, g) for g in allowed):
            continue
        with open(os.path.join(ROOT, rel), errors="replace") as f:
            for no, line in enumerate(f, 1):
                if MENTION.search(line):
                    found.append(f"{rel}:{no}: {line.strip()}")
    for f in found:
        print("ARCHITECTURE IN GENERIC CODE:", f)
    if found:
        sys.exit(f"check_generic: {len(found)} mention(s) of riscv in generic code "
                 "(arch/<arch>/ is their place; tests/arch/generic-allowlist.txt lists the exceptions)")
    print(f"check_generic: {checked} generic files, none mentions riscv outside the allowlist")


if __name__ == "__main__":
    main()
