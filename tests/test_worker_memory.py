"""The task worker's memory after large renders (issue 25): ``manage.py run_worker`` as production
runs it, on a database of its own (SQLite in a temporary folder), rendering a response of about 140
pages and then five small ones. Its worker process's resident memory (RSS, from /proc) must end
within 50 MiB of a fresh worker's: renders run in a child process of their own (core/bounded.py),
and a worker past ``--max-rss-mib`` after a task is replaced by a fresh one (core/worker.py).

Run with ``-s`` to see the figures (benchmarks/README.md quotes them).
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.pdf

MANAGE = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
MiB = 1024 * 1024
MAX_RSS_MIB = 250

BUILD = """
import sys
sys.path.insert(0, "benchmarks")
from synthetic import synthetic_response
synthetic_response(recommendations=820, slug="groot")
for n in range(5):
    synthetic_response(actions=2, parts=1, groups=1, themes_per_group=1, recommendations=3, slug=f"klein-{n}")
"""

ENQUEUE = """
from document import pdf
from responses.models import ManagementResponse
for slug in {slugs!r}:
    pdf.schedule_render(ManagementResponse.objects.get(slug=slug))
"""

PAGES = """
from document import pdf
from responses.models import ManagementResponse
etag = pdf.pdf_etag(ManagementResponse.objects.get(slug="groot"))
data = pdf.cached_pdf_or_none(etag)
assert data is not None, pdf.failure(etag)
open({path!r}, "wb").write(data)
"""


def rss(pid) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise LookupError(pid)


def worker_child(supervisor) -> int | None:
    """The supervisor's db_worker child (its only child), or None between two children."""
    children = Path(f"/proc/{supervisor.pid}/task/{supervisor.pid}/children").read_text().split()
    return int(children[0]) if children else None


def wait_until(condition, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s")


def test_the_workers_memory_after_a_140_page_render_and_five_small_ones_is_near_a_fresh_workers(tmp_path):
    database = tmp_path / "worker.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "PDF_CACHE_BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "PDF_CACHE_LOCATION": str(tmp_path / "pdf"),
        "PDF_DEBOUNCE_SECONDS": "3600",  # only the renders this test asks for
    }
    env.pop("TEST_POSTGRES", None)

    def manage(*args, **kwargs):
        return subprocess.run([*MANAGE, *args], env=env, check=True, timeout=600, cwd=settings.BASE_DIR, **kwargs)

    manage("migrate", "-v0")
    manage("shell", "-c", BUILD)

    def finished():
        with sqlite3.connect(database) as db:
            statuses = [
                row[0]
                for row in db.execute(
                    "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = ?",
                    ["document.tasks.render_pdf_task"],
                )
            ]
        assert "FAILED" not in statuses
        return statuses and all(status == "SUCCESSFUL" for status in statuses)

    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 -- closed below, after the process
    supervisor = subprocess.Popen(
        [*MANAGE, "run_worker", "--interval", "0.2", "--max-rss-mib", str(MAX_RSS_MIB)],
        env=env,
        stdout=log,
        stderr=log,
        cwd=settings.BASE_DIR,
    )
    try:
        wait_until(lambda: worker_child(supervisor) is not None, 60)
        time.sleep(5)  # started, WeasyPrint loaded, polling
        first = worker_child(supervisor)
        fresh = rss(first)

        began = time.monotonic()
        manage("shell", "-c", ENQUEUE.format(slugs=["groot"]))
        wait_until(finished, 600)
        large_seconds = time.monotonic() - began
        manage("shell", "-c", ENQUEUE.format(slugs=[f"klein-{n}" for n in range(5)]))
        wait_until(finished, 300)
        time.sleep(2)
        last = worker_child(supervisor)
        after = rss(last)
        # The worker's own children: the fork server of the render processes (core/bounded.py),
        # which never renders itself and so keeps its size.
        helpers = Path(f"/proc/{last}/task/{last}/children").read_text().split()
        server = sum(rss(pid) for pid in helpers)
    finally:
        supervisor.terminate()
        supervisor.wait(60)
        log.close()

    manage("shell", "-c", PAGES.format(path=str(tmp_path / "groot.pdf")))
    info = subprocess.run(["pdfinfo", str(tmp_path / "groot.pdf")], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[-1] for line in info.stdout.splitlines() if line.startswith("Pages:")))
    print(
        f"\nfresh worker {fresh / MiB:.0f} MiB; after a {pages}-page render ({large_seconds:.1f} s) and five "
        f"small ones {after / MiB:.0f} MiB ({'a fresh process' if last != first else 'the same process'}); "
        f"--max-rss-mib {MAX_RSS_MIB}; its render processes' fork server {server / MiB:.0f} MiB"
    )
    assert pages >= 140
    assert after - fresh <= 50 * MiB
