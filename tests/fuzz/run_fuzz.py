#!/usr/bin/python3
"""Run one libFuzzer target for a bounded time, over its checked-in seeds.

    run_fuzz.py --name N --fuzzer EXE --seeds DIR --work DIR --seconds S [--max-len L] [-- ARGS]

KIT_FUZZ_SECONDS in the environment overrides --seconds (make fuzz). New
inputs go to WORK/corpus (kept between runs), crashes to WORK/ with the
command that replays them. Prints one summary line (also WORK/summary.txt):
inputs run, inputs per second, corpus size, peak memory. Exits with the
fuzzer's status.
"""

import argparse
import os
import re
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--name", required=True)
    ap.add_argument("--fuzzer", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--seconds", type=int, required=True)
    ap.add_argument("--max-len", type=int, default=4096)
    ap.add_argument("args", nargs="*", help="more libFuzzer options")
    args = ap.parse_args()

    seconds = int(os.environ.get("KIT_FUZZ_SECONDS") or args.seconds)
    corpus = os.path.join(args.work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    cmd = [args.fuzzer, f"-max_total_time={seconds}", f"-max_len={args.max_len}",
           "-print_final_stats=1", f"-artifact_prefix={args.work}/", *args.args, corpus, args.seeds]
    print("run_fuzz.py:", " ".join(cmd), flush=True)
    start = time.monotonic()
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=seconds + 300)
        out, status = proc.stdout.decode("utf-8", "replace"), proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode("utf-8", "replace")
        status = -1
        out += f"\nrun_fuzz.py: the fuzzer did not stop within {seconds + 300} s\n"
    elapsed = time.monotonic() - start
    stats = dict(re.findall(r"^stat::(\w+):\s*(\d+)", out, re.M))
    if status != 0:
        sys.stdout.write(out[-20000:])
        m = re.search(r"Test unit written to (\S+)", out)
        if m:
            print(f"run_fuzz.py: replay with: {args.fuzzer} {m.group(1)}")
        print(f"FUZZ FAILED ({args.name}): the fuzzer exited with status {status}")
        return 1
    execs = int(stats.get("number_of_executed_units", 0))
    summary = (f"fuzz {args.name}: {execs} inputs in {elapsed:.0f} s "
               f"({stats.get('average_exec_per_sec', '?')}/s), corpus {len(os.listdir(corpus))} inputs "
               f"({stats.get('new_units_added', '?')} new), peak RSS {stats.get('peak_rss_mb', '?')} MiB")
    print(summary)
    with open(os.path.join(args.work, "summary.txt"), "w") as f:
        f.write(summary + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
