"""How long ``import_response`` takes on a large interchange file (the upload's confirm, the task).

Run from the repository root:

    .venv/bin/python benchmarks/importing.py [--recommendations 1000] [--actions 250] [--runs 3] [--profile]

A throwaway SQLite database in a temporary folder (or PostgreSQL: ``--postgres`` starts a throwaway
cluster with tests/pgserver.py). The synthetic response of benchmarks/synthetic.py (by default
1,000 recommendations and 250 actions with 3 parts each: 1,000 actions) is exported with
``interchange.exporter.export_response``, deleted, and the file is parsed and imported again,
``--runs`` times (the imported response is deleted between runs). Prints the file's size, the
median parse and import times, the queries of one import, and the machine's speed (a fixed
pure-Python loop) before and after. ``--profile`` prints cProfile's top functions for one import.
"""

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--recommendations", type=int, default=1000)
parser.add_argument("--actions", type=int, default=250, help="top-level actions; each has 3 parts")
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--profile", action="store_true")
parser.add_argument("--profile-filter", default="", help="only the profiled functions whose file matches")
parser.add_argument("--postgres", action="store_true")
ARGS = parser.parse_args()
ROOT = Path(__file__).resolve().parent.parent
WORK = tempfile.TemporaryDirectory(prefix="import-benchmark-")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SERVER = None
if ARGS.postgres:
    from tests.pgserver import Cluster

    SERVER = Cluster()
    SERVER.start()
    os.environ["DATABASE_URL"] = SERVER.url
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from synthetic import synthetic_response  # noqa: E402  benchmarks/synthetic.py

from core import revision  # noqa: E402
from interchange.exporter import export_response  # noqa: E402
from interchange.importer import import_response  # noqa: E402
from interchange.parse import parse  # noqa: E402
from responses.models import ManagementResponse  # noqa: E402


def loop_ms():
    start = time.perf_counter()
    sum(i * i for i in range(3_000_000))
    return (time.perf_counter() - start) * 1000


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def delete_all():
    with revision.batch():
        ManagementResponse.objects.all().delete()


def main():
    call_command("migrate", verbosity=0)
    groups, themes = 4, 10
    response = synthetic_response(
        actions=ARGS.actions, parts=3, groups=groups, themes_per_group=themes, recommendations=ARGS.recommendations
    )
    raw = export_response(response).encode()
    delete_all()
    before = loop_ms()
    parse_times, import_times = [], []
    queries = 0
    for run in range(ARGS.runs):
        start = time.perf_counter()
        parsed = parse(raw, source="synthetic.yaml")
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        if ARGS.profile and run == 0:
            profile = cProfile.Profile()
            profile.enable()
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            import_response(parsed=parsed)
        if ARGS.profile and run == 0:
            profile.disable()
        import_times.append(time.perf_counter() - start)
        queries = counter.count
        delete_all()
    after = loop_ms()
    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Django {django.get_version()}, {connection.vendor}"
    )
    print(f"machine speed: the loop took {before:.0f} ms before, {after:.0f} ms after")
    n_actions = ARGS.actions * 4
    print(f"file: {len(raw):,} bytes; {ARGS.recommendations} recommendations, {n_actions} actions")
    print(f"parse: median {statistics.median(parse_times):.2f} s of {ARGS.runs}")
    print(f"import_response: median {statistics.median(import_times):.2f} s of {ARGS.runs}, {queries:,} queries")
    if ARGS.profile:
        pstats.Stats(profile).sort_stats("cumulative").print_stats(ARGS.profile_filter, 40)
    if SERVER is not None:
        SERVER.stop()


if __name__ == "__main__":
    main()
