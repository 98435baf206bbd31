#!/usr/bin/python3
"""check_map.py on made-up build directories: an enabled component nothing
calls passes (listed as unused); a disabled one in the map, or an enabled
one never built, fails.

    check_map_cases.py
"""
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))


def run(config, map_libs, built):
    with tempfile.TemporaryDirectory() as b:
        with open(f"{b}/.config", "w") as f:
            f.write(config)
        with open(f"{b}/image.map", "w") as f:
            f.writelines(f" .text 0x0 0x10 components/{n}/lib{n}.a(x.c.o)\n" for n in map_libs)
        for n in built:
            os.makedirs(f"{b}/components/{n}")
            open(f"{b}/components/{n}/lib{n}.a", "w").close()
        r = subprocess.run([sys.executable, f"{here}/check_map.py", b], capture_output=True, text=True)
    return r.returncode, r.stdout


failures = []
cases = [
    ("enabled, unused", "CONFIG_KLIB=y\nCONFIG_SYNC=y\n", ["klib"], ["klib", "sync"], 0, "unused"),
    ("disabled, linked", "CONFIG_KLIB=y\n", ["klib", "sync"], ["klib", "sync"], 1, "sync is disabled"),
    ("enabled, not built", "CONFIG_KLIB=y\nCONFIG_SYNC=y\n", ["klib"], ["klib"], 1, "libsync.a was not built"),
]
for name, config, map_libs, built, want_rc, want_text in cases:
    rc, out = run(config, map_libs, built)
    print(f"--- {name}: exit {rc}\n{out}")
    if rc != want_rc or want_text not in out:
        failures.append(f"{name}: exit {rc} (want {want_rc}), {want_text!r} {'' if want_text in out else 'not '}printed")
for f in failures:
    print("FAILED:", f)
sys.exit(1 if failures else 0)
