#!/usr/bin/python3
"""Check an image's linker map against its configuration: no object of a
component that the configuration disables may be in the image, and each
enabled component with code must have been built. An enabled component
that nothing in the image calls is legitimately absent (the linker takes
from a static library only the objects something refers to): it is listed
as unused, not reported. Prints what it found.

    check_map.py [--disabled-only] BUILD_DIR

--disabled-only checks only that nothing disabled is linked in (random
configurations use it).
"""
import os
import re
import sys


def main():
    args = sys.argv[1:]
    disabled_only = "--disabled-only" in args
    build = [a for a in args if a != "--disabled-only"][0]
    root = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    with open(os.path.join(build, ".config")) as f:
        config = f.read()
    with open(os.path.join(build, "image.map")) as f:
        linked = set(re.findall(r"lib([A-Za-z0-9_-]+)\.a\(", f.read()))
    problems = []
    for name in sorted(os.listdir(os.path.join(root, "components"))):
        cdir = os.path.join(root, "components", name)
        if not os.path.isfile(os.path.join(cdir, "CMakeLists.txt")):
            continue
        sym = "CONFIG_" + name.upper().replace("-", "_")
        enabled = re.search(rf"^{sym}=y$", config, re.M) is not None
        src = os.path.join(cdir, "src")
        has_code = os.path.isdir(src) and any(n.endswith((".c", ".S")) for n in os.listdir(src))
        in_map = name in linked
        built = os.path.isfile(os.path.join(build, "components", name, f"lib{name}.a"))
        state = "linked" if in_map else ("unused (nothing calls it)" if enabled and has_code else "-")
        print(f"{name:12} {'enabled ' if enabled else 'disabled'} {state}")
        if not enabled and in_map:
            problems.append(f"{name} is disabled but lib{name}.a objects are in the image")
        if enabled and has_code and not built and not disabled_only:
            problems.append(f"{name} is enabled but lib{name}.a was not built")
    for p in problems:
        print("MAP CHECK FAILED:", p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
