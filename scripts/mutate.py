#!/usr/bin/python3
"""Mutation testing of one component: do the unit tests notice a small change?

    scripts/mutate.py COMPONENT [--seed S] [-n N] [--timeout T] [--jobs J] [--list] [--recheck]

Every candidate change ("mutant") of the component's sources is listed, a
seeded sample of N is taken, and each is applied alone: the file is edited,
the unit-test build (build/mutate, tests/unit/defconfig with sanitizers, as
`make unit-test`) is rebuilt incrementally, and the unit tests whose
executable (or any file their command names) the rebuild changed -- the
tests that link the mutated code -- run until one fails. A failing or timed
out test kills the mutant; a mutant whose tests all pass survived; one that
does not compile is left out of the score, and so is one that changes no
code this build makes (a file or #if branch the configuration leaves out,
or a change the compiler makes nothing of: the objects of the file, less
their debug information, come out byte for byte as before). The file is
then restored byte for byte, also on Ctrl-C or SIGTERM; a run killed
harder is repaired by the next one from build/mutate/journal.

Operators (see docs/testing.md): negated if-conditions, relational
operators moved by one (< <=, > >=, == !=), && and || swapped, integer
constants plus one, an errno replaced by another, a statement that updates
state deleted, a returned value replaced. Lines where a change can only hang
are skipped: updates of a loop's own variables and the step of a for loop.

The score counts the survivors judged equivalent (docs/testing.md, section
"Equivalent mutants") as neither killed nor surviving. Each run's verdicts
go to build/mutate/results/COMPONENT-SEED.json; --recheck (with --seed)
runs again only the mutants that survived there, after new tests.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor, FIRST_COMPLETED, wait

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "testing.md")
PY = "/usr/bin/python3"

# Another errno for each: the one a careless change would plausibly return.
ERRNO_SWAP = {
    "EINVAL": "EPERM", "EPERM": "EACCES", "EACCES": "EPERM", "ENOMEM": "EINVAL", "EFAULT": "EINVAL",
    "EEXIST": "EINVAL", "ENOENT": "EINVAL", "EIDRM": "EINVAL", "ESRCH": "EPERM", "EBUSY": "EAGAIN",
    "EAGAIN": "EBUSY", "EDEADLK": "EINVAL", "ETIMEDOUT": "EAGAIN", "ENOSPC": "ENOMEM", "EOVERFLOW": "EINVAL",
    "ENOSYS": "EINVAL", "ECHILD": "ESRCH", "EINTR": "EAGAIN", "E2BIG": "EINVAL", "ENOEXEC": "EINVAL",
    "EBADF": "EINVAL", "ERANGE": "EINVAL", "EFBIG": "ENOMEM", "ENOTTY": "EINVAL", "ESPIPE": "EINVAL",
    "ENAMETOOLONG": "EINVAL", "EMFILE": "ENOMEM", "ENOTDIR": "ENOENT", "EISDIR": "EINVAL",
}
NOT_STATE = re.compile(r"^(kprintf|printf|kpanic_at|panic|kassert|kassertf|kverify|SYNC_REPORT|print_\w+|"
                       r"report_\w+|\w*warn\w*|fprintf|(void)\s*\w+)\b")
DECL_START = re.compile(r"^(static\s+|const\s+|volatile\s+)*(struct|enum|union)\s+\w+\s*[\s*]+\w+|"
                        r"^(static\s+|const\s+|volatile\s+)*(unsigned|signed|int|long|short|char|bool|void|"
                        r"size_t|ssize_t|uintptr_t|paddr_t|\w+_t)\b[\s*]+\w+|^\w+\s+\**\s*\w+\s*(=|;|\[|,)")
KEYWORDS = {"if", "else", "for", "while", "do", "switch", "case", "default", "return", "break", "continue",
            "goto", "sizeof"}


# ---------------------------------------------------------------- C scanning

def code_mask(text):
    """text with comments, strings and character literals blanked (same offsets)."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            for k in range(i + 1, j - 1):
                if out[k] != "\n":
                    out[k] = " "
            i = j
            continue
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != "\n":
                out[k] = " "
        i = j
    return "".join(out)


