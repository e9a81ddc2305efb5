"""A load test: 50 users for 2 minutes against gunicorn, PostgreSQL and the task worker (locust).

Run from the repository root (PostgreSQL 15 server binaries; locust is a dev dependency):

    .venv/bin/python benchmarks/load.py [--users 50] [--duration 120] [--restart-at 60]

What it does, in one run:
  1. starts a throwaway PostgreSQL cluster (tests/pgserver.py: unix socket only, removed
     afterwards), migrates, imports the seed, collects the static files, and makes the people:
     10 evaluation staff and 10 project members of the seed (each logged in: a session cookie);
  2. starts gunicorn as production would (3 workers of gunicorn.conf.py's threads, --preload, gunicorn.conf.py; its access
     log has each request's server time) and the task worker (``manage.py run_worker --nice 10`` or ``--idle``: --worker-priority);
  3. measures a static file idle (200 requests one at a time: its p50 with nothing else running),
     and again during the load with the same client (four a second, one at a time);
  4. runs locust headless (this file is also the locustfile) with --users users for --duration
     seconds, ramping up 10 a second:
       - readers (anonymous, the rest of the users): the document page, the home page, the PDF
         export, a static file (the page's stylesheet);
       - evaluation staff (10): the dashboard, the document page, an agreement save (htmx: the
         form, then the POST with its CSRF token and version), the PDF export;
       - project members (10): the dashboard, the document page, a status save (htmx, likewise);
     each user waits 1-3 s between tasks; each editor saves its own row (no conflicts between
     users), so that every acknowledged save can be checked afterwards;
  5. with --restart-at N: restarts PostgreSQL (pg_ctl restart -m fast) N seconds into the run;
  6. checks every acknowledged save (a 200 to a save's POST) against the database: the last
     value each user was told was saved must be there;
  7. prints the machine, its load average, and a Markdown table for benchmarks/README.md: per
     kind of request its count, failures, p50/p95/max, and the PDF exports' statuses and the
     share answered within 100 ms.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SEED = "leerecosystemen"
PAGE = f"/responses/{SEED}/"
PDF = f"/responses/{SEED}/pdf/"
EDITORS = 10
PROJECT = 10
PDF_BOUND_MS = 100
WARM_ROUNDS = 5
VERSION = re.compile(r'name="version" value="(\d+)"')

if __name__ != "__main__":  # imported by locust, as the locustfile (the driver below does not import locust)
    from locust import HttpUser, between, events, task

    # What this locust process saw: {"agreement:<pk>": last acknowledged text, ...}, every value sent
    # per row in order (a save still in flight when the run stops may be stored unacknowledged), the
    # PDF answers.
    ACKED: dict[str, str] = {}
    SENT: dict[str, list[str]] = {}
    PDF_ANSWERS: list[tuple[int, float]] = []
    PEOPLE = json.loads(os.environ.get("LOAD_PEOPLE") or "{}")
    taken = Counter()
    lock = threading.Lock()

    def take(role):
        """The next person of ``role`` (each editor its own row: no conflicts between users)."""
        with lock:
            index = taken[role]
            taken[role] += 1
        people = PEOPLE[role]
        return people[index % len(people)]

    class Visitor(HttpUser):
        abstract = True
        wait_time = between(1, 3)

        def pdf(self):
            with self.client.get(PDF, name="PDF export", catch_response=True, allow_redirects=False) as answer:
                PDF_ANSWERS.append((answer.status_code, answer.elapsed.total_seconds() * 1000))
                if answer.status_code in (200, 202, 304):
                    answer.success()
                else:
                    answer.failure(f"status {answer.status_code}")

    class Reader(Visitor):
        """An anonymous reader of the published seed."""

        weight = 1

        @task(4)
        def document(self):
            self.client.get(PAGE, name="document page")

        @task(2)
        def home(self):
            self.client.get("/", name="home page")

        @task(1)
        def export(self):
            self.pdf()

        @task(3)
        def static(self):
            self.client.get(PEOPLE["stylesheet"], name="static file")

    class Member(Visitor):
        abstract = True
        role = ""

        def on_start(self):
            person = take(self.role)
            self.client.cookies.set("sessionid", person["session"])
            self.row = person["row"]
            self.count = 0

        def save(self, form_url, kind, data):
            """The htmx round trip: the form (its version), then the POST with the CSRF token."""
            headers = {"HX-Request": "true", "HX-Current-URL": f"{self.host}{PAGE}"}
            form = self.client.get(form_url, name=f"open {kind} form", headers=headers)
            found = VERSION.search(form.text or "")
            csrf = self.client.cookies.get("csrftoken")
            if not found or not csrf:
                return
            self.count += 1
            value = f"{self.row}-{self.count}-{random.randrange(10**6)}"
            SENT.setdefault(f"{kind}:{self.row}", []).append(value)
            with self.client.post(
                form_url,
                {**data(value), "version": found.group(1)},
                name=f"save {kind}",
                headers={**headers, "X-CSRFToken": csrf, "Referer": f"{self.host}{PAGE}"},
                # The CSRF cookie is Secure (production settings): over this plain-HTTP test the
                # client must be told to send it, as a browser behind TLS would.
                cookies={"csrftoken": csrf},
                catch_response=True,
            ) as answer:
                if answer.status_code == 200:
                    ACKED[f"{kind}:{self.row}"] = value
                    answer.success()
                else:
                    answer.failure(f"status {answer.status_code}")

        @task(2)
        def dashboard(self):
            self.client.get("/", name="dashboard")

        @task(2)
        def document(self):
            self.client.get(PAGE, name="document page")

        @task(1)
        def export(self):
            self.pdf()

    class EvaluationStaff(Member):
        """Saves its own recommendation's agreement."""

        fixed_count = EDITORS
        role = "evaluation_staff"

        @task(3)
        def agreement(self):
            self.save(
                f"/recommendations/{self.row}/agreement/",
                "agreement",
                lambda value: {"agreement": "partially_agree", "justification": value, "response_text": ""},
            )

    class ProjectTeam(Member):
        """Saves its own action's status."""

        fixed_count = PROJECT
        role = "project_team"

        @task(3)
        def status(self):
            self.save(
                f"/actions/{self.row}/status/",
                "status",
                lambda value: {"status": "in_progress", "status_note": value, "note": ""},
            )

    @events.test_stop.add_listener
    def write_results(environment, **kwargs):
        target = os.environ.get("LOAD_RESULTS")
        if target:
            Path(target).write_text(json.dumps({"acked": ACKED, "sent": SENT, "pdf": PDF_ANSWERS}))


