"""The document page against a static file of the same bytes, under gunicorn and PostgreSQL.

Run from the repository root (needs Debian's `wrk` and PostgreSQL 15 server binaries):

    .venv/bin/python benchmarks/pages.py [--duration 10] [--misses 40]

What it does, all in one run and with the same server:
  1. starts a throwaway PostgreSQL cluster (tests/pgserver.py; unix socket only, removed
     afterwards), migrates, imports the seed and builds the synthetic response of 300
     recommendations (benchmarks/synthetic.py), collects the static files;
  2. starts gunicorn as production would (DEBUG off, 2 workers of gunicorn.conf.py's threads, --preload and
     gunicorn.conf.py, the fragments in each worker's memory, the PDFs in a file cache in a
     temporary folder), saves each document page as it is served into STATIC_ROOT, and restarts gunicorn so that whitenoise serves those
     copies as static files: the same bytes;
  3. wrk (2 threads, 4 connections) on each document page (its document part in the cache,
     by the response's revision; the page around it rendered for each request) and on its
     static copy,
     one after the other, and the ratio of their requests per second;
  4. gunicorn restarts with an access log of each request's server time (gunicorn's %(D)s,
     from the parsed request to the sent answer); the document page of the synthetic
     response after an edit (a recommendation saved through the ORM: a new revision, so the
     document part is assembled again and the edited row's fragment rendered again: every
     request a cache miss): p50/p95 of --misses, as the client and as the server
     measured them, for an anonymous visitor and then for an editor (a superuser: the
     editing controls and the checklist);
  5. the PDF with a matching If-None-Match (304): its server time over 300 requests one at a
     time, wrk through gunicorn, and the view's own time in this process (Django's test
     client, no network);
  6. a first export after a save: a task worker (`manage.py db_worker`) runs, a
     recommendation is saved, the time until the worker has the PDF in the cache, then
     the export: its status and time (a cache hit).
Prints the machine and Markdown tables for benchmarks/README.md.
"""

import argparse
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from tests.pgserver import Cluster  # noqa: E402

PORT = 8731
BASE = f"http://127.0.0.1:{PORT}"


