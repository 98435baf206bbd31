#!/usr/bin/python3
"""Make the skeleton of an app that lives outside the kit's tree (make
new-app NAME=<name> [DIR=<dir>]; docs/apps.md):

    new_app.py --root KIT_ROOT --name NAME [--dir DIR]

DIR (default: ../NAME next to the kit; not in the kit's tree, except
under build/, which is scratch) gets CMakeLists.txt, Kconfig,
main.c, app.config, expected.txt and README.md. The app then builds on
every board (make run APP_DIR=DIR PLATFORM=<board>) and make check-app
boots it on each and matches expected.txt.
"""
import argparse
import glob
import os
import re
import sys

CMAKELISTS = """\
# {name}: an app built against unikit from outside its tree (the kit's
# docs/apps.md). From the kit's folder:
#   make run APP_DIR={dir} [PLATFORM=<board>]
#   make check-app APP_DIR={dir}       boot it on every board, match expected.txt
#
# kit_app() is all this file needs. SOURCES are the app's C files, compiled
# with the kit's flags (C11, -Wall -Wextra -Werror, -Wmissing-prototypes:
# a function that only main.c uses is static). DEPS are the components the
# app calls: each must also be enabled by the configuration (app.config),
# or the build stops naming it. INITRD file APPEND "..." would give the
# image an initrd and a command line by default.
kit_app(SOURCES main.c DEPS klib hal)
"""

KCONFIG = """\
# {name}'s own options. Optional: an app needs no Kconfig. They show under
# "Application" in menuconfig while the app is selected, and are set in
# app.config like any other option.
if APP_EXTERNAL

config {sym}_GREETING
	string "What {name} prints"
	default "hello from {name}"
	help
	  An example option of {name}: its main.c prints it. Change it in
	  app.config, in menuconfig, or for one build with
	  make run APP_DIR=... CONFIG_{sym}_GREETING="...".

endif
"""

MAIN_C = """\
/* {name}: app_main() runs once every enabled component is initialised. */
#include <hal/platform.h>
#include <kit/kit.h>
#include <klib/printf.h>

int app_main(void)
{{
	kprintf("{name}: %s on %s\\n", CONFIG_{sym}_GREETING, hal_platform_name());
	kprintf("{name}: components %s\\n", kit_components);
	return 0; /* the image's exit status */
}}
"""

APP_CONFIG = """\
# {name}'s configuration: loaded on top of a board's fragment (the kit's
# configs/boards/<board>.config) for every board. Enable here each component
# the app calls (DEPS in CMakeLists.txt) that is not on by default, e.g.
# CONFIG_TASK=y. A file <board>_defconfig in this folder replaces this
# pair on that board.
# boards: every board
CONFIG_APP_EXTERNAL=y
"""

EXPECTED = """\
# What a boot of {name} must print, in order: one Python regular
# expression per line. make check-app boots the app on every board and
# matches these; expected-<board>.txt, if present, replaces this file on
# that board. A line '# exit-status: N' expects app_main to return N.
^{name}: hello from {name} on \\S+$
^{name}: components .*klib
"""

README = """\
# {name}

An app for unikit, kept outside the kit's tree. From the kit's folder:

```sh
make run APP_DIR={dir} PLATFORM=host      # build and run it on one board
make check-app APP_DIR={dir}              # build and boot it on every board, match expected.txt
```

- `CMakeLists.txt`: `kit_app(SOURCES ... DEPS ...)`, the app's sources and
  the components it calls.
- `app.config`: the configuration on top of each board's; a component in
  DEPS must be enabled here (or by the board). `<board>_defconfig` here
  replaces it for one board.
- `Kconfig` (optional): the app's own options.
- `expected.txt`: what a boot must print (regular expressions, in order).

Builds land in the kit's `build/<board>_{name}/` (image, `image.map`,
`.config`, `compile_commands.json`).
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--dir")
    args = ap.parse_args()
    root, name = os.path.abspath(args.root), args.name
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,40}", name):
        sys.exit(f"new-app: NAME={name!r}: use lower-case letters, digits and '-', starting with a letter")
    sym = name.upper().replace("-", "_")
    taken = {os.path.basename(p) for p in glob.glob(f"{root}/components/*") + glob.glob(f"{root}/apps/*")}
    if name in taken:
        sys.exit(f"new-app: {name} is already a component or an app of the kit: pick another NAME")
    target = os.path.abspath(args.dir or os.path.join(root, "..", name))
    scratch = os.path.join(root, "build")
    if os.path.commonpath([target, root]) == root and os.path.commonpath([target, scratch]) != scratch:
        sys.exit(f"new-app: {target} is inside the kit's tree; an app of the kit goes in apps/ "
                 f"(docs/getting-started.md), this one outside it: give DIR=")
    if os.path.exists(target) and os.listdir(target):
        sys.exit(f"new-app: {target} exists and is not empty")
    os.makedirs(target, exist_ok=True)
    # How the kit's folder names it: ../name beside the kit, else absolute.
    shown = os.path.relpath(target, root) if os.path.dirname(target) == os.path.dirname(root) else target
    files = {"CMakeLists.txt": CMAKELISTS, "Kconfig": KCONFIG, "main.c": MAIN_C, "app.config": APP_CONFIG,
             "expected.txt": EXPECTED, "README.md": README}
    for fname, text in files.items():
        with open(os.path.join(target, fname), "w") as f:
            f.write(text.format(name=name, sym=sym, dir=shown))
    print(f"new-app: {target}: {', '.join(files)}")
    print(f"  make run APP_DIR={shown} PLATFORM=host   # one board")
    print(f"  make check-app APP_DIR={shown}           # every board, matching expected.txt")


if __name__ == "__main__":
    main()
