"""How long a YAML export of a large response takes: ``export_response`` on 300 recommendations.

Run from the repository root:

    .venv/bin/python benchmarks/export.py [--runs 30]

A throwaway SQLite database in a temporary folder (nothing of yours is touched), with the
synthetic response of benchmarks/synthetic.py (300 recommendations, 24 actions with 3 parts
each, long Markdown narratives). Times, each the median of --runs:

- ``export_response``: the whole export, the structure read from the database and written
  as YAML text (what the export view, ``manage.py export_response`` and publishing call);
- ``as_data`` alone (the 6 queries) and ``dump`` alone (the writing, on a structure read once).

Beside them, the machine's speed: the time of a fixed pure-Python loop, before and after
(the machine is a virtual machine whose speed drifts; see benchmarks/README.md).
Only functions that every version of interchange/format.py since the YAML writer has
(``export_response``, ``as_data``, ``dump``) are used, so the same script runs on an older
checkout for an A/B: copy it there, or run it with ``--root`` pointing at that checkout.
Prints the machine, a Markdown table and the export's size and SHA-256 (the same bytes on
both sides mean the same output).
"""

import argparse
import hashlib
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=30)
parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent, help="the checkout to measure")
ARGS = parser.parse_args()
ROOT = ARGS.root.resolve()
WORK = tempfile.TemporaryDirectory(prefix="export-benchmark-")

os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
sys.path.insert(0, str(ROOT))  # the checkout's apps; synthetic.py is found beside this script

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402
from django.core.management import call_command  # noqa: E402
from synthetic import synthetic_response  # noqa: E402  benchmarks/synthetic.py

try:  # interchange/format.py since the apps were split; responses/interchange.py before
    from interchange import format as interchange  # noqa: E402
except ImportError:
    from responses import interchange  # noqa: E402


def loop_ms():
    """The machine's speed: a fixed pure-Python loop, as the other benchmarks time it."""
    start = time.perf_counter()
    sum(i * i for i in range(3_000_000))
    return (time.perf_counter() - start) * 1000


def median_ms(function, runs):
    function()  # warm: imports, first queries
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    runs = ARGS.runs
    call_command("migrate", verbosity=0)
    response = synthetic_response()
    data = interchange.as_data(response)
    text = interchange.export_response(response)

    before = loop_ms()
    rows = [
        ("`export_response` (as_data + dump)", median_ms(lambda: interchange.export_response(response), runs)),
        ("`as_data` (6 queries)", median_ms(lambda: interchange.as_data(response), runs)),
        ("`dump` (writing the YAML)", median_ms(lambda: interchange.dump(data), runs)),
    ]
    after = loop_ms()

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}, PyYAML {yaml.__version__} (libyaml: {yaml.__with_libyaml__}), SQLite"
    )
    print(f"checkout: {ROOT}")
    print(f"machine speed: the loop took {before:.0f} ms before, {after:.0f} ms after")
    print(
        f"export: {len(text.encode()):,} bytes, {text.count(chr(10)):,} lines, sha256 {hashlib.sha256(text.encode()).hexdigest()[:16]}"
    )
    print(f"median of {runs} runs each\n")
    print("| 300 recommendations, 96 actions | median |")
    print("|---|---|")
    for name, ms in rows:
        print(f"| {name} | {ms:.1f} ms |")


if __name__ == "__main__":
    main()
