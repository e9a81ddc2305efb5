"""A load test: 50 users for 2 minutes against gunicorn, PostgreSQL and the task worker (locust).

Run from the repository root (PostgreSQL 15 server binaries; locust is a dev dependency):

    .venv/bin/python benchmarks/load.py [--users 50] [--duration 120] [--restart-at 60]

What it does, in one run:
  1. starts a throwaway PostgreSQL cluster (tests/pgserver.py: unix socket only, removed
     afterwards), migrates, imports the seed, collects the static files, and makes the people:
     10 evaluation staff and 10 project members of the seed (each logged in: a session cookie);
  2. starts gunicorn as production would (3 workers of gunicorn.conf.py's threads, --preload, gunicorn.conf.py; its access
     log has each request's server time) and the task worker (``manage.py run_worker --nice 10`` or ``--idle``: --worker-priority);
  3. measures a static file idle and again during the load, with the same client and in the same
     two patterns, so that the load is the only difference between the two figures: paced (one
     request every quarter of a second, as a reader's browser asks) and back to back (bursts of
     requests one after the other, every cache hot); idle, 80 paced and 200 back to back;
     under load, one paced request every quarter of a second and a burst of 10 every 5 seconds.
     The pattern matters more than the load on this machine: idle, a paced request's p50 was
     2.5 times a back-to-back one's (benchmarks/README.md, session 9);
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
PACE = 0.25  # seconds between paced static requests, idle and under load
IDLE_PACED, IDLE_BACK_TO_BACK = 80, 200
BURST, BURST_EVERY = 10, 20  # under load: a burst of 10 back to back after every 20 paced requests
VERSION = re.compile(r'name="version" value="(\d+)"')

if __name__ != "__main__":  # imported by locust, as the locustfile (the driver below does not import locust)
    from urllib.parse import urlencode

    from locust import FastHttpUser, between, events, task

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

    import gc

    # The load generator's own pauses (its garbage collector stops every user at once): a request
    # in flight meanwhile is timed longer than the server took (the driver prints the longest).
    GC_PAUSES: list[float] = []
    gc_started = [0.0]

    def time_collections(phase, info):
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            GC_PAUSES.append((time.perf_counter() - gc_started[0]) * 1000)

    gc.callbacks.append(time_collections)

    @events.request.add_listener
    def keep_pdf_answer(name, response_time, response, **kwargs):
        """Each PDF export's status and time as locust measured it (the bound is checked on these)."""
        if name == "PDF export":
            PDF_ANSWERS.append((response.status_code, response_time))

    class Visitor(FastHttpUser):
        """A user of the site. FastHttpUser (geventhttpclient), not HttpUser (requests): the load
        generator shares this machine's two cores with the server it measures, and takes about a
        fifth of the CPU this way (locust's documentation); the requests the server sees are the same."""

        abstract = True
        wait_time = between(1, 3)
        cookie = ""  # the Cookie header a member sends (its session, then its CSRF cookie too)

        def get(self, url, name, **options):
            headers = {**options.pop("headers", {}), **({"Cookie": self.cookie} if self.cookie else {})}
            return self.client.get(url, name=name, headers=headers, **options)

        def pdf(self):
            with self.get(PDF, "PDF export", catch_response=True, allow_redirects=False) as answer:
                if answer.status_code in (200, 202, 304):
                    answer.success()
                else:
                    answer.failure(f"status {answer.status_code}")

    class Reader(Visitor):
        """An anonymous reader of the published seed."""

        weight = 1

        @task(4)
        def document(self):
            self.get(PAGE, "document page")

        @task(2)
        def home(self):
            self.get("/", "home page")

        @task(1)
        def export(self):
            self.pdf()

        @task(3)
        def static(self):
            self.get(PEOPLE["stylesheet"], "static file")

    class Member(Visitor):
        abstract = True
        role = ""

        def on_start(self):
            person = take(self.role)
            self.session = person["session"]
            self.cookie = f"sessionid={self.session}"
            self.row = person["row"]
            self.count = 0

        def save(self, form_url, kind, data):
            """The htmx round trip: the form (its version), then the POST with the CSRF token."""
            headers = {"HX-Request": "true", "HX-Current-URL": f"{self.host}{PAGE}"}
            form = self.get(form_url, f"open {kind} form", headers=headers)
            found = VERSION.search(form.text or "")
            # The CSRF cookie the server set (Secure, as in production: over this plain-HTTP test the
            # client sends it itself, as a browser behind TLS would), kept for the next requests.
            csrf = next((cookie.value for cookie in self.client.cookiejar if cookie.name == "csrftoken"), None)
            if not found or not csrf:
                return
            self.cookie = f"sessionid={self.session}; csrftoken={csrf}"
            self.count += 1
            value = f"{self.row}-{self.count}-{random.randrange(10**6)}"
            SENT.setdefault(f"{kind}:{self.row}", []).append(value)
            with self.client.post(
                form_url,
                urlencode({**data(value), "version": found.group(1)}),
                name=f"save {kind}",
                headers={
                    **headers,
                    "Cookie": self.cookie,
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": csrf,
                    "Referer": f"{self.host}{PAGE}",
                },
                catch_response=True,
            ) as answer:
                if answer.status_code == 200:
                    ACKED[f"{kind}:{self.row}"] = value
                    answer.success()
                else:
                    answer.failure(f"status {answer.status_code}")

        @task(2)
        def dashboard(self):
            self.get("/", "dashboard")

        @task(2)
        def document(self):
            self.get(PAGE, "document page")

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
            Path(target).write_text(
                json.dumps({"acked": ACKED, "sent": SENT, "pdf": PDF_ANSWERS, "gc_pauses": GC_PAUSES})
            )


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

        # A static file with nothing else running: the baseline of "within 2 times its idle value",
        # in both patterns the probe below uses under load.
        def static_ms():
            ms, status, _body = timed_get(BASE + stylesheet)
            assert status == 200, status
            return ms

        idle = {"back to back": [static_ms() for _ in range(IDLE_BACK_TO_BACK)], "paced": []}
        for _ in range(IDLE_PACED):
            idle["paced"].append(static_ms())
            time.sleep(PACE)
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
        # The same static file under load, fetched by the same client as the idle baseline and in
        # its two patterns, after the ramp-up: locust's own figure for it also holds the time its
        # 50 users wait for the locust process itself, which the idle baseline does not.
        probe: dict[str, list[float]] = {"back to back": [], "paced": []}
        probing = threading.Event()

        def probe_static():
            time.sleep(10)
            while not probing.is_set():
                probe["paced"].append(static_ms())
                if len(probe["paced"]) % BURST_EVERY == 0:
                    probe["back to back"].extend(static_ms() for _ in range(BURST))
                probing.wait(PACE)

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
    print("Static file, the same client idle and under load (one request at a time):")
    for pattern in ("paced", "back to back"):
        print(
            f"  {pattern}: idle p50 {percentile(idle[pattern], 0.5):.2f} ms ({len(idle[pattern])} requests); "
            f"under load p50 {percentile(probe[pattern], 0.5):.2f} ms, p95 {percentile(probe[pattern], 0.95):.2f} ms, "
            f"max {max(probe[pattern]):.1f} ms "
            f"({len(probe[pattern])}); p50 ratio to idle {percentile(probe[pattern], 0.5) / percentile(idle[pattern], 0.5):.2f}"
        )
    print()
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
    pauses = sorted(answers.get("gc_pauses", []))
    if pauses:
        print(
            f"The load generator's garbage collections: {len(pauses)}, the longest {pauses[-1]:.1f} ms, "
            f"{sum(1 for ms in pauses if ms > 20)} over 20 ms"
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
