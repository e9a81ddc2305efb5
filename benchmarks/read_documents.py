"""How long reading a response from its document takes (reading/, issue 21): a table-layout PDF of
about 20 pages and the same response as Word, from the bytes to the interchange data.

Run from the repository root:

    .venv/bin/python benchmarks/read_documents.py [--runs 5]

A throwaway SQLite database in a temporary folder (nothing of yours is touched), with a response
made by benchmarks/synthetic.py (60 recommendations, 5 actions with 3 parts each, long Markdown
narratives with lists, links and footnotes), rendered once to PDF (WeasyPrint) and to Word.
Each time is the median of --runs and includes everything a reading pays: the child process that
opens the document within its bounds (core/bounded.py), pdfplumber's or python-docx's work, and
the table reader. Beside them, the machine's speed (a fixed pure-Python loop, before and after).
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
WORK = tempfile.TemporaryDirectory(prefix="reading-benchmark-")

os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from synthetic import synthetic_response  # noqa: E402  benchmarks/synthetic.py


def loop():
    start = time.perf_counter()
    total = 0
    for i in range(3_000_000):
        total += i % 7
    return time.perf_counter() - start


def median(make, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = make()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main():
    from document import pdf
    from office.word import docx_bytes
    from reading.read import read_document
    from reading.source import read_source

    call_command("migrate", verbosity=0)
    before = loop()
    response = synthetic_response(actions=5, parts=3, groups=3, themes_per_group=5, recommendations=60)
    pdf_data = pdf.render_pdf(response)
    docx_data = docx_bytes(response)
    read_document(pdf_data, "warm.pdf")  # the fork server's start, once per process
    source = read_source(pdf_data, "response.pdf")
    print(f"Python {platform.python_version()}, {os.cpu_count()} cores; loop {before:.2f} s")
    print(
        f"PDF: {source.pages} pages, {len(source.lines)} lines, {len(source.tables)} tables, {len(pdf_data) // 1024} kB"
    )
    seconds, _source = median(lambda: read_source(pdf_data, "response.pdf"), ARGS.runs)
    print(f"  open the PDF (lines, tables, links):  {seconds:.2f} s ({seconds / source.pages * 1000:.0f} ms a page)")
    seconds, found = median(lambda: read_document(pdf_data, "response.pdf"), ARGS.runs)
    recommendations = sum(len(t["recommendations"]) for g in found.data["groups"] for t in g["themes"])
    print(f"  read the PDF (open + table reader):   {seconds:.2f} s ({recommendations} recommendations)")
    seconds, _found = median(lambda: read_document(docx_data, "response.docx"), ARGS.runs)
    print(f"  read the Word document ({len(docx_data) // 1024} kB):       {seconds:.2f} s")
    print(f"loop after: {loop():.2f} s")


if __name__ == "__main__":
    main()
