"""How long the worst Markdown inputs take to render, before and after issue 9, and what
an import of a hostile or a very large file costs in time and peak memory.

Run from the repository root:

    .venv/bin/python benchmarks/hostile.py                 # after only: a few seconds
    .venv/bin/python benchmarks/hostile.py --before        # also the renderer of d0d60f0 (~10 minutes)

``--before`` loads core/richtext.py as it was at commit d0d60f0 (Python-Markdown),
from git, and times it in a child process per input, stopped after ``--timeout``
seconds. The import figures use tracemalloc (peak of Python allocations).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")

import django  # noqa: E402

django.setup()

from core.richtext import render  # noqa: E402
from interchange.parse import InterchangeError, parse  # noqa: E402

OLD_COMMIT = "d0d60f0"

CASES = {
    "20,000 `[` (a recommendation text)": "'[' * 20_000",
    "100,000 `[` (a chapter: the introduction)": "'[' * 100_000",
    "99,000 `[` (through the preview)": "'[' * 99_000",
    "19,000 footnote calls": "'Tekst' + '[^1]' * 19_000 + '\\n\\n[^1]: De noot.'",
    "50,000 `![`": "'![' * 50_000",
    "nested brackets, 50,000 deep": "'[' * 50_000 + 'a' + ']' * 49_999",
    "14,000 `*a **b `": "'*a **b ' * 14_000",
    "100,000 `<`": "'<' * 100_000",
    "50,000 backtick pairs": "'`a' * 50_000",
    "16,000 unclosed links `[a](b `": "'[a](b ' * 16_000",
}

CHILD = """
import sys, time
sys.path.insert(0, {old_dir!r})
import old_richtext
text = {expression}
start = time.perf_counter()
old_richtext.render(text, prefix="p", footnotes={mode!r})
print(time.perf_counter() - start)
"""


def time_new(expression, mode):
    text = eval(expression)
    start = time.perf_counter()
    render(text, prefix="p", footnotes=mode)
    return time.perf_counter() - start


def time_old(expression, mode, old_dir, timeout):
    code = CHILD.format(old_dir=old_dir, expression=expression, mode=mode)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup();" + code],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return None
    return float(done.stdout.strip().splitlines()[-1])


def seconds(value, timeout=None):
    if value is None:
        return f"> {timeout} s (stopped)"
    return f"{value:.2f} s" if value >= 0.1 else f"{value * 1000:.0f} ms"


ALIAS_BOMB = "\n".join(
    [
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
        *(f"{n}: &{n} [{','.join(['*' + p] * 9)}]" for p, n in zip("abcdefgh", "bcdefghi", strict=True)),
    ]
)


def large_file():
    """A valid file near the size cap: 380 recommendations of 19,900 characters each."""
    seed = (ROOT / "responses/seed/leerecosystemen.yaml").read_text(encoding="utf-8")
    head, _groups, _tail = seed.partition("\ngroups:\n")
    recs = "".join(
        f"          - location: p. {i}\n            text: {'x' * 19_900}\n            agreement: agree\n"
        for i in range(380)
    )
    return (
        f"{head}\ngroups:\n  - title: Groot\n    themes:\n      - heading: Thema\n        recommendations:\n{recs}...\n"
    )


def parse_outcome(raw, source):
    try:
        parse(raw, source=source)
    except InterchangeError as exc:
        return exc.errors[0].split(": ", 2)[-1][:60]
    return "accepted"


def measure_parse(raw, source):
    """Time without tracemalloc (it slows Python allocations down many times), then the peak with it."""
    start = time.perf_counter()
    outcome = parse_outcome(raw, source)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    parse_outcome(raw, source)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak, outcome


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help=f"also time the renderer of {OLD_COMMIT}")
    parser.add_argument("--timeout", type=int, default=60, help="stop one 'before' rendering after this long")
    args = parser.parse_args()

    old_dir = None
    if args.before:
        old_dir = tempfile.mkdtemp(prefix="hostile-before-")
        source = subprocess.run(
            ["git", "show", f"{OLD_COMMIT}:core/richtext.py"], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
        Path(old_dir, "old_richtext.py").write_text(source, encoding="utf-8")

    print("| input | footnotes | before | after |")
    print("|---|---|---|---|")
    for name, expression in CASES.items():
        for mode in ("end", "inline"):
            after = time_new(expression, mode)
            # The old renderer did the same Markdown work in both modes: time it once, for the screen.
            run_before = old_dir and mode == "end"
            before = time_old(expression, mode, old_dir, args.timeout) if run_before else None
            shown = seconds(before, args.timeout) if run_before else "(as above)" if old_dir else "not run"
            print(f"| {name} | {mode} | {shown} | {seconds(after)} |", flush=True)

    print()
    print("| file | size | outcome | time | peak memory |")
    print("|---|---|---|---|---|")
    seed = (ROOT / "responses/seed/leerecosystemen.yaml").read_bytes()
    files = {
        "the seed": seed,
        "alias bomb": ALIAS_BOMB.encode(),
        "10,000 nested lists": ("x: " + "[" * 10_000 + "]" * 10_000 + "\n...\n").encode(),
        "seed cut in half": seed[: len(seed) // 2],
        "a 2 MB recommendation text": seed.replace(b"text: Blijf", b"text: " + b"x" * 2_000_000 + b" Blijf", 1),
        "largest valid file (380 recommendations of 19,900 characters)": large_file().encode(),
    }
    for name, raw in files.items():
        elapsed, peak, outcome = measure_parse(raw, name)
        print(f"| {name} | {len(raw) / 1024:,.0f} kB | {outcome} | {seconds(elapsed)} | {peak / 2**20:.1f} MB |")


if __name__ == "__main__":
    main()
