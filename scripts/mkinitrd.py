#!/usr/bin/env python3
"""Write an initrd: a cpio "newc" archive of files, the format Linux's
initramfs and components/process/src/cpio.c read.

    mkinitrd.py -o out.cpio [--no-etc] [--name NAME=PATH]... [PATH...]

A plain PATH is stored under its basename; --name stores PATH as NAME
(e.g. bin/prog: the directories above it get entries of their own, as
Linux's unpacker needs). Entries follow the order of the arguments.
A file is stored with mode 0100755 if it is executable, else 0100644.
Then, unless --no-etc, the files of a minimal /etc the archive does not
already have: passwd and group (root, and nobody as glibc's getpwnam
finds it), hostname. The output is the same for the same inputs: mtime 0,
uid and gid 0, inode numbers counting from 1 in order. Only the standard
library is used.

The data of a file of a page (4096 bytes) or more starts at a multiple of
the page size in the archive, so that a kernel whose initrd is loaded
page-aligned can keep those pages as the file's instead of copying them
(the kit's tmpfs does). The name field is padded with NULs to get there,
as Linux's gen_init_cpio -a does: Linux's unpacker reads the name up to its
first NUL and only checks that the field's last byte is one. Where that
would make the field longer than PATH_MAX (4096), the file stays where it
falls.
"""

import os
import stat
import sys
import tempfile

MAGIC = b"070701"        # newc, no checksum
TRAILER = "TRAILER!!!"
# A minimal /etc: the accounts Linux test suites look up (LTP's "nobody"),
# with Debian's ids, and the node name uname reports.
ETC = [
    ("etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n"
                   b"nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"),
    ("etc/group", b"root:x:0:\nnobody:x:65534:\n"),
    ("etc/hostname", b"unikit\n"),
]
S_IFDIR = 0o040000
S_IFREG = 0o100000
MAX_FIELD = 0xFFFFFFFF   # every header field is 8 hex digits


def die(msg):
    print(f"mkinitrd.py: {msg}", file=sys.stderr)
    sys.exit(2)


def pad4(n):
    return (4 - n % 4) % 4


PAGE = 4096
PATH_MAX = 4096          # Linux's unpacker skips an entry whose name field is longer


def entry(ino, mode, name, data=b"", nlink=1, at=0):
    """One header, name and data, each padded to 4 bytes as newc wants; 'at'
    is where the entry starts in the archive: a file of a page or more gets
    its name padded with NULs so that its data starts page-aligned."""
    raw = name.encode() + b"\0"
    if len(data) >= PAGE:
        padded = len(raw) + (-(at + 110 + len(raw))) % PAGE
        if padded <= PATH_MAX:
            raw += b"\0" * (padded - len(raw))
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(raw), 0]
    head = MAGIC + b"".join(b"%08X" % f for f in fields) + raw
    return head + b"\0" * pad4(len(head)) + data + b"\0" * pad4(len(data))


def clean_name(name, arg):
    """The name as stored: relative, no empty, '.' or '..' parts."""
    parts = name.strip("/").split("/")
    if any(p in ("", ".", "..") for p in parts):
        die(f"{arg}: '{name}' is not a usable name in the archive (no empty, '.' or '..' parts)")
    if parts == [TRAILER]:
        die(f"{arg}: '{TRAILER}' would end the archive early")
    return "/".join(parts)


def parse_args(argv):
    """-o OUT, then --name NAME=PATH and PATH in the order given (argparse
    would not keep the two kinds in one order)."""
    out, files, it, options, etc = None, [], iter(argv), True, True
    for arg in it:
        if options and arg in ("-h", "--help"):
            print(__doc__.strip())
            sys.exit(0)
        elif options and arg == "--":
            options = False
        elif options and arg == "--no-etc":
            etc = False
        elif options and (arg in ("-o", "--name") or arg.startswith(("-o", "--name="))):
            opt, value = (arg, next(it, None)) if arg in ("-o", "--name") else \
                ("-o", arg[2:]) if arg.startswith("-o") else ("--name", arg[len("--name="):])
            if value is None:
                die(f"{opt} needs a value")
            if opt == "-o":
                out = value
                continue
            name, sep, path = value.partition("=")
            if not sep or not name or not path:
                die(f"--name {value}: expected NAME=PATH")
            files.append((clean_name(name, f"--name {value}"), path))
        elif options and arg.startswith("-") and arg != "-":
            die(f"unknown option {arg} (see --help)")
        else:
            files.append((clean_name(os.path.basename(arg.rstrip("/")), arg), arg))
    if not out:
        die("no output: give -o out.cpio (see --help)")
    if not files:
        die("nothing to put in the archive: give PATH or --name NAME=PATH")
    return out, files, etc


def read_file(path):
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            die(f"{path}: not a regular file (only files go into the initrd)")
        if st.st_size > MAX_FIELD:
            die(f"{path}: {st.st_size} bytes, more than a newc archive can hold (4 GiB - 1)")
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        die(f"{path}: {e.strerror}")
    return data, 0o755 if st.st_mode & 0o111 else 0o644


def archive(files, etc):
    out, kind = [], {}  # kind: name -> "dir" or "file", for clashes
    entries = [(name, path, None) for name, path in files]
    if etc:
        given = {name for name, _ in files}
        entries += [(name, None, data) for name, data in ETC if name not in given]
    size = 0
    for name, path, content in entries:
        parts = name.split("/")
        for i in range(1, len(parts)):  # parent directories first
            d = "/".join(parts[:i])
            if kind.get(d) == "file":
                die(f"{path}: '{d}' is a file in the archive, it cannot hold '{name}'")
            if d not in kind:
                kind[d] = "dir"
                out.append(entry(len(kind), S_IFDIR | 0o755, d, nlink=2))
                size += len(out[-1])
        if name in kind:
            die(f"{path}: '{name}' is already in the archive")
        data, perm = (content, 0o644) if path is None else read_file(path)
        kind[name] = "file"
        out.append(entry(len(kind), S_IFREG | perm, name, data, at=size))
        size += len(out[-1])
    out.append(entry(0, 0, TRAILER, nlink=1))
    return b"".join(out)


def write_atomically(path, data):
    """A failed run leaves no half archive for make to take as up to date."""
    d = os.path.dirname(os.path.abspath(path))
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=d, prefix=".mkinitrd-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as e:
        if tmp and os.path.exists(tmp):
            os.unlink(tmp)
        die(f"{path}: {e.strerror}")


def main():
    out, files, etc = parse_args(sys.argv[1:])
    write_atomically(out, archive(files, etc))


if __name__ == "__main__":
    main()
