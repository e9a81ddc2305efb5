"""Ten minutes of steady edits: one save a second, a reader asking for the PDF, and how fresh it is.

Issue 25's must-show: "Under 10 minutes of steady edits (one save a second), a PDF of the latest
revision is available within one render time after the edits stop; during the edits, readers
always get an answer at once."

Run from the repository root (PostgreSQL 15 server binaries; about 12 minutes):

    .venv/bin/python benchmarks/steady.py [--duration 600] [--read-every 3]

What it does, in one run:
  1. as benchmarks/load.py: a throwaway PostgreSQL cluster (tests/pgserver.py), migrate, the
     seed imported (published), the static files collected; gunicorn as production runs it
     (benchmarks/pages.py: 2 workers of gunicorn.conf.py's threads, --preload) and the task
     worker (``manage.py run_worker --nice 10``, as README.md runs it), production settings
     (PDF_DEBOUNCE_SECONDS and the render bounds at their defaults);
  2. one render time of that response alone: a save, then the PDF asked for every 0.2 s until it
     is served at the new revision (so the figure holds the worker's pickup of the task, as a
     reader sees it); three times, the median (after one render not counted, which starts the
     render processes' fork server);
  3. for --duration seconds, an evaluation staff session saves an agreement once a second, as
     the page does it (htmx: the form for its version, then the POST with the CSRF token),
     turning over three recommendations; after each acknowledged save the driver notes the PDF's
     ETag for the new revision (``document.pdf.pdf_etag``, read from the database);
     meanwhile an anonymous reader asks for the PDF every --read-every seconds and records each
     answer's status and time, and for each 200 how many saves behind the latest it was;
  4. after the last save: the PDF asked for every 0.2 s until it is served at the latest
     revision (a 200 with its ETag); the time from the last save's answer.
Prints the machine, the load average (before, every minute, after) and Markdown tables for
benchmarks/README.md.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = "leerecosystemen"
PAGE = f"/responses/{SEED}/"
PDF = f"/responses/{SEED}/pdf/"
VERSION = re.compile(r'name="version" value="(\d+)"')
RECOMMENDATIONS = 3  # the editor turns over this many rows


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def percentile(values, share):
    values = sorted(values)
    return values[max(0, round(share * len(values)) - 1)] if values else float("nan")


def main():  # noqa: C901 -- a benchmark script reads best as one run from top to bottom
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import requests
    from pages import BASE, start_gunicorn, stop

    from tests.pgserver import Cluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=600, help="seconds of edits (one save a second)")
    parser.add_argument("--read-every", type=float, default=3, help="seconds between the reader's PDF requests")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="steady-benchmark-"))
    cluster = Cluster()
    cluster.start()
    gunicorn = worker = None
    loads = [("before", load_average())]
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
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from document.pdf import pdf_etag
        from document.views import PDF_KEY_FIELDS
        from recommendations.models import Recommendation
        from responses.models import ManagementResponse, Membership

        response = ManagementResponse.objects.get(slug=SEED)
        assert response.is_published, "the reader is anonymous: the seed must be published"
        recs = list(Recommendation.objects.for_response(response).order_by("pk").values_list("pk", flat=True))
        recs = recs[:RECOMMENDATIONS]
        user = get_user_model().objects.create_user("evaluation-staff", password="x")
        Membership.objects.create(user=user, response=response, role="evaluation_staff")
        login = Client()
        login.force_login(user)
        session = login.cookies["sessionid"].value

        def current_etag():
            return pdf_etag(ManagementResponse.objects.only(*PDF_KEY_FIELDS).get(pk=response.pk))

        connection.close()

        gunicorn = start_gunicorn(env, work / "access.log")
        worker_log = open(work / "worker.log", "w")  # noqa: SIM115 -- closed with the process
        worker = subprocess.Popen(
            [python, "manage.py", "run_worker", "--nice", "10"], env=env, cwd=ROOT, stdout=worker_log, stderr=worker_log
        )

        editor = requests.Session()
        editor.cookies.set("sessionid", session)
        headers = {"HX-Request": "true", "HX-Current-URL": f"{BASE}{PAGE}"}
        count = 0

        def save():
            """One agreement save as the page makes it: (status, ms of the POST, ms of the round trip)."""
            nonlocal count
            count += 1
            url = f"{BASE}/recommendations/{recs[count % len(recs)]}/agreement/"
            began = time.perf_counter()
            form = editor.get(url, headers=headers, timeout=60)
            found = VERSION.search(form.text)
            csrf = editor.cookies.get("csrftoken")
            if not found or not csrf:
                return form.status_code, float("nan"), (time.perf_counter() - began) * 1000
            posted = time.perf_counter()
            answer = editor.post(
                url,
                {
                    "agreement": "partially_agree",
                    "justification": f"Steady edit {count}.",
                    "response_text": "",
                    "version": found.group(1),
                },
                headers={**headers, "X-CSRFToken": csrf, "Referer": f"{BASE}{PAGE}"},
                cookies={"csrftoken": csrf},  # Secure in production: sent by hand over plain HTTP
                timeout=60,
            )
            done = time.perf_counter()
            return answer.status_code, (done - posted) * 1000, (done - began) * 1000

        reader = requests.Session()

        def read(**extra):
            began = time.perf_counter()
            answer = reader.get(BASE + PDF, allow_redirects=False, timeout=60, **extra)
            return answer.status_code, (time.perf_counter() - began) * 1000, answer.headers.get("ETag")

        def until_served(etag, every=0.2, limit=900):
            """Seconds until the PDF is served at ``etag`` (asked for every ``every`` seconds)."""
            began = time.monotonic()
            while time.monotonic() - began < limit:
                status, _ms, served = read()
                if status == 200 and served == etag:
                    return time.monotonic() - began
                time.sleep(every)
            return float("inf")

        # 2. One render time of the response alone (nothing else running).
        for _ in range(3):
            read()
        # A first render starts the render processes' fork server (Django, WeasyPrint): not counted.
        save()
        until_served(current_etag())
        render_times = []
        for _ in range(3):
            status, _ms, _total = save()
            assert status == 200, status
            render_times.append(until_served(current_etag()))
        render_time = statistics.median(render_times)
        connection.close()
        loads.append(("after the render-time measurement", load_average()))

        # 3. Steady edits and a reader.
        edits_over = threading.Event()
        saves = []  # (seconds since start, status, POST ms, round-trip ms)
        etags = []  # the PDF's ETag after each acknowledged save, in order
        answers = []  # (seconds since start, status, ms, how many saves behind the latest or None)
        last_save = [0.0]
        started = time.monotonic()

        def editing():
            tick = 0
            while tick < options.duration:
                status, post_ms, total_ms = save()
                if status == 200:
                    last_save[0] = time.monotonic()
                    etags.append(current_etag())
                saves.append((time.monotonic() - started, status, post_ms, total_ms))
                tick += 1
                if tick % 60 == 0:
                    loads.append((f"{tick // 60} min", load_average()))
                pause = started + tick - time.monotonic()  # one save a second, on the clock
                if pause > 0:
                    time.sleep(pause)
            connection.close()
            edits_over.set()

        def reading():
            while not edits_over.is_set():
                status, ms, served = read()
                behind = None
                if status == 200 and served in etags:
                    behind = len(etags) - 1 - etags.index(served)
                answers.append((time.monotonic() - started, status, ms, behind))
                edits_over.wait(options.read_every)

        threads = [threading.Thread(target=editing), threading.Thread(target=reading)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        # 4. After the last save: the PDF of the latest revision.
        latest = current_etag()
        assert latest == etags[-1], "the last acknowledged save is the latest revision"
        # Counted from the last save's answer (the reader's last wait is part of it).
        waited = until_served(latest)
        fresh_after = time.monotonic() - last_save[0] if waited != float("inf") else waited
        connection.close()
        loads.append(("after", load_average()))

        report(options, render_times, render_time, saves, answers, fresh_after, loads, work, settings)
    finally:
        for process in (worker, gunicorn):
            if process is not None and process.poll() is None:
                stop(process)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cluster.dir, ignore_errors=True)


def report(options, render_times, render_time, saves, answers, fresh_after, loads, work, settings):
    import platform

    lines = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), "unknown")
    print(f"\nMachine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}")
    print("Load average: " + "; ".join(f"{when}: {value}" for when, value in loads))
    print(
        f"gunicorn 2 workers of gunicorn.conf.py's threads; PostgreSQL 15 (throwaway); run_worker --nice 10; "
        f"PDF_DEBOUNCE_SECONDS {settings.PDF_DEBOUNCE_SECONDS:g}, PDF_RENDER_SECONDS {settings.PDF_RENDER_SECONDS:g}"
    )
    print(
        f"\nOne render of the seed alone (a save, then the PDF asked for every 0.2 s until served at the new "
        f"revision): {', '.join(f'{t:.1f} s' for t in render_times)}; median {render_time:.1f} s"
    )
    acked = [s for s in saves if s[1] == 200]
    print(
        f"\nEdits: {len(saves)} saves in {saves[-1][0]:.0f} s, {len(acked)} acknowledged (200); "
        f"statuses {dict(Counter(s[1] for s in saves))}"
    )
    print("\n| request | count | p50 | p95 | max |")
    print("|---|---|---|---|---|")
    post = [s[2] for s in acked]
    trip = [s[3] for s in acked]
    print(
        f"| agreement save (POST) | {len(post)} | {percentile(post, 0.5):.0f} ms | {percentile(post, 0.95):.0f} ms"
        f" | {max(post):.0f} ms |"
    )
    print(
        f"| agreement save, form and POST | {len(trip)} | {percentile(trip, 0.5):.0f} ms"
        f" | {percentile(trip, 0.95):.0f} ms | {max(trip):.0f} ms |"
    )
    times = [a[2] for a in answers]
    print(
        f"| reader's PDF request | {len(times)} | {percentile(times, 0.5):.0f} ms | {percentile(times, 0.95):.0f} ms"
        f" | {max(times):.0f} ms |"
    )
    statuses = Counter(a[1] for a in answers)
    behind = [a[3] for a in answers if a[1] == 200 and a[3] is not None]
    print(f"\nThe reader's answers during the edits: {dict(sorted(statuses.items()))}")
    if behind:
        print(
            f"The 200s were {min(behind)}-{max(behind)} saves behind the latest (median {statistics.median(behind):g}):"
            " the PDF of a revision a few seconds old"
        )
    unknown = sum(1 for a in answers if a[1] == 200 and a[3] is None)
    if unknown:
        print(f"{unknown} of the 200s served a revision from before the edits")
    verdict = "within" if fresh_after <= render_time else "NOT within"
    print(
        f"\nAfter the last save: the PDF of the latest revision served {fresh_after:.1f} s after the last save's "
        f"answer ({verdict} one render time, {render_time:.1f} s)"
    )
    worker_log = (work / "worker.log").read_text(errors="replace").strip().splitlines()
    if worker_log:
        print("\nWorker log (last lines):")
        for line in worker_log[-5:]:
            print("   ", line)


if __name__ == "__main__":
    main()