# --- the driver ----------------------------------------------------------------------------


def kind_of(method, path):
    if path.startswith("/static/"):
        return "static file"
    if path == PDF:
        return "PDF export"
    if path == PAGE:
        return "document page"
    if path == "/":
        return "home page and dashboard"
    kind = "agreement" if path.endswith("/agreement/") else "status" if path.endswith("/status/") else path
    return f"save {kind}" if method == "POST" else f"open {kind} form"


def percentile(values, share):
    values = sorted(values)
    return values[max(0, round(share * len(values)) - 1)] if values else float("nan")


def main():  # noqa: C901 -- a benchmark script reads best as one run from top to bottom
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from pages import BASE, start_gunicorn, stop, timed_get

    from tests.pgserver import Cluster

    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds of load")
    parser.add_argument("--restart-at", type=int, default=0, help="restart PostgreSQL this many seconds in")
    parser.add_argument("--label", default="", help="a name for this run in the output")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn's workers (README runs 3)")
    parser.add_argument(
        "--worker-priority",
        default="--nice 10",
        help="run_worker's priority options, as README runs it: '--nice 10' or '--idle' (SCHED_IDLE)",
    )
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="load-benchmark-"))
    cluster = Cluster()
    cluster.start()
    gunicorn = worker = None
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    try:
        env = {
            **os.environ,
            "DEBUG": "0",
            "TESTING": "0",
            "SECRET_KEY": "benchmark-only",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": cluster.url,
            "STATIC_ROOT": str(work / "static"),
            "PDF_CACHE_LOCATION": str(work / "pdf-cache"),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
        os.environ.update(env)
        python = str(ROOT / ".venv/bin/python")
        subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run([python, "manage.py", "collectstatic", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [python, "manage.py", "import_response", f"responses/seed/{SEED}.yaml"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )

        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from actions.models import Action
        from recommendations.models import Recommendation
        from responses.models import ManagementResponse, Membership

        response = ManagementResponse.objects.get(slug=SEED)
        recs = list(Recommendation.objects.for_response(response).order_by("pk").values_list("pk", flat=True))
        actions = list(Action.objects.filter(response=response).order_by("pk").values_list("pk", flat=True))
        people = {"evaluation_staff": [], "project_team": []}
        for role, rows, count in (("evaluation_staff", recs, EDITORS), ("project_team", actions, PROJECT)):
            for index in range(count):
                user = get_user_model().objects.create_user(f"{role}-{index}", password="x")
                Membership.objects.create(user=user, response=response, role=role)
                login = Client()
                login.force_login(user)
                people[role].append({"session": login.cookies["sessionid"].value, "row": rows[index]})
        connection.close()

        gunicorn = start_gunicorn(env, work / "access.log", workers=options.workers)
        _ms, _status, page = timed_get(BASE + PAGE)
        stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page.decode()).group(1)
        people["stylesheet"] = stylesheet
        # The task worker, as in production (README): renders the PDFs the saves and exports ask for.
        worker_log = open(work / "worker.log", "w")  # noqa: SIM115 -- closed with the process
        worker = subprocess.Popen(
            [python, "manage.py", "run_worker", *options.worker_priority.split()],
            env=env,
            cwd=ROOT,
            stdout=worker_log,
            stderr=worker_log,
        )

        # A static file with nothing else running: the baseline of "within 2 times its idle value".
        idle = []
        for _ in range(200):
            ms, status, _body = timed_get(BASE + stylesheet)
            assert status == 200, status
            idle.append(ms)
        # Warm every worker and thread before measuring (a running server is warm: its templates are
        # compiled, its pooled connections open): concurrent rounds of each kind of request, anonymous
        # and logged in, so that the kernel hands some of each to every worker. Without it the first
        # PDF exports a cold worker served took up to 409 ms (benchmarks/README.md).
        warm = [BASE + PAGE, BASE + "/", BASE + PDF, BASE + stylesheet]
        cookies = [{"Cookie": f"sessionid={person['session']}"} for person in people["evaluation_staff"]]
        with ThreadPoolExecutor(max_workers=4 * options.workers * 4) as pool:
            for _ in range(WARM_ROUNDS):
                list(pool.map(lambda url: timed_get(url), warm * 8))
                list(pool.map(lambda headers: timed_get(BASE + "/", headers), cookies))
                list(pool.map(lambda headers: timed_get(BASE + PAGE, headers), cookies))

        warmup = len((work / "access.log").read_text().splitlines())  # the requests before the load
        results = work / "results.json"
        locust_env = {**env, "LOAD_PEOPLE": json.dumps(people), "LOAD_RESULTS": str(results)}
        command = [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(Path(__file__).resolve()),
            "--headless",
            "--users",
            str(options.users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{options.duration}s",
            "--host",
            BASE,
            "--csv",
            str(work / "locust"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ]
        started = time.monotonic()
        locust = subprocess.Popen(command, env=locust_env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # The same static file under load, fetched by the same client as the idle baseline (one at a
        # time, four a second, after the ramp-up): locust's own figure for it also holds the time its
        # 50 users wait for the locust process itself, which the idle baseline does not.
        probe: list[float] = []
        probing = threading.Event()

        def probe_static():
            time.sleep(10)
            while not probing.is_set():
                ms, status, _body = timed_get(BASE + stylesheet)
                if status == 200:
                    probe.append(ms)
                probing.wait(0.25)

        prober = threading.Thread(target=probe_static, daemon=True)
        prober.start()
        restarted = None
        if options.restart_at:
            time.sleep(options.restart_at)
            began = time.monotonic()
            cluster.restart()
            restarted = (began - started, time.monotonic() - began)
        output = locust.communicate(timeout=options.duration + 300)[0].decode(errors="replace")
        probing.set()
        prober.join()
        load_after = Path("/proc/loadavg").read_text().split()[:3]

        # Every acknowledged save is in the database.
        answers = json.loads(results.read_text())
        lost = []
        for key, value in answers["acked"].items():
            kind, pk = key.split(":")
            if kind == "agreement":
                stored = Recommendation.objects.get(pk=pk).justification
            else:
                stored = Action.objects.get(pk=pk).status_note
            sent = answers["sent"][key]
            # Lost: the row holds something older than the last acknowledged value (a later save
            # that was still in flight when the run stopped, or that failed after its commit, may be there).
            if stored not in sent or sent.index(stored) < sent.index(value):
                lost.append((key, value, stored))
        connection.close()

        report(options, work, idle, probe, answers, lost, load_before, load_after, restarted, output, warmup)
    finally:
        for process in (worker, gunicorn):
            if process is not None and process.poll() is None:
                stop(process)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cluster.dir, ignore_errors=True)


def report(options, work, idle, probe, answers, lost, load_before, load_after, restarted, output, warmup):
    import csv
    import platform

    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open(work / "locust_stats.csv") as stats_file:
        rows = list(csv.DictReader(stats_file))
    print(f"\n{options.label or 'load test'}")
    print(f"Machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}")
    print(f"Load average before: {' '.join(load_before)}; after: {' '.join(load_after)}")
    print(
        f"{options.users} users, {options.duration} s; gunicorn {options.workers} workers of gunicorn.conf.py's threads; PostgreSQL 15 (throwaway); "
        f"the task worker (run_worker {options.worker_priority})"
    )
    if restarted:
        print(
            f"PostgreSQL restarted {restarted[0]:.0f} s into the run (pg_ctl restart -m fast took {restarted[1]:.1f} s)"
        )
    print(f"Static file idle (200 one at a time): p50 {percentile(idle, 0.5):.2f} ms")
    print(
        f"Static file under load (the same client, {len(probe)} one at a time during the run): "
        f"p50 {percentile(probe, 0.5):.2f} ms, p95 {percentile(probe, 0.95):.2f} ms; "
        f"p50 ratio to idle {percentile(probe, 0.5) / percentile(idle, 0.5):.2f}\n"
    )
    print("| request | count | failures | p50 | p95 | max |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {row['50%']} ms | {row['95%']} ms"
            f" | {float(row['Max Response Time']):.0f} ms |"
        )
    # The server's own time (gunicorn's access log, from the parsed request to the sent answer):
    # what is left of the figures above once the wait for a free worker is taken out.
    server = {}
    for line in (work / "access.log").read_text().splitlines()[warmup:]:
        method, path, _status, micros = line.split()
        server.setdefault(kind_of(method, path), []).append(int(micros) / 1000)
    print("\nServer time (gunicorn access log, without the wait for a free worker):\n")
    print("| request | count | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    for kind, times in sorted(server.items()):
        print(
            f"| {kind} | {len(times)} | {percentile(times, 0.5):.1f} ms | {percentile(times, 0.95):.1f} ms"
            f" | {max(times):.1f} ms |"
        )
    statuses = Counter(status for status, _ms in answers["pdf"])
    within = sum(1 for status, ms in answers["pdf"] if status in (200, 202) and ms <= PDF_BOUND_MS)
    print(
        f"\nPDF exports: {dict(sorted(statuses.items()))}; answered (200 or 202) within {PDF_BOUND_MS} ms: "
        f"{within} of {len(answers['pdf'])}"
    )
    print(f"Acknowledged saves checked: {len(answers['acked'])} rows; lost: {len(lost)} {lost[:5]}")
    failures = (
        re.findall(r"^\s*\d+\s+\w+\s+.*$", output.split("Error report")[-1], re.M) if "Error report" in output else []
    )
    if failures:
        print("Errors:")
        for line in failures[:10]:
            print("   ", line.strip())


if __name__ == "__main__":
    main()
