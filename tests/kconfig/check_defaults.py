#!/usr/bin/python3
"""Every number option's default lies inside its active range in every
configuration. A default outside it is clamped, by kconfiglib with the
warning "default value ... clamped", by the C kconfig without a word: the
configuration gets a value nobody chose, and a random configuration run
stops on the warning.

For each int or hex symbol with a range, the options its range and default
conditions, bounds and values name are set to every combination of the
values that matter: bools y and n, each member of a choice, numbers at the
constants they are compared with (one below, at, one above), at their own
range ends and defaults, and unset (their dependencies unmet). An option
whose dependencies are false in a combination (as far as the options
taken decide them) is unset there. In each combination the active range
and the active default are found as Kconfig finds them (the first whose
condition holds); a default outside the range is listed with the
combination.

The symbol's own dependencies are taken as met (otherwise it has no
value); options outside the ones named are not varied, so the check can
list a combination that other dependencies rule out, never miss one the
conditions allow.

    check_defaults.py KIT_ROOT
"""
import itertools
import os
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import kconfiglib  # noqa: E402
from kconfiglib import AND, BOOL, EQUAL, GREATER, GREATER_EQUAL, HEX, INT, LESS, LESS_EQUAL, NOT, OR, \
    TRISTATE, UNEQUAL, Choice, expr_items  # noqa: E402

UNKNOWN = None  # an option the combination does not set


def literal(sym):
    """y, n, m, or a number or string written in an expression (kconfiglib's undefined symbols)."""
    return sym.is_constant or not sym.nodes


class Combination:
    """Values of some options: bools as 0/2, numbers and strings as text, '' when unset."""

    def __init__(self, kconf, values):
        self.kconf, self.values = kconf, values

    def text(self, sym):
        if literal(sym):
            return sym.name
        if sym not in self.values:
            return UNKNOWN
        v = self.values[sym]
        return ("n", "m", "y")[v] if sym.orig_type in (BOOL, TRISTATE) else v

    def tri(self, item):
        if isinstance(item, Choice):
            return 2
        if literal(item):
            return {"y": 2, "m": 1}.get(item.name, 0)
        if item not in self.values:
            return UNKNOWN
        return self.values[item] if item.orig_type in (BOOL, TRISTATE) else 0

    def num(self, sym):
        """sym as a number as kconfiglib compares it, or None."""
        if not literal(sym) and sym.orig_type in (BOOL, TRISTATE):
            return self.tri(sym)
        text = self.text(sym)
        base = 16 if sym.orig_type == HEX else 10 if sym.orig_type == INT else 0
        try:
            return int(text, base)
        except (TypeError, ValueError):
            return None

    def value(self, expr):
        """Kleene logic: UNKNOWN where an option not set decides."""
        if expr.__class__ is not tuple:
            return self.tri(expr)
        if expr[0] is AND:
            a, b = self.value(expr[1]), self.value(expr[2])
            if a == 0 or b == 0:
                return 0
            return UNKNOWN if a is UNKNOWN or b is UNKNOWN else min(a, b)
        if expr[0] is OR:
            a, b = self.value(expr[1]), self.value(expr[2])
            if a == 2 or b == 2:
                return 2
            return UNKNOWN if a is UNKNOWN or b is UNKNOWN else max(a, b)
        if expr[0] is NOT:
            a = self.value(expr[1])
            return UNKNOWN if a is UNKNOWN else 2 - a
        rel, s1, s2 = expr
        t1, t2 = self.text(s1), self.text(s2)
        if t1 is UNKNOWN or t2 is UNKNOWN:
            return UNKNOWN
        n1, n2 = self.num(s1), self.num(s2)
        if n1 is not None and n2 is not None:
            comp = n1 - n2
        else:
            comp = (t1 > t2) - (t1 < t2)
        return 2 * {EQUAL: comp == 0, UNEQUAL: comp != 0, LESS: comp < 0, LESS_EQUAL: comp <= 0,
                    GREATER: comp > 0, GREATER_EQUAL: comp >= 0}[rel]


def relations(expr):
    if expr.__class__ is not tuple:
        return
    if expr[0] in (AND, OR):
        yield from relations(expr[1])
        yield from relations(expr[2])
    elif expr[0] is NOT:
        yield from relations(expr[1])
    else:
        yield expr


def number(sym, text):
    try:
        return int(text, 16 if sym.orig_type == HEX else 10)
    except ValueError:
        return None


def fmt(sym, value):
    return hex(value) if sym.orig_type == HEX else str(value)


