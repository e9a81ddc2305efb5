"""How long the follow-up pages take: the dashboard with 300 responses, the follow-up page of a
response with 200 actions.

Run from the repository root:

    DEBUG=1 .venv/bin/python benchmarks/dashboard.py [--runs 30] [--keep PATH]

A throwaway SQLite database (or PATH with --keep, to look at afterwards with
``DATABASE_URL=sqlite:///PATH manage.py runserver``; user ``bench``, password ``bench``)
holding the seed response, 300 generated responses (12 actions, 6 recommendations, progress
entries and owners each) and one response of 200 actions and parts. Requests go through
Django's test client (routing, middleware, session, permissions, templates) as a user who is
a member of every response. Prints median and p95 server time and the query counts.
"""

import argparse
import datetime
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = tempfile.TemporaryDirectory(prefix="dashboard-benchmark-")

_keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
os.environ["DATABASE_URL"] = f"sqlite:///{_keep or WORK.name + '/benchmark.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions.models import Action, ProgressUpdate  # noqa: E402
from interchange.importer import import_file  # noqa: E402
from recommendations.models import Recommendation  # noqa: E402
from responses.models import ManagementResponse, Membership  # noqa: E402

SEED = ROOT / "responses" / "seed" / "leerecosystemen.yaml"
STATUSES = ["to_start", "in_progress", "in_progress", "realised", "realised", "not_applicable", ""]
AGREEMENTS = ["agree", "agree", "agree", "partially_agree", "disagree", ""]
ORGANISATIONS = ["Europa WSE", "UNDP", "UNICEF", "FAO", "Departement WEAVER", "VDAB"]


def generate(count, user, rng):
    """``count`` responses with actions, recommendations, progress and owners (bulk: benchmark data)."""
    today = timezone.localdate()
    responses = ManagementResponse.objects.bulk_create(
        ManagementResponse(
            title=f"Managementresponse evaluatie {n:03d}",
            slug=f"gegenereerd-{n:03d}",
            organisation=rng.choice(ORGANISATIONS),
            evaluation_title=f"Evaluatie van programma {n:03d}",
            evaluation_delivered_on=datetime.date(2019 + n % 7, 1 + n % 12, 1),
            status="published" if n % 3 else "draft",
        )
        for n in range(count)
    )
    Membership.objects.bulk_create(Membership(user=user, response=r, role="project_team") for r in responses)
    actions = Action.objects.bulk_create(
        Action(
            response=r,
            number=str(i + 1),
            title=f"Actie {i + 1} van response {r.pk}",
            status=rng.choice(STATUSES),
            responsible_units=[rng.choice(["Team Leren", "Team Oproepen", "Programme Unit"])],
            due_date=today + datetime.timedelta(days=rng.randint(-400, 400)),
            order=i,
        )
        for r in responses
        for i in range(12)
    )
    Recommendation.objects.bulk_create(
        Recommendation(
            response=r, number=str(i + 1), order=i, text=f"Aanbeveling {i + 1}.", agreement=rng.choice(AGREEMENTS)
        )
        for r in responses
        for i in range(6)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(
            action=a,
            status=a.status,
            note="Stand van zaken.",
            date=today - datetime.timedelta(days=rng.randint(0, 700)),
        )
        for a in actions
        if a.status in ("realised", "in_progress")
    )
    Action.owners.through.objects.bulk_create(
        Action.owners.through(action=a, user=user) for a in actions if rng.random() < 0.1
    )
    # The audit trail the dashboard's over-time chart reads (bulk_create writes none): each action
    # made up to two years ago, its status set some time after.
    now = timezone.now()
    history = []
    for a in actions:
        made = now - datetime.timedelta(days=rng.randint(200, 730))
        fields = {f.attname: getattr(a, f.attname) for f in Action._meta.concrete_fields} | {"status": "to_start"}
        history.append(
            Action.history.model(**fields, history_type="+", history_date=made, history_response_id=a.response_id)
        )
        if a.status not in ("to_start", ""):
            history.append(
                Action.history.model(
                    **(fields | {"status": a.status}),
                    history_type="~",
                    history_date=made + (now - made) * rng.random(),
                    history_response_id=a.response_id,
                    history_changes={"status": ["to_start", a.status]},
                )
            )
    Action.history.model.objects.bulk_create(history, batch_size=1000)


def big_response(user, rng):
    """One response of 100 actions with one part each, owners and three progress entries each."""
    response = ManagementResponse.objects.create(
        title="Grote managementresponse", slug="groot", organisation="UNDP", evaluation_title="Evaluatie"
    )
    Membership.objects.create(user=user, response=response, role="project_team")
    today = timezone.localdate()
    tops = Action.objects.bulk_create(
        Action(
            response=response,
            number=str(i + 1),
            title=f"Kernactie {i + 1}",
            status=rng.choice(STATUSES),
            due_date=today + datetime.timedelta(days=rng.randint(-200, 200)),
            responsible_units=["Programme Unit"],
            order=i,
        )
        for i in range(100)
    )
    parts = Action.objects.bulk_create(
        Action(response=response, parent=t, number=f"{t.number}.1", title="Onderdeel", status="inherited", order=0)
        for t in tops
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(action=a, status=a.status, note=f"Melding {k}.", date=today - datetime.timedelta(days=30 * k))
        for a in tops + parts
        for k in range(3)
    )
    Action.owners.through.objects.bulk_create(Action.owners.through(action=a, user=user) for a in tops)
    return response


def measure(client, url, runs):
    times, queries = [], 0
    client.get(url)  # warm up
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            answer = client.get(url)
            times.append(time.perf_counter() - start)
        assert answer.status_code == 200, (url, answer.status_code)
        queries = len(captured.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, queries


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--keep", help="build the database at this path and keep it")
    runs = parser.parse_args().runs

    call_command("migrate", verbosity=0)
    rng = random.Random(13)
    user = get_user_model().objects.create_user("bench", password="bench", first_name="Bench")
    with transaction.atomic():
        seed = import_file(SEED)
        Membership.objects.create(user=user, response=seed, role="project_team")
        generate(300, user, rng)
        big = big_response(user, rng)
    client = Client()
    client.force_login(user)

    rows = []
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for label, url in (
            ("dashboard, 301 responses", reverse("tracking:home")),
            ("dashboard, search 'oproep'", reverse("tracking:home") + "?q=oproep"),
            ("follow-up page, 200 actions", reverse("tracking:followup", args=[big.slug])),
            (
                "follow-up page, 200 actions, overdue only",
                reverse("tracking:followup", args=[big.slug]) + "?overdue=1",
            ),
        ):
            median, p95, queries = measure(client, url, runs)
            rows.append((label, median, p95, queries))

    print(f"{platform.node()} · {platform.processor() or platform.machine()} · Python {platform.python_version()}")
    print(f"SQLite, {runs} runs each\n")
    print("| page | median | p95 | queries |")
    print("|---|---|---|---|")
    for label, median, p95, queries in rows:
        print(f"| {label} | {median * 1000:.0f} ms | {p95 * 1000:.0f} ms | {queries} |")


if __name__ == "__main__":
    main()
