#!/usr/bin/python3
"""Every option a user can set (a symbol or choice with a prompt) has a help
text saying what it does and why one would change it; an option without
one is listed with its file and line.

    check_help.py KIT_ROOT
"""
import os
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import kconfiglib  # noqa: E402

root = sys.argv[1]
os.environ["srctree"] = root
os.environ.setdefault("KIT_APP_DIR", "")
kconf = kconfiglib.Kconfig(os.path.join(root, "Kconfig"), warn_to_stderr=False)
missing, total = [], 0
for item in kconf.unique_defined_syms + kconf.unique_choices:
    prompted = [n for n in item.nodes if n.prompt]
    if not prompted:
        continue
    total += 1
    if not any(n.help for n in item.nodes):
        n = prompted[0]
        name = item.name or f"choice '{n.prompt[0]}'"
        missing.append(f"{os.path.relpath(n.filename, root) if os.path.isabs(n.filename) else n.filename}:"
                       f"{n.linenr}: {name}")
for m in missing:
    print("no help:", m)
print(f"{total - len(missing)} of {total} options have a help text")
sys.exit(1 if missing else 0)
