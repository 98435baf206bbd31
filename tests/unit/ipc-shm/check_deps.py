#!/usr/bin/python3
"""ipc-shm may use only the addr-space and page-alloc interfaces, klib's
panic and the compiler's memcpy/memset (issue 5). List the symbols the
static library needs from outside (undefined in some member, defined in
none) and fail on any other. Sanitizer hooks of an instrumented build are
the compiler's, not dependencies, and are left out.

    check_deps.py NM LIBRARY
"""
import re
import subprocess
import sys

ALLOWED = re.compile(r"^(as_[a-z_]+|page_alloc_zeroed|page_ref_put|page_commit_check|kzalloc|kcalloc|kfree|"
                     r"kpanic_at|memcpy|memset)$")
SANITIZER = re.compile(r"^__(asan|ubsan|tsan|sanitizer)_")


def symbols(nm, lib, *opts):
    out = subprocess.run([nm, *opts, lib], check=True, capture_output=True, text=True).stdout
    return {line.split()[-1] for line in out.splitlines() if re.match(r"^\s*[0-9a-fA-F]*\s+[A-Za-z]\s", line)}


def main():
    nm, lib = sys.argv[1], sys.argv[2]
    needed = symbols(nm, lib, "-u") - symbols(nm, lib, "--defined-only")
    needed = sorted(s for s in needed if not SANITIZER.match(s))
    print("\n".join(needed))
    bad = [s for s in needed if not ALLOWED.match(s)]
    if bad:
        print("ipc-shm needs symbols outside addr-space, page-alloc, klib's panic and memcpy/memset: "
              + " ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
