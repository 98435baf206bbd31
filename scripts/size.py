#!/usr/bin/python3
"""ROM and RAM of an image per component, from its linker map (as Zephyr's
rom_report/ram_report): make size, or

    size.py [--check] BUILD_DIR

Each input section of the map is charged to the library it came from
(components/<c>/lib<c>.a -> <c>; the app, arch, platform, drivers and the
start-up code by their folder); the ELF's section headers say what each
output section is: code (executable), read-only data, initialised data,
zeroed data (.bss, stacks). ROM is what the image file holds (code,
read-only data, data's initial values), RAM what is writable at run time
(data and zeroed data). What no library brought (alignment padding,
linker-made sections, libc on the host) has rows of its own, so the
columns add up to the ELF's sections; --check verifies that they do.
Reads lld's map format and GNU ld's. Only the standard library is used.
"""
import json
import os
import re
import struct
import sys

SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 0x1, 0x2, 0x4
SHT_NOBITS = 8
KINDS = ("text", "rodata", "data", "bss")


def elf_sections(path):
    """{name: (kind, size)} of the sections loaded into memory."""
    with open(path, "rb") as f:
        elf = f.read()
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        sys.exit(f"size.py: {path} is not a 64-bit ELF file")
    end = "<" if elf[5] == 1 else ">"
    shoff, = struct.unpack_from(end + "Q", elf, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", elf, 0x3A)
    headers = [struct.unpack_from(end + "IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    strtab_off = headers[shstrndx][4]
    out = {}
    for name_off, sh_type, flags, _addr, _off, size, *_ in headers:
        if not flags & SHF_ALLOC or size == 0:
            continue
        name = elf[strtab_off + name_off:elf.index(b"\0", strtab_off + name_off)].decode()
        if flags & SHF_EXECINSTR:
            kind = "text"
        elif sh_type == SHT_NOBITS:
            kind = "bss"
        elif flags & SHF_WRITE:
            kind = "data"
        else:
            kind = "rodata"
        out[name] = (kind, size)
    return out


def owner(path, build):
    """The row an input file is charged to."""
    path = path.replace(os.path.abspath(build) + "/", "")
    m = re.search(r"(?:^|/)components/([^/]+)/lib[^/]*\.a\(", path)
    if m:
        return m.group(1)
    for prefix, name in (("app/", "app"), ("arch/", "arch"), ("drivers/", "drivers"),
                         ("platforms/common/", "start-up (platforms/common)"), ("platforms/", "platform")):
        if re.match(rf"(?:.*/)?{re.escape(prefix)}[^()]*lib[^/]*\.a\(", path):
            return name
    if "kit_components.c" in path:
        return "start-up (platforms/common)"
    return "(other: libc, crt, linker)"


def parse_lld(lines, build):
    """Rows of lld's map: VMA LMA Size Align, then Out / In / Symbol by indent."""
    rows, section = [], None
    for line in lines[1:]:
        m = re.match(r"^\s*[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)\s+\d+ (.*)$", line)
        if not m:
            continue
        size, rest = int(m.group(1), 16), m.group(2)
        if not rest.startswith(" "):
            section = rest.strip()
        elif rest.startswith("        ") and not rest.startswith("         "):
            item = rest.strip()
            if item.startswith("<internal>"):  # merged string literals, linker-made sections
                rows.append((section, "(merged strings, linker-made)", size))
            elif ":(" in item:
                rows.append((section, owner(item, build), size))
            elif item.startswith(". ") and size:  # the linker script's own space: stacks, guards
                rows.append((section, "(linker script: stacks, guards)", size))
    return rows


def parse_gnu(lines, build):
    """Rows of GNU ld's map (after 'Linker script and memory map')."""
    rows, section, pending, reserve = [], None, None, False
    start = next((i for i, line in enumerate(lines) if line.startswith("Linker script and memory map")), None)
    if start is None:
        sys.exit("size.py: the map is neither lld's nor GNU ld's")
    for line in (raw.rstrip() for raw in lines[start + 1:]):
        m = re.match(r"^(\.\S+)\s+0x[0-9a-f]+\s+0x([0-9a-f]+)", line)
        if m:
            section, pending = m.group(1), None
            continue
        if re.match(r"^ \.\S+\s*$", line):
            pending = line.strip()
            continue
        if re.match(r"^\s+0x[0-9a-f]+\s+\. = \(\. \+ ", line):  # the script's own space: a stack
            reserve = True
            continue
        m = re.match(r"^ (\.\S+|\*fill\*)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)(?:\s+(\S.*))?$", line)
        if m and section and (m.group(1) or pending):
            who = owner(m.group(3) or "", build)
            if m.group(1) == "*fill*":
                who = "(linker script: stacks, guards)" if reserve else "(padding)"
            rows.append((section, who, int(m.group(2), 16)))
            pending, reserve = None, False
    return rows


def report(build):
    with open(os.path.join(build, "run.json")) as f:
        info = json.load(f)
    sections = elf_sections(info.get("elf", info["image"]))
    with open(os.path.join(build, "image.map")) as f:
        lines = f.read().split("\n")
    rows = parse_lld(lines, build) if lines[0].split()[:3] == ["VMA", "LMA", "Size"] else parse_gnu(lines, build)
    table, charged, gaps = {}, {}, {}
    for section, who, size in rows:
        if section not in sections:
            continue
        kind = sections[section][0]
        table.setdefault(who, dict.fromkeys(KINDS, 0))[kind] += size
        charged[section] = charged.get(section, 0) + size
    for name, (kind, size) in sections.items():  # what the map did not itemise: alignment
        if size != charged.get(name, 0):
            gaps[name] = size - charged.get(name, 0)
            table.setdefault("(padding)", dict.fromkeys(KINDS, 0))[kind] += gaps[name]
    return info, sections, table, gaps


def rom(r):
    return r["text"] + r["rodata"] + r["data"]


def ram(r):
    return r["data"] + r["bss"]


def main():
    args = [a for a in sys.argv[1:] if a != "--check"]
    if len(args) != 1:
        sys.exit(__doc__)
    build = args[0]
    if not os.path.isfile(os.path.join(build, "image.map")):
        sys.exit(f"size.py: {build}/image.map not found: build the image first (make build ...)")
    info, sections, table, gaps = report(build)
    print(f"{info['platform']}/{info['app']} ({build}): bytes per component, from image.map")
    print(f"{'component':32} {'text':>8} {'rodata':>8} {'data':>8} {'bss':>8} {'ROM':>9} {'RAM':>9}")
    order = sorted(table, key=lambda w: (w.startswith("("), -rom(table[w]) - ram(table[w]), w))
    total = dict.fromkeys(KINDS, 0)
    for who in order:
        r = table[who]
        for k in KINDS:
            total[k] += r[k]
        print(f"{who:32} {r['text']:8} {r['rodata']:8} {r['data']:8} {r['bss']:8} {rom(r):9} {ram(r):9}")
    print(f"{'total':32} {total['text']:8} {total['rodata']:8} {total['data']:8} {total['bss']:8} "
          f"{rom(total):9} {ram(total):9}")
    if "--check" in sys.argv:
        want = dict.fromkeys(KINDS, 0)
        for kind, size in sections.values():
            want[kind] += size
        negative = [w for w, r in table.items() if any(v < 0 for v in r.values())]
        if want != total or negative:
            sys.exit(f"SIZE CHECK FAILED: the ELF's sections hold {want}, the rows add up to {total}"
                     + (f"; negative rows: {negative}" if negative else ""))
        # Alignment leaves a section at most a page of gaps (or a
        # sixteenth): more means the map had items this script missed.
        big = {n: g for n, g in gaps.items() if g > max(4096, sections[n][1] // 16)}
        if big:
            sys.exit(f"SIZE CHECK FAILED: bytes of the map not charged to anything: {big}")
        libs = [w for w in table if not w.startswith("(")]
        if not libs or "app" not in libs:
            sys.exit(f"SIZE CHECK FAILED: no library charged (rows: {sorted(table)})")
        print("size check: the rows add up to the ELF's sections")


if __name__ == "__main__":
    main()