def run(cmd, env, **kwargs):
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def wait_for(url, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read()
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def start_gunicorn(env, access_log=None, workers=2):
    """gunicorn as in production; with ``access_log``, each request's method, path, status and
    server time in microseconds (gunicorn's ``%(D)s``: from the parsed request to the sent answer)."""
    logging = (
        ["--access-logfile", str(access_log), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"] if access_log else []
    )
    process = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--preload",
            "--timeout",
            "120",
            *logging,
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(BASE + "/")
    return process


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def wrk(url, duration, headers=()):
    args = ["wrk", "-t2", "-c4", f"-d{duration}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, _ms(p50), int(non2xx.group(1)) if non2xx else 0


def _ms(match):
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def server_times(access_log, path, status):
    """The server times (ms) gunicorn logged for ``path`` answered with ``status``, in order."""
    times = []
    for line in Path(access_log).read_text().splitlines():
        _method, logged_path, logged_status, micros = line.split()
        if logged_path == path and logged_status == str(status):
            times.append(int(micros) / 1000)
    return times


def percentile(values, share):
    values = sorted(values)
    return values[max(0, round(share * len(values)) - 1)]


def timed_get(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            body, status = answer.read(), answer.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return (time.perf_counter() - start) * 1000, status, body


def main():  # noqa: C901 -- a benchmark script reads best as one run from top to bottom
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per measurement")
    parser.add_argument("--misses", type=int, default=40, help="cache-miss requests after edits")
    options = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="pages-benchmark-"))
    cluster = Cluster()
    cluster.start()
    gunicorn = worker = None
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
            "DOCUMENT_CACHE_LOCATION": str(work / "document-cache"),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            # "The first export after a save" times the render itself, not the wait for edits to
            # settle (docs/pdf.md): no debounce here.
            "PDF_DEBOUNCE_SECONDS": "0",
        }
        os.environ.update(env)
        python = str(ROOT / ".venv/bin/python")
        run([python, "manage.py", "migrate", "--no-input", "-v0"], env)
        run([python, "manage.py", "collectstatic", "--no-input", "-v0"], env)
        run(
            [python, "manage.py", "import_response", "responses/seed/leerecosystemen.yaml"],
            env,
            stdout=subprocess.DEVNULL,
        )

        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client
        from synthetic import synthetic_response

        from document import pdf
        from recommendations.models import Recommendation
        from responses.models import ManagementResponse

        synthetic_response()
        connection.close()
        pages = {"seed": "/responses/leerecosystemen/", "300 recommendations": "/responses/synthetisch/"}

        # The pages as served, saved as static files; a restart lets whitenoise see them.
        gunicorn = start_gunicorn(env)
        sizes = {}
        for name, path in pages.items():
            body = wait_for(BASE + path)
            copy = work / "static" / "bench" / (path.strip("/").replace("/", "-") + ".html")
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(body)
            sizes[name] = len(body)
        stop(gunicorn)
        gunicorn = start_gunicorn(env)

        throughput = []
        for name, path in pages.items():
            static = "/static/bench/" + path.strip("/").replace("/", "-") + ".html"
            _ms, status, body = timed_get(BASE + static)
            assert status == 200, status
            assert len(body) == sizes[name], (len(body), sizes[name])
            for _ in range(5):  # warm: every worker has the document part in memory
                timed_get(BASE + path)
            page_rate, page_p50, page_errors = wrk(BASE + path, options.duration)
            static_rate, static_p50, static_errors = wrk(BASE + static, options.duration)
            assert page_errors == static_errors == 0
            throughput.append((name, sizes[name], page_rate, page_p50, static_rate, static_p50))

        # From here on, gunicorn logs each request's server time (not during the throughput runs).
        stop(gunicorn)
        access_log = work / "access.log"
        gunicorn = start_gunicorn(env, access_log)
        for path in pages.values():
            for _ in range(4):  # both workers hold the fragments again, as they did before the restart
                timed_get(BASE + path)

        # Cache misses: every request follows an edit (a new revision).
        rec = Recommendation.objects.for_response(ManagementResponse.objects.get(slug="synthetisch")).first()
        misses = []
        for index in range(options.misses):
            rec.location = f"p. {index}"
            rec.save()
            ms, status, body = timed_get(BASE + pages["300 recommendations"])
            assert status == 200
            assert f"p. {index}<" in body.decode()
            misses.append(ms)
        connection.close()
        miss_server = server_times(access_log, pages["300 recommendations"], 200)[-options.misses :]

        # The same as an editor: a superuser, who sees the editing controls and the checklist
        # "Controle voor publicatie" (95 findings on the synthetic response).
        editor = get_user_model().objects.create_superuser("benchmark-editor", "editor@example.org", "benchmark")
        login = Client()
        login.force_login(editor)
        as_editor = {"Cookie": f"sessionid={login.cookies['sessionid'].value}"}
        for _ in range(4):  # both workers hold the editor's fragments
            timed_get(BASE + pages["300 recommendations"], as_editor)
        editor_misses = []
        for index in range(options.misses):
            rec.location = f"q. {index}"
            rec.save()
            ms, status, body = timed_get(BASE + pages["300 recommendations"], as_editor)
            assert status == 200
            assert f"q. {index}<" in body.decode()
            assert "Controle voor publicatie" in body.decode()
            editor_misses.append(ms)
        connection.close()
        editor_server = server_times(access_log, pages["300 recommendations"], 200)[-options.misses :]

        # The PDF 304: render the seed's PDF once (in this process, into the shared file cache).
        seed = ManagementResponse.objects.get(slug="leerecosystemen")
        _data, etag = pdf.cached_pdf(seed)
        pdf_url = BASE + "/responses/leerecosystemen/pdf/"
        ms, status, _body = timed_get(pdf_url, {"If-None-Match": etag})
        assert status == 304, status
        for _ in range(300):  # one at a time: the server time of each, as gunicorn logs it
            timed_get(pdf_url, {"If-None-Match": etag})
        not_modified_server = server_times(access_log, "/responses/leerecosystemen/pdf/", 304)
        not_modified_rate, not_modified_p50, _errors = wrk(pdf_url, options.duration, [f"If-None-Match: {etag}"])
        client = Client()
        view_times = []
        for _ in range(200):
            start = time.perf_counter()
            answer = client.get("/responses/leerecosystemen/pdf/", headers={"If-None-Match": etag})
            view_times.append((time.perf_counter() - start) * 1000)
            assert answer.status_code == 304
        connection.close()

        # The first export after a save, with the task worker running.
        worker = subprocess.Popen(
            [python, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Let it catch up with what the earlier saves queued (stale revisions are skipped;
        # the current ones rendered), so that the save below is the only work it has.
        from django_tasks_db.models import DBTaskResult

        deadline = time.monotonic() + 600
        while DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            if time.monotonic() > deadline:
                raise RuntimeError("the worker did not finish the queued tasks")
            time.sleep(0.5)
        connection.close()
        first_exports = []
        for name, slug in [("seed", "leerecosystemen"), ("300 recommendations", "synthetisch")]:
            response = ManagementResponse.objects.get(slug=slug)
            rec = Recommendation.objects.for_response(response).first()
            rec.location = rec.location + " "
            saved = time.perf_counter()
            rec.save()  # commits: the after-commit hook queues the render
            response.refresh_from_db()
            etag = pdf.pdf_etag(response)
            while pdf.cached_pdf_or_none(etag) is None:
                time.sleep(0.05)
                if time.perf_counter() - saved > 300:
                    raise RuntimeError("the worker did not render the PDF")
            ready = time.perf_counter() - saved
            ms, status, body = timed_get(BASE + f"/responses/{slug}/pdf/")
            assert body.startswith(b"%PDF")
            first_exports.append((name, ready, status, ms, len(body)))
            connection.close()

        report(
            options,
            sizes,
            throughput,
            (misses, miss_server),
            (editor_misses, editor_server),
            (not_modified_rate, not_modified_p50, not_modified_server),
            view_times,
            first_exports,
        )
    finally:
        for process in (worker, gunicorn):
            if process is not None and process.poll() is None:
                stop(process)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(cluster.dir, ignore_errors=True)


def report(options, sizes, throughput, misses, editor_misses, not_modified, view_times, first_exports):
    cpu = "unknown"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"\nMachine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}; {platform.platform()}")
    print(f"Load average at the end: {load}")
    print(
        f"wrk -t2 -c4 -d{options.duration}s; gunicorn 2 workers of gunicorn.conf.py's threads, DEBUG off; PostgreSQL 15 (throwaway)\n"
    )
    print("| page | bytes | document page req/s (p50) | static file req/s (p50) | ratio |")
    print("|---|---|---|---|---|")
    for name, size, page_rate, page_p50, static_rate, static_p50 in throughput:
        print(
            f"| {name} | {size:,} | {page_rate:,.0f} ({page_p50:.2f} ms) | {static_rate:,.0f} ({static_p50:.2f} ms)"
            f" | {page_rate / static_rate:.2f} |"
        )
    print()
    for who, (client_times, server) in [("anonymous", misses), ("an editor", editor_misses)]:
        print(
            f"Document page of 300 recommendations after an edit (cache miss), {who}, {len(client_times)} requests: "
            f"client p50 {statistics.median(client_times):.1f} ms, p95 {percentile(client_times, 0.95):.1f} ms, "
            f"max {max(client_times):.1f} ms; server time (gunicorn) p50 {statistics.median(server):.1f} ms, "
            f"p95 {percentile(server, 0.95):.1f} ms"
        )
    rate, p50, server = not_modified
    print(
        f"PDF 304: server time (gunicorn, {len(server)} requests one at a time) p50 {statistics.median(server):.2f} ms, "
        f"p95 {percentile(server, 0.95):.2f} ms; under wrk (4 connections) {rate:,.0f} req/s, p50 {p50:.2f} ms; "
        f"the view in-process (test client, middleware included) p50 {statistics.median(view_times):.2f} ms, "
        f"p95 {percentile(view_times, 0.95):.2f} ms"
    )
    for name, ready, status, ms, size in first_exports:
        print(
            f"First export after a save ({name}): PDF in the cache {ready:.2f} s after the save; "
            f"then the export answered {status} in {ms:.1f} ms ({size:,} bytes)"
        )


if __name__ == "__main__":
    main()