def matching(mask, i, open_c, close_c):
    """Index of the bracket closing the one at i, or -1."""
    depth = 0
    for j in range(i, len(mask)):
        if mask[j] == open_c:
            depth += 1
        elif mask[j] == close_c:
            depth -= 1
            if depth == 0:
                return j
    return -1


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


class Source:
    """One file: its text, the code mask, which lines are in function bodies,
    and the loops (line range, variables their condition or step reads)."""

    def __init__(self, path):
        self.path = path
        with open(path, "rb") as f:
            self.raw = f.read()
        self.text = self.raw.decode()
        self.mask = code_mask(self.text)
        self.lines = self.text.split("\n")
        self.mlines = self.mask.split("\n")
        self.starts = [0]
        for ln in self.lines:
            self.starts.append(self.starts[-1] + len(ln) + 1)
        self.preproc = self._preproc_lines()
        self.in_body = self._body_lines()
        self.loops, self.for_steps = self._loops()

    def _preproc_lines(self):
        pre, cont = set(), False
        for no, ln in enumerate(self.mlines, 1):
            if cont or ln.lstrip().startswith("#"):
                pre.add(no)
                cont = ln.rstrip().endswith("\\")
            else:
                cont = False
        return pre

    def _body_lines(self):
        body = set()
        m = self.mask
        depth, i = 0, 0
        while i < len(m):
            c = m[i]
            if c == "{" and depth == 0:
                before = m[:i].rstrip()
                end = matching(m, i, "{", "}")
                if before.endswith(")") and end > 0 and not line_of(m, i) in self.preproc:
                    body.update(range(line_of(m, i) + 1, line_of(m, end)))
                    i = end + 1
                    continue
                depth += 1
            elif c == "{":
                depth += 1
            elif c == "}":
                depth = max(0, depth - 1)
            i += 1
        return body

    def _loops(self):
        loops, steps = [], {}
        for mt in re.finditer(r"\b(while|for)\s*\(", self.mask):
            po = mt.end() - 1
            pc = matching(self.mask, po, "(", ")")
            if pc < 0:
                continue
            header = self.mask[po + 1:pc]
            if mt.group(1) == "for":
                parts = header.split(";")
                if len(parts) == 3:
                    step_line = line_of(self.mask, pc)
                    steps.setdefault(step_line, []).append((po + 1 + len(parts[0]) + len(parts[1]) + 2, pc))
                header = ";".join(parts[1:])
            j = pc + 1
            while j < len(self.mask) and self.mask[j] in " \t\n":
                j += 1
            if j < len(self.mask) and self.mask[j] == "{":
                end = matching(self.mask, j, "{", "}")
            elif self.mask[j:j + 1] == ";" and mt.group(1) == "while":  # the end of a do-while
                do_open = self.mask.rfind("{", 0, self.mask.rfind("}", 0, mt.start()) + 1)
                end = pc
                j = do_open if do_open >= 0 else j
            else:
                end = self.mask.find(";", pc)
            if end < 0:
                continue
            idents = set(re.findall(r"\b[A-Za-z_]\w*\b", header)) - KEYWORDS
            loops.append((line_of(self.mask, mt.start()), line_of(self.mask, end), idents))
        return loops, steps

    def in_loop_vars(self, line):
        names = set()
        for a, b, idents in self.loops:
            if a <= line <= b:
                names |= idents
        return names

    def in_for_step(self, line, col_abs):
        return any(a <= col_abs < b for a, b in self.for_steps.get(line, []))


# ------------------------------------------------------------------ mutants

class Mutant:
    def __init__(self, path, line, op, start, end, new, src):
        self.path, self.line, self.op = path, line, op
        self.start, self.end, self.new = start, end, new  # absolute offsets in the file
        old_line = src.lines[line - 1]
        ls = src.starts[line - 1]
        self.before = old_line.strip()
        self.after = (old_line[:start - ls] + new + src.text[end:src.starts[line] - 1]).strip() \
            if end <= src.starts[line] - 1 else None

    def rel(self):
        return os.path.relpath(self.path, ROOT)

    def key(self):
        return (self.rel(), self.before, self.after)

    def describe(self):
        return f"{self.rel()}:{self.line}: {self.op}: `{self.before}` -> `{self.after}`"


