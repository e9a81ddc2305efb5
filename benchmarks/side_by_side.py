"""Two checkouts measured in one run, alternating: pages.py, editing.py and export.py of each.

Run from the repository root, with an older checkout beside it (a git worktree with its
compiled messages, and benchmarks/export.py copied in if it has none):

    .venv/bin/python benchmarks/side_by_side.py --old /tmp/old-yaml [--rounds 2]

Each round runs every benchmark once for each checkout, the order reversed every other
round (old, new; then new, old), so that a drift of the machine's speed falls on both
sides. Before and after each benchmark, the machine's speed: the time of a fixed
pure-Python loop, as the other benchmarks give it, and the load average. Each benchmark's
own output goes to --out (one file per run, named round-side-script.txt); this prints the
loop times and load beside each file name.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCHMARKS = {
    "pages": (["benchmarks/pages.py", "--duration", "8", "--misses", "40"], {}),
    "editing": (["benchmarks/editing.py"], {"DEBUG": "1"}),
    "export": (["benchmarks/export.py"], {}),
}


def loop_ms():
    start = time.perf_counter()
    sum(i * i for i in range(3_000_000))
    return (time.perf_counter() - start) * 1000


def load():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--old", type=Path, required=True, help="the older checkout")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("/tmp/side-by-side"))
    parser.add_argument("--only", nargs="*", choices=list(BENCHMARKS), default=list(BENCHMARKS))
    options = parser.parse_args()
    options.out.mkdir(parents=True, exist_ok=True)
    sides = {"old": options.old.resolve(), "new": ROOT}
    for round_number in range(1, options.rounds + 1):
        order = ["old", "new"] if round_number % 2 else ["new", "old"]
        for name in options.only:
            args, extra_env = BENCHMARKS[name]
            for side in order:
                root = sides[side]
                before, load_before = loop_ms(), load()
                target = options.out / f"{round_number}-{side}-{name}.txt"
                env = {**os.environ, **extra_env}
                env.pop("DJANGO_SETTINGS_MODULE", None)
                started = time.monotonic()
                with target.open("w") as output:
                    result = subprocess.run(
                        [str(root / ".venv/bin/python"), *args],
                        cwd=root,
                        env=env,
                        stdout=output,
                        stderr=subprocess.STDOUT,
                    )
                after, load_after = loop_ms(), load()
                print(
                    f"round {round_number} {side:3} {name:7} exit {result.returncode} "
                    f"{time.monotonic() - started:5.0f} s; loop {before:.0f} -> {after:.0f} ms; "
                    f"load {load_before} -> {load_after}; {target}",
                    flush=True,
                )


if __name__ == "__main__":
    sys.exit(main())
