"""How long the PDF export takes: the seed, a ~100-page response, and a cached export.

Run from the repository root:

    DEBUG=1 .venv/bin/python benchmarks/pdf.py [--runs 7]

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

ROOT = Path(__file__).resolve().parent.parent
WORK = tempfile.TemporaryDirectory(prefix="pdf-benchmark-")

# Before Django reads its settings: our own database and cache, nothing shared.
os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ["PDF_CACHE_BACKEND"] = "django.core.cache.backends.locmem.LocMemCache"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from synthetic import synthetic_response  # noqa: E402  benchmarks/synthetic.py

from actions.models import Action  # noqa: E402
from document import pdf  # noqa: E402
from interchange.importer import import_file  # noqa: E402
from recommendations.models import Recommendation  # noqa: E402

SEED = ROOT / "responses" / "seed" / "leerecosystemen.yaml"


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
    args = parser.parse_args()

    for key, value in machine().items():
        print(f"{key:20} {value}")
    call_command("migrate", verbosity=0)
    seed = import_file(SEED, replace=True)
    rows = []  # (measurement, pages, figure)

    # 1. The seed: the first render pays for importing WeasyPrint and loading fonts; then warm renders.
    start = time.perf_counter()
    pdf.render_pdf(seed)
    cold = time.perf_counter() - start
    seed_times, data = timed(lambda: pdf.render_pdf(seed), args.runs)
    seed_pages = page_count(data)
    rows.append(("seed, first render in a fresh process (WeasyPrint import included)", seed_pages, f"{cold:.2f} s"))
    rows.append(
        (
            f"seed, warm process, median of {args.runs} (min {min(seed_times):.2f}, max {max(seed_times):.2f})",
            seed_pages,
            f"{statistics.median(seed_times):.2f} s",
        )
    )

    # 2. A large response.
    large = synthetic_response()
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

    # 3. Cached exports, as production runs them (renderer version computed once per process).
    with override_settings(DEBUG=False):
        pdf.cached_pdf(seed)
        pdf.cached_pdf(large)
        cached, _ = timed(lambda: pdf.cached_pdf(seed), 50)
        large_cached, _ = timed(lambda: pdf.cached_pdf(large), 20)
        client = Client()
        url = reverse("document:pdf", args=[seed.slug])
        view, http = timed(lambda: client.get(url, SERVER_NAME="localhost"), 50)
        etag = http["ETag"]
        not_modified, http304 = timed(lambda: client.get(url, SERVER_NAME="localhost", HTTP_IF_NONE_MATCH=etag), 50)
    assert http.status_code == 200
    assert http304.status_code == 304
    rows.append(("cached export of the seed (`cached_pdf`), median of 50", seed_pages, ms(statistics.median(cached))))
    rows.append(
        ("cached export of the synthetic response, median of 20", large_pages, ms(statistics.median(large_cached)))
    )
    rows.append(
        ("`GET /responses/leerecosystemen/pdf/` from the cache, median of 50", seed_pages, ms(statistics.median(view)))
    )
    rows.append(("the same with `If-None-Match` (304), median of 50", "–", ms(statistics.median(not_modified))))

    print()
    print("| measurement | pages | time |")
    print("|---|---|---|")
    for measurement, pages, figure in rows:
        print(f"| {measurement} | {pages} | {figure} |")
    WORK.cleanup()


if __name__ == "__main__":
    assert settings.DATABASES["default"]["NAME"].startswith(WORK.name)  # never a real database
    main()
