#!/usr/bin/python3
"""A component's export list is its public headers: what they declare at file
scope (functions, extern objects) is all its static library shows.

    kit_exports.py list INCLUDE_DIR
        the symbols the headers under INCLUDE_DIR declare
    kit_exports.py localize LIB INCLUDE_DIR --nm NM --ar AR --objcopy OBJCOPY -- CC...
        partial-link LIB's objects into one (cross-file references resolved
        inside it), keep as globals only the declared symbols (and the
        compiler's runtime helpers), and make that object the archive
    kit_exports.py check NM LIB INCLUDE_DIR [--deps INCLUDE_DIR...]
        the library's globals are declared in its headers, and what it needs
        from outside is declared by the headers of the components it depends
        on (klib included), or is the compiler's

CMake runs 'localize' after building each component (kit_component in
cmake/kit.cmake) and 'check' as the test exports.<component>.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# What compilers call on their own: memory builtins, libgcc's helpers, and
# the sanitizers' hooks of an instrumented host build.
RUNTIME = re.compile(r"^(memcpy|memset|memmove|memcmp|bcmp|__(clz|ctz|popcount|ffs|parity|bswap)[sd]i2|"
                     r"__(asan|ubsan|sanitizer|sancov|msan|tsan|lsan)_\w+|__stack_chk_\w+|_GLOBAL_OFFSET_TABLE_)$")
IDENT = re.compile(r"[A-Za-z_]\w*")
NOT_NAMES = {"if", "while", "for", "return", "sizeof", "typeof", "__typeof__", "__attribute__",
             "_Static_assert", "static_assert", "__asm__", "asm", "_Alignas", "_Alignof", "__extension__"}


def strip(text):
    """Comments, strings and preprocessor lines blanked."""
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    out, cont = [], False
    for line in text.split("\n"):
        pre = cont or line.lstrip().startswith("#")
        cont = pre and line.rstrip().endswith("\\")
        out.append("" if pre else line)
    return "\n".join(out)


def top_level_statements(code):
    """The file-scope statements, with every {...} and attribute emptied."""
    code = re.sub(r"__attribute__\s*\(\((?:[^()]|\([^()]*\))*\)\)", " ", code)
    flat, depth = [], 0
    for c in code:
        if c == "{":
            depth += 1
            if depth == 1:
                flat.append("{}")
            continue
        if c == "}":
            depth -= 1
            if depth == 0:
                flat.append(";")  # a definition ends here, as a statement does
            continue
        if depth == 0:
            flat.append(c)
    return [s.strip() for s in "".join(flat).split(";") if s.strip()]


def declared(statement):
    """The symbol a file-scope statement declares, or None."""
    s = " ".join(statement.split())
    if re.match(r"(typedef|static|struct\s+\w+\s*\{\}|union\s+\w+\s*\{\}|enum\b)", s) or "{}" in s:
        if not re.match(r"extern\b", s):
            return None
    # A function: the last identifier before its parameter list.
    m = re.match(r"^(?:extern\s+)?[^(=]*?\b([A-Za-z_]\w*)\s*\((?!\s*\*)", s)
    if m and m.group(1) not in NOT_NAMES and not re.search(r"\)\s*\(", s[:m.end()]):
        return m.group(1)
    m = re.match(r"^extern\s+[^=(]*?\b([A-Za-z_]\w*)\s*(\[[^\]]*\]\s*)*$", s)
    if m:
        return m.group(1)
    return None


def header_symbols(include_dir):
    names = set()
    for root, _, files in os.walk(include_dir):
        for f in sorted(files):
            if f.endswith(".h"):
                with open(os.path.join(root, f)) as fh:
                    for st in top_level_statements(strip(fh.read())):
                        name = declared(st)
                        if name:
                            names.add(name)
    return names


def nm_symbols(nm, lib, *opts):
    out = subprocess.run([nm, *opts, lib], check=True, capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and len(parts[-2]) == 1:
            syms.add(parts[-1])
    return syms


def localize(args):
    keep = header_symbols(args.include)
    with tempfile.TemporaryDirectory() as tmp:
        merged = os.path.join(tmp, re.sub(r"^lib|\.a$", "", os.path.basename(args.lib)) + ".o")
        subprocess.run([*args.cc, "-r", "-nostdlib", "-o", merged, "-Wl,--whole-archive", args.lib,
                        "-Wl,--no-whole-archive"], check=True)
        defined = nm_symbols(args.nm, merged, "-g", "--defined-only")
        keep |= {s for s in defined if RUNTIME.match(s)}
        with open(os.path.join(tmp, "keep"), "w") as f:
            f.write("\n".join(sorted(keep)) + "\n")
        subprocess.run([args.objcopy, "--keep-global-symbols=" + os.path.join(tmp, "keep"), merged],
                       check=True)
        os.unlink(args.lib)
        subprocess.run([args.ar, "rcs", args.lib, merged], check=True)


def check(args):
    own = header_symbols(args.include)
    # Its own headers may declare what it imports too (klib's port).
    provided = own.union(*(header_symbols(d) for d in args.deps))
    defined = nm_symbols(args.nm, args.lib, "-g", "--defined-only")
    needed = nm_symbols(args.nm, args.lib, "-u") - defined
    extra = sorted(s for s in defined if s not in own and not RUNTIME.match(s))
    foreign = sorted(s for s in needed if s not in provided and not RUNTIME.match(s))
    name = os.path.basename(args.lib)
    print(f"{name}: {len(defined)} globals, all declared in its headers" if not extra else "")
    print(f"{name} needs: " + " ".join(sorted(needed - {s for s in needed if RUNTIME.match(s)})))
    rc = 0
    if extra:
        print(f"{name} has globals its public headers do not declare (make them static, or declare "
              f"them): {' '.join(extra)}", file=sys.stderr)
        rc = 1
    if foreign:
        print(f"{name} needs symbols no header of its dependencies declares: {' '.join(foreign)}",
              file=sys.stderr)
        rc = 1
    return rc


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("list")
    p.add_argument("include")
    p = sub.add_parser("localize")
    p.add_argument("lib")
    p.add_argument("include")
    p.add_argument("--nm", required=True)
    p.add_argument("--ar", required=True)
    p.add_argument("--objcopy", required=True)

    p = sub.add_parser("check")
    p.add_argument("nm")
    p.add_argument("lib")
    p.add_argument("include")
    p.add_argument("--deps", nargs="*", default=[])
    argv = sys.argv[1:]
    cc = argv[argv.index("--") + 1:] if "--" in argv else []
    args = ap.parse_args(argv[:argv.index("--")] if "--" in argv else argv)
    args.cc = cc
    if args.cmd == "localize" and not cc:
        ap.error("localize needs the partial-link command after --")
    if args.cmd == "list":
        print("\n".join(sorted(header_symbols(args.include))))
        return 0
    if args.cmd == "localize":
        localize(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
