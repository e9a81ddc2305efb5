"""How long the public register takes with 300 published responses the size of the seed.

Run from the repository root:

    DEBUG=1 .venv/bin/python benchmarks/public_register.py [--runs 20]

A throwaway SQLite database with 300 published responses, each with one version whose snapshot is
the seed's (19 recommendations, 30 actions and parts, 37 KB of YAML) under its own slug and title.
Requests go through Django's test client as an anonymous visitor. Prints the time to build the
entries (the first requests after the versions appear), then median and p95 of the register page
(plain, searched, filtered), the feed, a CSV and the zip of the whole register, with query counts
and sizes.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = tempfile.TemporaryDirectory(prefix="register-benchmark-")
os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

from interchange.exporter import export_response  # noqa: E402
from interchange.importer import import_file  # noqa: E402
from register import entries  # noqa: E402
from register.models import Entry  # noqa: E402
from responses.models import ManagementResponse, ResponseVersion  # noqa: E402

SEED = ROOT / "responses" / "seed" / "leerecosystemen.yaml"
ORGANISATIONS = ["Europa WSE", "UNDP", "UNICEF", "FAO", "VDAB"]


def generate(count):
    seed = import_file(SEED)
    snapshot = export_response(seed)
    responses = ManagementResponse.objects.bulk_create(
        ManagementResponse(
            slug=f"response-{index:03}",
            title=f"Managementresponse {index:03}",
            organisation=ORGANISATIONS[index % len(ORGANISATIONS)],
            evaluation_title=f"Evaluatie {index:03}",
            status="published",
        )
        for index in range(count)
    )
    for response in responses:
        text = snapshot.replace("slug: leerecosystemen", f"slug: {response.slug}", 1)
        text = text.replace(f"title: {seed.title}", f"title: {response.title}", 1)
        text = text.replace("organisation: Europa WSE", f"organisation: {response.organisation}", 1)
        ResponseVersion.objects.create(response=response, number=1, note="Eerste versie", snapshot=text, pdf=b"%PDF")


def timed(client, url, runs, stream=False):
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        answer = client.get(url)
        body = b"".join(answer.streaming_content) if stream else answer.content
        times.append((time.perf_counter() - start) * 1000)
        size = len(body)
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
        if stream:
            b"".join(answer.streaming_content)
    times.sort()
    p95 = times[min(len(times) - 1, round(len(times) * 0.95))]
    return statistics.median(times), p95, len(queries), size


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--responses", type=int, default=300)
    args = parser.parse_args()
    with override_settings(ALLOWED_HOSTS=["testserver"]):
        call_command("migrate", verbosity=0)
        generate(args.responses)
        client = Client()
        print(f"{platform.python_implementation()} {platform.python_version()}, SQLite, {args.responses} responses")
        start = time.perf_counter()
        client.get("/register/")
        first = (time.perf_counter() - start) * 1000
        print(f"first request (builds {entries.PER_REQUEST} entries): {first:.0f} ms")
        start = time.perf_counter()
        entries.ensure_entries(entries.latest_published_versions(), limit=None)
        print(f"the other {Entry.objects.count() - entries.PER_REQUEST} entries: {(time.perf_counter() - start):.2f} s")
        print(f"{'':32} {'median':>8} {'p95':>8} {'queries':>8} {'bytes':>10}")
        for name, url, stream in [
            ("register page", "/register/", False),
            ("search 'monitoring'", "/register/?q=monitoring", False),
            ("filter UNDP, partially agreed", "/register/?organisation=UNDP&agreement=partially_agree", False),
            ("feed", "/register/feed/", False),
            ("recommendations.csv", "/register/data/recommendations.csv", True),
            ("open-data.zip", "/register/data/open-data.zip", True),
        ]:
            runs = max(3, args.runs // 4) if name == "open-data.zip" else args.runs
            median, p95, queries, size = timed(client, url, runs, stream)
            print(f"{name:32} {median:7.1f}ms {p95:7.1f}ms {queries:8} {size:10}")


if __name__ == "__main__":
    main()
