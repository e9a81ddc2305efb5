"""How long the office formats of a large response take: the tracking table (XLSX, CSV), the
recommendations template (written, then read back) and the Word document.

Run from the repository root:

    .venv/bin/python benchmarks/office_formats.py [--runs 5]

A throwaway SQLite database in a temporary folder (nothing of yours is touched), with the
synthetic response of benchmarks/synthetic.py (300 recommendations, 24 actions with 3 parts
each, long Markdown narratives). Each time is the median of --runs; beside them, the machine's
speed (a fixed pure-Python loop, before and after: the machine's speed drifts, see README.md).
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--runs", type=int, default=5)
ARGS = parser.parse_args()
ROOT = Path(__file__).resolve().parent.parent
WORK = tempfile.TemporaryDirectory(prefix="office-benchmark-")

os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from synthetic import synthetic_response  # noqa: E402  benchmarks/synthetic.py

from office import sheet, table, word  # noqa: E402
from recommendations.models import Recommendation  # noqa: E402


def loop():
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return time.perf_counter() - start


def median(fn):
    times = []
    for _i in range(ARGS.runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    call_command("migrate", verbosity=0)
    response = synthetic_response()
    # The synthetic response leaves partial agreements without a justification, which an import
    # refuses (as the agreement form does): mark them as printed so, to read the template back.
    Recommendation.objects.filter(response=response, agreement="partially_agree", justification="").update(
        justification_not_in_source=True
    )
    before = loop()
    rows = len(list(table.rows([response])))
    figures = [
        ("tracking table, XLSX", *median(lambda: len(table.xlsx_bytes(table.rows([response]))))),
        ("tracking table, CSV", *median(lambda: sum(len(b) for b in table.csv_lines(table.rows([response]))))),
        ("recommendations template, filled", *median(lambda: len(sheet.template_bytes(response)))),
    ]
    data = sheet.template_bytes(response)
    figures.append(("recommendations template, read back", *median(lambda: len(sheet.read(data, response=response)))))
    figures.append(("Word document", *median(lambda: len(word.docx_bytes(response)))))
    after = loop()
    print(f"{platform.node()} · Python {platform.python_version()} · loop {before * 1000:.0f} / {after * 1000:.0f} ms")
    print(f"300 recommendations, {rows} table rows\n")
    print("| | median | size |\n|---|---|---|")
    for name, seconds, size in figures:
        unit = "rows" if "read back" in name else "bytes"
        print(f"| {name} | {seconds * 1000:.0f} ms | {size:,} {unit} |")


if __name__ == "__main__":
    main()