def own_exprs(sym):
    """The symbol's range and default conditions, bounds and values as written."""
    out = []
    for lo, hi, cond in sym.orig_ranges:
        out += [lo, hi, cond]
    for value, cond in sym.orig_defaults:
        out += [value, cond]
    return out


def candidates(item, rels):
    """(option, value) pairs worth trying; a choice gives its members."""
    if isinstance(item, Choice):
        return [[(m, 2 if m is chosen else 0) for m in item.syms] for chosen in item.syms]
    if item.orig_type in (BOOL, TRISTATE):
        return [[(item, 0)], [(item, 2)]]
    if item.orig_type not in (INT, HEX):
        return [[]]
    values = set()
    for rel in rels:
        for a, b in ((rel[1], rel[2]), (rel[2], rel[1])):
            if a is item and literal(b) and number(item, b.name) is not None:
                c = number(item, b.name)
                values |= {c - 1, c, c + 1}
    for expr in own_exprs(item):
        if not isinstance(expr, tuple) and literal(expr) and number(item, expr.name) is not None:
            values.add(number(item, expr.name))
    return [[(item, "")]] + [[(item, fmt(item, v))] for v in sorted(values)]


def active(pairs, combo, is_range):
    for entry in pairs:
        cond = entry[-1]
        v = combo.value(cond)
        if v is UNKNOWN:
            raise RuntimeError(f"condition left undecided: {kconfiglib.expr_str(cond)}")
        if v:
            return entry
    return None


def check(kconf, target):
    """The combinations in which target's active default lies outside its active range."""
    items = set()
    for expr in own_exprs(target):
        items |= expr_items(expr)
    items = {i.choice if not isinstance(i, Choice) and i.choice else i for i in items}
    items = sorted((i for i in items if isinstance(i, Choice) or not literal(i)),
                   key=lambda i: i.name or "")
    rels = [r for i in items if not isinstance(i, Choice) for e in own_exprs(i) + [i.direct_dep]
            for r in relations(e)] + [r for e in own_exprs(target) for r in relations(e)]
    problems, tried = [], 0
    for combo in itertools.product(*(candidates(i, rels) for i in items)):
        values = dict(pair for pairs in combo for pair in pairs)
        comb = Combination(kconf, values)
        # An option whose dependencies these values make false is unset.
        if any(values[s] not in (0, "") and comb.value(s.direct_dep) == 0 for s in values):
            continue
        # A number outside its own active range is not a value it can take.
        bad = False
        for s, v in values.items():
            if s.orig_type in (INT, HEX) and v != "":
                rng = [r for r in s.orig_ranges if comb.value(r[2]) != 0]
                if rng and comb.value(rng[0][2]) == 2:
                    lo, hi = comb.num(rng[0][0]), comb.num(rng[0][1])
                    if lo is not None and hi is not None and not lo <= number(s, v) <= hi:
                        bad = True
        if bad:
            continue
        tried += 1
        rng = active(target.orig_ranges, comb, True)
        default = active(target.orig_defaults, comb, False)
        if rng is None or default is None:
            continue
        lo, hi, d = comb.num(rng[0]), comb.num(rng[1]), comb.num(default[0])
        if None in (lo, hi, d):
            continue  # a bound or default an unset option gives: Kconfig's strtoll('') is 0
        if not lo <= d <= hi:
            shown = ", ".join(f"{s.name}={comb.text(s) or 'unset'}" for s in values)
            problems.append(f"{target.name}: default {fmt(target, d)} outside the range "
                            f"[{fmt(target, lo)}, {fmt(target, hi)}] with {shown or 'any options'}")
    return tried, problems


def main():
    root = sys.argv[1]
    os.environ["srctree"] = root
    os.environ.setdefault("KIT_APP_DIR", "")
    kconf = kconfiglib.Kconfig(os.path.join(root, "Kconfig"), warn_to_stderr=False)
    failures, checked, combos = [], 0, 0
    for sym in kconf.unique_defined_syms:
        if sym.orig_type not in (INT, HEX) or not sym.orig_ranges:
            continue
        tried, problems = check(kconf, sym)
        checked += 1
        combos += tried
        if problems:
            more = f" (and {len(problems) - 1} more combinations)" if len(problems) > 1 else ""
            failures.append(problems[0] + more)
    for f in failures:
        print("FAIL:", f)
    print(f"{checked} number options with a range, {combos} combinations of the options their "
          f"ranges and defaults name, {len(failures)} with a default outside the range")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