def balanced(s):
    return s.count("(") == s.count(")")


def mutants_of(src):
    out = []
    for no, (ln, mln) in enumerate(zip(src.lines, src.mlines), 1):
        if no in src.preproc or no not in src.in_body or not mln.strip():
            continue
        base = src.starts[no - 1]
        stripped = mln.strip()
        lead = len(mln) - len(mln.lstrip())
        loop_vars = src.in_loop_vars(no)

        def add(op, s, e, new):
            if src.in_for_step(no, base + s):
                return  # a loop's step: the change can only hang
            out.append(Mutant(src.path, no, op, base + s, base + e, new, src))

        # if (cond) -> if (!(cond)), when the condition is on this line
        for mt in re.finditer(r"\bif\s*\(", mln):
            po = mt.end() - 1
            pc = matching(mln, po, "(", ")")
            if pc > 0:
                add("negate", po + 1, pc, "!(" + ln[po + 1:pc] + ")")
        # relational operators one step off
        for mt in re.finditer(r"(?<![-<>=!])(<=|>=|==|!=|<|>)(?![<>=])", mln):
            op = mt.group(1)
            new = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}[op]
            add("relational", mt.start(), mt.end(), new)
        for mt in re.finditer(r"&&|\|\|", mln):
            add("logic", mt.start(), mt.end(), "||" if mt.group() == "&&" else "&&")
        # integer constants plus one (not inside array sizes of declarations)
        if not DECL_START.match(stripped) or "=" in stripped:
            for mt in re.finditer(r"(?<![\w.])(0[xX][0-9a-fA-F]+|\d+)([uUlL]*)(?![\w.])", mln):
                lit = mt.group(1)
                if lit.lower().startswith("0x"):
                    num = hex(int(lit, 16) + 1)
                elif len(lit) > 1 and lit.startswith("0"):  # octal (file modes)
                    num = "0" + format(int(lit, 8) + 1, "o")
                else:
                    num = str(int(lit) + 1)
                add("constant", mt.start(), mt.end(), num + mt.group(2))
        for mt in re.finditer(r"-\s*(E[A-Z0-9]+)\b", mln):
            if mt.group(1) in ERRNO_SWAP:
                add("errno", mt.start(1), mt.end(1), ERRNO_SWAP[mt.group(1)])
        # return value replaced
        mt = re.match(r"return\s+(.+);$", stripped)
        if mt and balanced(mt.group(1)):
            val = mt.group(1).strip()
            s = lead + len("return") + stripped[len("return"):].index(val)
            e = s + len(val)
            if val == "true" or val == "false":
                add("return", s, e, "false" if val == "true" else "true")
            elif val == "0":
                add("return", s, e, "1")
            elif not re.fullmatch(r"-\s*E[A-Z0-9]+|NULL|-?\d+", val):
                add("return", s, e, "0")
        # delete a statement that updates state
        if (stripped.endswith(";") and balanced(stripped) and not DECL_START.match(stripped)
                and not re.match(r"(return|break|continue|goto|case|default|else|do|}|\()\b", stripped)
                and not NOT_STATE.match(stripped) and ";" not in stripped[:-1]
                and "{" not in stripped and "}" not in stripped
                and not re.match(r"(if|while|for|switch)\s*\(", stripped)):
            target = re.match(r"(\*?\s*[\w.>\-\[\]]+?)\s*(=|\+=|-=|\|=|&=|\^=|<<=|>>=|\+\+|--)(?!=)", stripped)
            pre = re.match(r"(\+\+|--)\s*([\w.>\-\[\]]+)", stripped)
            is_call = re.match(r"[A-Za-z_]\w*\s*\(", stripped)
            var = None
            if target:
                var = re.split(r"[.\-\[]", target.group(1).lstrip("*").strip())[0]
            elif pre:
                var = re.split(r"[.\-\[]", pre.group(2))[0]
            if (target or pre or is_call) and not (var and var in loop_vars):
                add("delete", lead, len(mln.rstrip()), "(void)0;")
    return [m for m in out if m.after is not None]


