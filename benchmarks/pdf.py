"""How long the PDF export takes: the seed (in the table and the matrix layout), a ~100-page
response, and a cached export.

Run from the repository root:

    DEBUG=1 .venv/bin/python benchmarks/pdf.py [--runs 7] [--matrix-runs 3]

It works in a throwaway SQLite database and an in-memory PDF cache (both made
here, in a temporary folder), so it touches nothing of yours. It prints the
machine, the figures, and a Markdown table for benchmarks/README.md.
"""

import argparse
import contextlib
import ctypes.util
import datetime
import importlib.metadata
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "responses" / "seed" / "leerecosystemen.yaml"


def set_up():
    """Our own database and cache, nothing shared; then Django. Only when run as a script: every
    render's process imports this module again as its main module (core/bounded.py), and must not
    make a database of its own."""
    work = tempfile.TemporaryDirectory(prefix="pdf-benchmark-")
    os.environ["DATABASE_URL"] = f"sqlite:///{work.name}/benchmark.sqlite3"
    os.environ["PDF_CACHE_BACKEND"] = "django.core.cache.backends.locmem.LocMemCache"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings

    assert settings.DATABASES["default"]["NAME"].startswith(work.name)  # never a real database
    return work


def page_count(data: bytes) -> int:
    """Pages of a PDF, counted in its (compressed) objects."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(data[match.end() :]))
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", b"\n".join(parts)))


def timed(function, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return times, result


def machine():
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "date": datetime.datetime.now(datetime.UTC).date().isoformat(),
        "cpu": cpu,
        "cores (nproc)": os.cpu_count(),
        "python": platform.python_version(),
        "weasyprint": importlib.metadata.version("weasyprint"),
        "django": django.get_version(),
        "libharfbuzz-subset": bool(ctypes.util.find_library("harfbuzz-subset")),
    }


def ms(seconds):
    return f"{1000 * seconds:.1f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="renders of the seed to take the median of (default 7)")
    parser.add_argument("--large-runs", type=int, default=3, help="renders of the large response (default 3)")
    parser.add_argument(
        "--matrix-runs", type=int, default=3, help="renders of the seed in the matrix layout (default 3; 0: none)"
    )
    args = parser.parse_args()
    work = set_up()

    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse
    from synthetic import synthetic_response  # benchmarks/synthetic.py

    from actions.models import Action
    from document import pdf
    from interchange.importer import import_file
    from recommendations.models import Recommendation

    for key, value in machine().items():
        print(f"{key:20} {value}")
    print(f"{'load average':20} {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    call_command("migrate", verbosity=0)
    seed = import_file(SEED, replace=True)
    seed.refresh_from_db()  # the revision the import's last write gave it
    rows = []  # (measurement, pages, figure)

    # 1. The seed. Every render runs in a child of the render processes' fork server
    # (core/bounded.py): the first one starts that server (Django set up, WeasyPrint imported).
    start = time.perf_counter()
    pdf.render_pdf(seed)
    cold = time.perf_counter() - start
    seed_times, data = timed(lambda: pdf.render_pdf(seed), args.runs)
    seed_pages = page_count(data)
    rows.append(("seed, first render (starts the render processes' fork server)", seed_pages, f"{cold:.2f} s"))
    rows.append(
        (
            f"seed, median of {args.runs} (min {min(seed_times):.2f}, max {max(seed_times):.2f})",
            seed_pages,
            f"{statistics.median(seed_times):.2f} s",
        )
    )
    # What the bound costs: the same render without the child process (WeasyPrint in this process).
    from document import render_process

    html = pdf.breakable(pdf.printable(pdf.render_html(seed)))
    direct, _ = timed(lambda: render_process.write_pdf(html, None), args.runs)
    rows.append(
        (
            f"seed, WeasyPrint in this process, unbounded, median of {args.runs}: what the child process costs",
            seed_pages,
            f"{statistics.median(direct):.2f} s",
        )
    )

    # The seed in the matrix layout: its key actions' long narratives in the key-action tables
    # (benchmarks/README.md, "Matrix layout render time"). Back to its own layout afterwards.
    if args.matrix_runs:
        from responses.models import ManagementResponse

        ManagementResponse.objects.filter(pk=seed.pk).update(layout="matrix")
        matrix = ManagementResponse.objects.get(pk=seed.pk)
        matrix_times, data = timed(lambda: pdf.render_pdf(matrix), args.matrix_runs)
        matrix_pages = page_count(data)
        ManagementResponse.objects.filter(pk=seed.pk).update(layout=seed.layout)
        rows.append(
            (
                f"seed in the matrix layout, median of {args.matrix_runs} "
                f"(min {min(matrix_times):.2f}, max {max(matrix_times):.2f}; "
                f"{1000 * statistics.median(matrix_times) / matrix_pages:.0f} ms a page)",
                matrix_pages,
                f"{statistics.median(matrix_times):.2f} s",
            )
        )

    # 2. A large response.
    large = synthetic_response()
    large.refresh_from_db()
    large_times, data = timed(lambda: pdf.render_pdf(large), args.large_runs)
    large_pages = page_count(data)
    large_median = statistics.median(large_times)
    size = (
        f"{Recommendation.objects.for_response(large).count()} recommendations, "
        f"{Action.objects.filter(response=large).count()} actions and parts"
    )
    rows.append(
        (
            f"synthetic response ({size}), median of {args.large_runs} "
            f"({1000 * large_median / large_pages:.0f} ms a page)",
            large_pages,
            f"{large_median:.2f} s",
        )
    )

    # 3. Requests, as production serves them (renderer version computed once per process).
    with override_settings(DEBUG=False):
        client = Client()
        url = reverse("document:pdf", args=[seed.slug])
        pdf.cached_pdf(seed)
        pdf.cached_pdf(large)
        cached, _ = timed(lambda: pdf.cached_pdf(seed), 50)
        large_cached, _ = timed(lambda: pdf.cached_pdf(large), 20)
        view, http = timed(lambda: client.get(url, SERVER_NAME="localhost"), 50)
        assert http.status_code == 200, http.status_code
        etag = http["ETag"]
        not_modified, http304 = timed(lambda: client.get(url, SERVER_NAME="localhost", HTTP_IF_NONE_MATCH=etag), 50)
        assert http304.status_code == 304

        # A revision not rendered yet: the request queues one render and answers 202 at once.
        def after_an_edit():
            Recommendation.objects.for_response(seed).first().save()  # a new revision
            start = time.perf_counter()
            answer = client.get(url, SERVER_NAME="localhost")
            elapsed = time.perf_counter() - start
            assert answer.status_code == 202, answer.status_code
            return elapsed

        pending = [after_an_edit() for _ in range(20)]
    rows.append(("cached export of the seed (`cached_pdf`), median of 50", seed_pages, ms(statistics.median(cached))))
    rows.append(
        ("cached export of the synthetic response, median of 20", large_pages, ms(statistics.median(large_cached)))
    )
    rows.append(
        ("`GET /responses/leerecosystemen/pdf/` from the cache, median of 50", seed_pages, ms(statistics.median(view)))
    )
    rows.append(("the same with `If-None-Match` (304), median of 50", "–", ms(statistics.median(not_modified))))
    rows.append(
        (
            f"the same after an edit: 202 at once, a render queued (median of 20; max {1000 * max(pending):.1f} ms)",
            "–",
            ms(statistics.median(pending)),
        )
    )

    print()
    print("| measurement | pages | time |")
    print("|---|---|---|")
    for measurement, pages, figure in rows:
        print(f"| {measurement} | {pages} | {figure} |")
    work.cleanup()


if __name__ == "__main__":
    main()
