"""How long the editing round trips take: the pages editors open and the htmx saves.

Run from the repository root:

    DEBUG=1 .venv/bin/python benchmarks/editing.py [--runs 15]

A throwaway SQLite database in a temporary folder (nothing of yours is touched),
with the seed response and a synthetic one of 300 recommendations and 24 actions
with 3 parts each. Every request goes through Django's test client (routing,
middleware, session, permission checks, templates), logged in with the role that
does the work. Prints the machine and a Markdown table for benchmarks/README.md.
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
WORK = tempfile.TemporaryDirectory(prefix="editing-benchmark-")

os.environ["DATABASE_URL"] = f"sqlite:///{WORK.name}/benchmark.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from synthetic import synthetic_response  # noqa: E402  benchmarks/synthetic.py

from actions.models import Action  # noqa: E402
from interchange.importer import import_file  # noqa: E402
from recommendations.models import Recommendation  # noqa: E402
from responses.models import Membership  # noqa: E402

SEED = ROOT / "responses" / "seed" / "leerecosystemen.yaml"
HTMX = {"HX-Request": "true"}


SHOW = []  # --show-queries: names of requests whose queries (of the last run) are printed


def measure(client, method, url, runs, data=None, headers=None, expect=200, prepare=None, name=""):
    times, queries = [], 0
    for _ in range(runs):
        payload = prepare() if prepare else data
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            answer = getattr(client, method)(url, payload, headers=headers or {})
            times.append(time.perf_counter() - start)
        assert answer.status_code == expect, (url, answer.status_code)
        queries = len(captured.captured_queries)
    if any(part in name for part in SHOW):
        print(f"-- {name}: {queries} queries", file=sys.stderr)
        for query in captured.captured_queries:
            print("   ", query["sql"][:160], file=sys.stderr)
    return statistics.median(times), queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument(
        "--show-queries",
        action="append",
        default=[],
        metavar="TEXT",
        help="print the queries of requests named with TEXT",
    )
    args = parser.parse_args()
    runs = args.runs
    SHOW.extend(args.show_queries)

    call_command("migrate", verbosity=0)
    seed = import_file(SEED)
    large = synthetic_response()
    users = {}
    for name, role in (("eva", "evaluation_staff"), ("piet", "project_team")):
        user = get_user_model().objects.create_user(name, password="x")
        for response in (seed, large):
            Membership.objects.create(user=user, response=response, role=role)
        users[name] = Client()
        users[name].force_login(user)

    rows = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for label, response in (
            ("seed (19 recommendations, 15 actions)", seed),
            ("synthetic (300 recommendations, 96 actions)", large),
        ):
            eva, piet = users["eva"], users["piet"]
            rec = Recommendation.objects.for_response(response).order_by("pk").first()
            action = Action.objects.filter(response=response, parent=None).order_by("pk").first()

            def agreement_data(rec=rec):
                rec.refresh_from_db()
                return {"agreement": "agree", "justification": "", "version": rec.version}

            def status_data(action=action):
                action.refresh_from_db()
                return {"status": "in_progress", "status_note": "", "note": "", "version": action.version}

            cases = [
                ("document page, evaluation staff", eva, "get", response.get_absolute_url(), None, None),
                ("document page, project team", piet, "get", response.get_absolute_url(), None, None),
                (
                    "open the agreement form (htmx)",
                    eva,
                    "get",
                    reverse("recommendations:agreement", args=[rec.pk]),
                    None,
                    HTMX,
                ),
                (
                    "save an agreement (htmx)",
                    eva,
                    "post",
                    reverse("recommendations:agreement", args=[rec.pk]),
                    agreement_data,
                    HTMX,
                ),
                (
                    "recommendations editor page",
                    eva,
                    "get",
                    reverse("recommendations:manage", args=[response.slug]),
                    None,
                    None,
                ),
                ("save a status (htmx)", piet, "post", reverse("actions:status", args=[action.pk]), status_data, HTMX),
                ("action page, project team", piet, "get", action.get_absolute_url(), None, None),
                ("actions editor page", piet, "get", reverse("actions:manage", args=[response.slug]), None, None),
            ]
            for name, client, method, url, prepare, headers in cases:
                median, queries = measure(client, method, url, runs, headers=headers, prepare=prepare, name=name)
                rows.append((label, name, median, queries))

    print(
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, Django {django.get_version()}, SQLite"
    )
    print(f"median of {runs} runs each\n")
    print("| response | request | median | queries |")
    print("|---|---|---|---|")
    for label, name, median, queries in rows:
        print(f"| {label} | {name} | {median * 1000:.1f} ms | {queries} |")


if __name__ == "__main__":
    main()