def pick(every, seed, n):
    """The n mutants whose hash with the seed is lowest: a mutant's chance
    depends on itself and the seed alone, so editing one part of the sources
    leaves the sample of the others as it was."""
    seen, ranked = {}, []
    for m in every:
        k = m.key()
        seen[k] = seen.get(k, 0) + 1  # the same change twice in a file
        digest = hashlib.sha256(repr((seed, k, seen[k])).encode()).digest()
        ranked.append((digest, m))
    ranked.sort(key=lambda x: x[0])
    return [m for _, m in ranked[:n]] if n else every


def component_sources(comp):
    d = os.path.join(ROOT, "components", comp, "src")
    if not os.path.isdir(d):
        sys.exit(f"mutate: no component '{comp}' (components/{comp}/src)")
    return sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith((".c", ".h")))


def equivalents():
    """(file, before, after) -> reason, from docs/testing.md's list."""
    eq = {}
    try:
        with open(DOC) as f:
            doc = f.read()
    except OSError:
        return eq
    sec = doc.split("## Equivalent mutants", 1)
    if len(sec) < 2:
        return eq
    body = sec[1].split("\n## ", 1)[0]
    entries = re.split(r"\n(?=- `)", "\n" + body)
    for ent in entries:
        mt = re.match(r"- `([^`]+)`: `([^`]*)` → `([^`]*)`:?\s*(.*)", ent.strip(), re.S)
        if mt:
            reason = mt.group(4).split("\n\n")[0]  # a paragraph after the list is not its end
            eq[(mt.group(1), mt.group(2), mt.group(3))] = " ".join(reason.split())
    return eq


# ------------------------------------------------------------ build and run

class Journal:
    """The original bytes of the file being mutated, on disk, so that even a
    run killed with SIGKILL is repaired by the next one."""

    def __init__(self, bdir):
        self.dir = os.path.join(bdir, "journal")

    def recover(self):
        if not os.path.isdir(self.dir):
            return
        for name in os.listdir(self.dir):
            if not name.endswith(".orig"):
                continue
            with open(os.path.join(self.dir, name[:-5] + ".path")) as f:
                path = f.read()
            with open(os.path.join(self.dir, name), "rb") as f:
                data = f.read()
            write_exact(path, data)
            print(f"mutate: restored {os.path.relpath(path, ROOT)} left mutated by an interrupted run")
        shutil.rmtree(self.dir)

    def save(self, path, data):
        os.makedirs(self.dir, exist_ok=True)
        with open(os.path.join(self.dir, "file.path"), "w") as f:
            f.write(path)
        tmp = os.path.join(self.dir, "file.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(self.dir, "file.orig"))

    def clear(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def write_exact(path, data):
    # Rewritten in place (same inode and mode); its mtime moves on, so the
    # next build recompiles it from the restored text.
    with open(path, "r+b") as f:
        f.write(data)
        f.truncate()
    with open(path, "rb") as f:
        if f.read() != data:
            raise RuntimeError(f"could not restore {path}")


def configure(bdir, jobs):
    gen = ["-G", "Ninja"] if shutil.which("ninja") else []
    log = bdir + ".configure.log"
    os.makedirs(os.path.dirname(bdir), exist_ok=True)
    with open(log, "w") as f:
        r = subprocess.run(["cmake", "-S", ROOT, "-B", bdir, *gen,
                            "-DKIT_DEFCONFIG=" + os.path.join(ROOT, "tests/unit/defconfig"),
                            "-DKIT_TESTS=ON", "-DKIT_SANITIZE=ON"], stdout=f, stderr=subprocess.STDOUT)
    if r.returncode:
        sys.exit(f"mutate: configuring {bdir} failed (see {log})")


def build(bdir, jobs):
    r = subprocess.run(["cmake", "--build", bdir, "-j", str(jobs)], capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


class Test:
    def __init__(self, t, bdir):
        self.name = t["name"]
        props = {p["name"]: p["value"] for p in t.get("properties", [])}
        self.labels = props.get("LABELS", [])
        self.cwd = props.get("WORKING_DIRECTORY", bdir)
        self.env = dict(os.environ)
        for kv in props.get("ENVIRONMENT", []):
            k, _, v = kv.partition("=")
            self.env[k] = v
        self.cmd = t["command"]
        self.files = [a for a in self.cmd if a.startswith(bdir) and os.path.isfile(a)]
        self.time = 1.0

    def changed_since(self, t0):
        return any(os.path.getmtime(f) >= t0 for f in self.files)


def unit_tests(bdir):
    r = subprocess.run(["ctest", "--test-dir", bdir, "--show-only=json-v1", "-L", "unit"],
                       capture_output=True, text=True, check=True)
    return [Test(t, bdir) for t in json.loads(r.stdout)["tests"] if "command" in t]


JOURNAL = None
RUNNING = {}  # pid -> Popen of every test running now, so a failure or Ctrl-C can stop them all


def kill_running():
    for p in list(RUNNING.values()):
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def run_one(test, timeout):
    t0 = time.monotonic()
    p = subprocess.Popen(test.cmd, cwd=test.cwd, env=test.env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, start_new_session=True)
    RUNNING[p.pid] = p
    try:
        out, _ = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        rc = "timeout"
    finally:
        RUNNING.pop(p.pid, None)
    return test, rc, out.decode(errors="replace"), time.monotonic() - t0


def run_tests(tests, jobs, timeout_of):
    """Run the longest first, until one fails: that test and how, or (None, None)."""
    todo = sorted(tests, key=lambda t: -t.time)
    failed = (None, None)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        running = set()
        try:
            while (todo or running) and not failed[0]:
                while todo and len(running) < jobs:
                    t = todo.pop(0)
                    running.add(pool.submit(run_one, t, timeout_of(t)))
                done, running = wait(running, return_when=FIRST_COMPLETED)
                for fut in done:
                    test, rc, _, _ = fut.result()
                    if rc != 0 and not failed[0]:
                        failed = (test, rc)
        finally:
            kill_running()  # the rest cannot change the verdict (or Ctrl-C)
    return failed


# ----------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("component")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("-n", type=int, default=50, help="mutants to sample (0: all)")
    ap.add_argument("--timeout", type=float, default=0,
                    help="seconds a test may take under a mutant (default: 4x its time unmutated + 10)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--build-dir", default=os.path.join(ROOT, "build", "mutate"))
    ap.add_argument("--list", action="store_true", help="list the sample and stop")
    ap.add_argument("--file", help="only mutants of this source file (a path or its name)")
    ap.add_argument("--recheck", action="store_true",
                    help="run again only what survived the last run with this seed (after new tests)")
    args = ap.parse_args()
    if args.recheck and args.seed is None:
        sys.exit("mutate: --recheck needs the --seed of the run to check again")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    bdir = os.path.abspath(args.build_dir)

    srcs = [Source(p) for p in component_sources(args.component)]
    if args.file:
        srcs = [s for s in srcs if s.path.endswith("/" + args.file) or os.path.abspath(args.file) == s.path]
    every = [m for s in srcs for m in mutants_of(s)]
    sample = pick(every, seed, args.n)
    sample.sort(key=lambda m: (m.path, m.line, m.start, m.op, m.new))
    print(f"mutate: {args.component}, seed {seed}: {len(sample)} of {len(every)} mutants")
    if args.list:
        for m in sample:
            print("  " + m.describe())
        return 0
    eq = equivalents()

    global JOURNAL
    JOURNAL = Journal(bdir)
    os.makedirs(bdir, exist_ok=True)
    lock = os.path.join(bdir, "mutate.lock")
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
    except FileExistsError:
        with open(lock) as f:
            pid = f.read().strip()
        if pid.isdigit() and os.path.exists(f"/proc/{pid}"):
            sys.exit(f"mutate: another run (pid {pid}) uses {bdir}")
        os.unlink(lock)
        return main()

    def on_term(sig, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, on_term)
    try:
        JOURNAL.recover()
        return run(args, seed, bdir, srcs, sample, eq, every)
    except KeyboardInterrupt:
        print("\nmutate: interrupted; sources restored")
        return 130
    finally:
        os.unlink(lock)


def run(args, seed, bdir, srcs, sample, eq, every):
    print("mutate: building " + os.path.relpath(bdir, ROOT))
    configure(bdir, args.jobs)
    ok, log = build(bdir, args.jobs)
    if not ok:
        print(log)
        sys.exit("mutate: the unmutated tree does not build")
    tests = unit_tests(bdir)
    # Which tests link the component: touch its sources, rebuild, see what changed.
    t0 = time.time()
    time.sleep(0.01)
    for s in srcs:
        os.utime(s.path)
    ok, log = build(bdir, args.jobs)
    if not ok:
        print(log)
        sys.exit("mutate: the rebuild failed")
    linked = [t for t in tests if t.changed_since(t0)]
    clean = {s.path: objects_digest(bdir, s.path) for s in srcs}
    labels = sorted({lb for t in linked for lb in t.labels} - {"unit"})
    print(f"mutate: {len(linked)} tests link {args.component} (labels: {' '.join(labels)}); checking they pass")
    for t in linked:
        _, rc, out, dt = run_one(t, 600)
        t.time = dt
        if rc != 0:
            print(out[-3000:])
            sys.exit(f"mutate: {t.name} fails without any mutant ({rc})")

    def timeout_of(t):
        return args.timeout or 4 * t.time + 10

    results = os.path.join(bdir, "results", f"{args.component}-{seed}.json")
    earlier = {}
    if args.recheck:
        # The earlier run's mutants, by what they change: its verdicts stand
        # where they were kills, the survivors run again. The same change of
        # the same text twice in a file (two equal lines) is told apart by
        # its line, else by its order among them.
        try:
            with open(results) as f:
                records = json.load(f)["mutants"]
        except OSError:
            sys.exit(f"mutate: no earlier run of {args.component} with seed {seed} ({results})")
        now = {}
        for m in every:
            now.setdefault(m.key(), []).append(m)
        sample, taken = [], set()
        for r in sorted(records, key=lambda r: r["line"]):
            k = tuple(r["key"])
            free = [m for m in now.get(k, []) if id(m) not in taken]
            m = next((m for m in free if m.line == r["line"]), free[0] if free else None)
            if m is None:
                print(f"mutate: gone since the earlier run (its line changed): {k[0]}: `{k[1]}` -> "
                      f"`{k[2]}` ({r['verdict']})")
                continue
            taken.add(id(m))
            earlier[id(m)] = r
            sample.append(m)
        order = {id(m): i for i, m in enumerate(every)}
        sample.sort(key=lambda m: order[id(m)])
    verdicts = []  # (mutant, "killed" | "survived" | "stillborn" | "unbuilt", killing test)
    start = time.monotonic()
    for i, m in enumerate(sample, 1):
        tag = f"[{i:3}/{len(sample)}] {m.describe()}"
        old = earlier.get(id(m))
        if old and old["verdict"] in ("killed", "stillborn", "unbuilt"):
            verdicts.append((m, old["verdict"], old.get("by")))
            print(f"{tag}\n        {old['verdict']} in the earlier run" + (f" ({old['by']})" if old.get("by") else ""))
            continue
        verdict, by = try_mutant(m, bdir, args, linked, timeout_of, clean.get(m.path))
        verdicts.append((m, verdict, by))
        if verdict == "stillborn":
            print(f"{tag}\n        does not build")
        elif verdict == "unbuilt":
            print(f"{tag}\n        no change to the code built (compiled out here, or the same code)")
        elif verdict == "killed":
            print(f"{tag}\n        killed by {by}")
        elif m.key() in eq:
            print(f"{tag}\n        survived: judged equivalent ({eq[m.key()]})")
        else:
            print(f"{tag}\n        SURVIVED")
        sys.stdout.flush()
        save_results(results, args.component, seed, verdicts)
    build(bdir, args.jobs)  # leave the build matching the restored sources
    save_results(results, args.component, seed, verdicts)
    killed = [m for m, v, _ in verdicts if v == "killed"]
    stillborn = [m for m, v, _ in verdicts if v == "stillborn"]
    unbuilt = [m for m, v, _ in verdicts if v == "unbuilt"]
    equiv = [m for m, v, _ in verdicts if v == "survived" and m.key() in eq]
    survived = [m for m, v, _ in verdicts if v == "survived" and m.key() not in eq]
    scored = len(killed) + len(survived)
    pct = 100.0 * len(killed) / scored if scored else 100.0
    mins = (time.monotonic() - start) / 60
    print(f"\nmutate: {args.component}, seed {seed}: score {pct:.1f} % ({len(killed)} of {scored} killed; "
          f"{len(equiv)} judged equivalent, {len(stillborn)} did not build, {len(unbuilt)} change no code "
          f"built here; {mins:.1f} min)")
    if survived:
        print("survivors:")
        for m in survived:
            print("  " + m.describe())
    if equiv:
        print("judged equivalent (docs/testing.md):")
        for m in equiv:
            print("  " + m.describe())
    return 0


def compile_entries(bdir, path):
    """The compile_commands.json entries that compile the source 'path'."""
    try:
        with open(os.path.join(bdir, "compile_commands.json")) as f:
            entries = json.load(f)
    except (OSError, ValueError):
        return None
    return [e for e in entries
            if os.path.realpath(os.path.join(e["directory"], e["file"])) == os.path.realpath(path)]


def objects_digest(bdir, path):
    """The object files the build makes of the source 'path' (compile_commands.json), by
    their code and data; None for a header or a file the build does not compile."""
    out = {}
    for e in compile_entries(bdir, path) or []:
        argv = e.get("arguments") or shlex.split(e["command"])
        if "-o" not in argv:
            return None
        obj = os.path.join(e["directory"], argv[argv.index("-o") + 1])
        # Without its debug information: an inlined empty function leaves only that.
        tmp = os.path.join(bdir, "mutate-stripped.o")
        r = subprocess.run(["objcopy", "--strip-debug", obj, tmp], capture_output=True)
        if r.returncode:
            return None
        with open(tmp, "rb") as f:
            out[obj] = hashlib.sha256(f.read()).hexdigest()
        os.unlink(tmp)
    return out or None


def try_mutant(m, bdir, args, linked, timeout_of, clean_objects=None):
    """Apply m, rebuild, run the tests it changed, restore: its verdict and the killing test."""
    if m.path.endswith(".c") and compile_entries(bdir, m.path) == []:
        return "unbuilt", None  # a file tests/unit/defconfig does not build (CONFIG_SMP's)
    with open(m.path, "rb") as f:
        orig = f.read()
    text = orig.decode()
    JOURNAL.save(m.path, orig)
    t0 = time.time()
    time.sleep(0.01)
    try:
        write_exact(m.path, (text[:m.start] + m.new + text[m.end:]).encode())
        ok, _ = build(bdir, args.jobs)
        if not ok:
            return "stillborn", None
        affected = [t for t in linked if t.changed_since(t0)]
        # No code changed: lines an #if leaves out, or a change the compiler makes nothing of
        # (the file's objects, less debug information, byte for byte as before). Left out of
        # the score like a mutant that does not build.
        if not affected or (clean_objects and objects_digest(bdir, m.path) == clean_objects):
            return "unbuilt", None
        failed, why = run_tests(affected, args.jobs, timeout_of)
    except KeyboardInterrupt:
        kill_running()
        raise
    finally:
        write_exact(m.path, orig)
        JOURNAL.clear()
    if failed:
        return "killed", failed.name + (" (timed out)" if why == "timeout" else "")
    return "survived", None


def save_results(path, comp, seed, verdicts):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        json.dump({"component": comp, "seed": seed, "mutants": [
            {"key": list(m.key()), "line": m.line, "op": m.op, "verdict": v, "by": by}
            for m, v, by in verdicts]}, f, indent=1)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    sys.exit(main())
