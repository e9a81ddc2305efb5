"""The task worker under supervision (core/management/commands/run_worker.py): it starts again
when it exits, the tasks it left running are run again, and it stops in bounded time."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.management.commands.run_worker import Supervisor, recover_tasks
from document.tasks import render_pdf_task

from .factories import ManagementResponseFactory

pytestmark = pytest.mark.django_db


def a_task(*, status, worker_ids=(), started_minutes_ago=0):
    response = ManagementResponseFactory()
    result = render_pdf_task.enqueue(response.pk, "etag")
    DBTaskResult.objects.filter(pk=result.id).update(
        status=status,
        worker_ids=list(worker_ids),
        started_at=timezone.now() - timedelta(minutes=started_minutes_ago) if status == "RUNNING" else None,
    )
    return DBTaskResult.objects.get(pk=result.id)


def test_the_tasks_a_stopped_worker_left_running_are_made_ready_again_and_no_others():
    orphan = a_task(status="RUNNING", worker_ids=["host-1-1"])
    other = a_task(status="RUNNING", worker_ids=["host-1-1", "host-2-1"])  # now another worker's
    waiting = a_task(status="READY")

    assert recover_tasks(worker_id="host-1-1") == 1

    orphan.refresh_from_db()
    other.refresh_from_db()
    waiting.refresh_from_db()
    assert (orphan.status, orphan.started_at) == ("READY", None)
    assert other.status == "RUNNING"
    assert waiting.status == "READY"
    assert DBTaskResult.objects.ready().filter(pk=orphan.pk).exists()  # the next worker picks it up


def test_at_start_tasks_running_for_longer_than_the_stale_limit_are_made_ready_again():
    stale = a_task(status="RUNNING", worker_ids=["gone-9-1"], started_minutes_ago=45)
    recent = a_task(status="RUNNING", worker_ids=["busy-3-1"], started_minutes_ago=2)

    assert recover_tasks(started_before=timezone.now() - timedelta(minutes=30)) == 1

    stale.refresh_from_db()
    recent.refresh_from_db()
    assert (stale.status, recent.status) == ("READY", "RUNNING")


def run_in_thread(supervisor):
    thread = threading.Thread(target=supervisor.run, kwargs={"install_signals": False}, daemon=True)
    thread.start()
    return thread


def wait_until(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_a_worker_that_exits_is_started_again(transactional_db):
    # A worker that dies at once, as db_worker does when the database restarts under it.
    ids = []

    def argv_for(worker_id):
        ids.append(worker_id)
        return [sys.executable, "-c", "import sys; sys.exit(1)"]

    supervisor = Supervisor(argv_for, pause=0.05, max_pause=0.2)
    thread = run_in_thread(supervisor)
    wait_until(lambda: supervisor.starts >= 3)
    supervisor.stop()
    thread.join(5)

    assert not thread.is_alive()
    assert len(set(ids)) == len(ids) >= 3  # each start is a worker of its own (its tasks are told apart)


def test_a_planned_exit_is_followed_by_a_fresh_worker_at_once(transactional_db):
    # --max-tasks or --max-rss-mib reached: the worker exits with 0; no pause before the next.
    supervisor = Supervisor(lambda worker_id: [sys.executable, "-c", "pass"], pause=30, max_pause=30)
    thread = run_in_thread(supervisor)
    wait_until(lambda: supervisor.starts >= 3, seconds=20)
    supervisor.stop()
    thread.join(5)
    assert not thread.is_alive()


RECYCLE = """
import os, signal, sys
import django
django.setup()
signal.signal(signal.SIGTERM, lambda *args: sys.exit(42))  # as db_worker: stop after the task
from django.tasks.signals import task_finished
from core import worker
worker.recycle_when_large()  # what db_worker's task_finished signal runs after each task
signal.pause() if os.environ["EXPECT"] == "stop" else None
sys.exit(0 if task_finished.disconnect(dispatch_uid="core.worker") else 3)  # it was connected
"""


@pytest.mark.parametrize(("bound", "expect", "code"), [("1", "stop", 42), ("100000", "go on", 0)])
def test_a_worker_above_its_memory_bound_after_a_task_asks_itself_to_stop(bound, expect, code):
    """core/worker.py, in a worker process started by run_worker --max-rss-mib: after each task,
    RSS above the bound -> SIGTERM to itself (db_worker then ends its loop and exits)."""
    env = {**os.environ, "TASK_WORKER_MAX_RSS_MIB": bound, "EXPECT": expect}
    done = subprocess.run([sys.executable, "-c", RECYCLE], env=env, timeout=120, cwd=settings.BASE_DIR)
    assert done.returncode == code


def test_a_shutdown_ends_a_worker_that_does_not_stop_in_bounded_time(transactional_db):
    # A worker in the middle of a long render: it ignores SIGTERM until its task is done.
    never_stops = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('up', flush=True); time.sleep(120)"
    )
    supervisor = Supervisor(lambda worker_id: [sys.executable, "-c", never_stops], shutdown_timeout=0.5)
    thread = run_in_thread(supervisor)
    wait_until(lambda: supervisor.child is not None)
    time.sleep(0.3)  # the child has installed its handler

    began = time.monotonic()
    supervisor.stop()
    thread.join(10)

    assert not thread.is_alive()
    assert time.monotonic() - began < 5
    assert supervisor.child.returncode is not None  # killed, not left behind
    assert supervisor.starts == 1  # a stop is not a crash: not started again


REPORT_PRIORITY = """
import os, sys
from multiprocessing import get_context
from pathlib import Path

def report(path):
    Path(path).write_text(f"{os.sched_getscheduler(0)} {os.nice(0)}")

report(sys.argv[1])
# What the worker starts inherits it: a process forked for a render, as core/bounded.py's are.
child = get_context("fork").Process(target=report, args=(sys.argv[1] + ".child",))
child.start()
child.join()
"""


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="Linux's SCHED_IDLE")
@pytest.mark.parametrize(("idle", "nice"), [(True, 0), (True, 10), (False, 10), (False, 0)])
def test_the_worker_and_its_renders_run_at_the_priority_they_were_given(tmp_path, idle, nice):
    """run_worker --idle: the worker, and every process it forks for a render, runs under
    SCHED_IDLE, so that a web request takes the CPU from a render at once; --nice lowers its
    niceness; neither by default."""
    report = tmp_path / "priority"
    argv = [sys.executable, "-c", REPORT_PRIORITY, str(report)]
    supervisor = Supervisor(lambda worker_id: argv, idle=idle, nice=nice)
    thread = run_in_thread(supervisor)
    wait_until(lambda: Path(f"{report}.child").exists() and Path(f"{report}.child").read_text())
    supervisor.stop()
    thread.join(5)

    expected = f"{os.SCHED_IDLE if idle else os.SCHED_OTHER} {os.nice(0) + nice}"
    assert report.read_text() == expected
    assert Path(f"{report}.child").read_text() == expected


@pytest.mark.skipif(os.environ.get("TEST_POSTGRES") != "1", reason="needs the PostgreSQL binaries (the PostgreSQL run)")
def test_the_supervised_worker_goes_on_running_tasks_after_postgresql_restarts(tmp_path):
    """End to end, on a PostgreSQL server of its own: tasks queued before and after a restart of the
    server are both run, by `manage.py run_worker` as production runs it."""
    from .pgserver import Cluster

    cluster = Cluster()
    worker = None
    try:
        cluster.start()
        env = {
            **os.environ,
            "DATABASE_URL": cluster.url,
            "PDF_CACHE_BACKEND": "django.core.cache.backends.dummy.DummyCache",
        }
        env.pop("TEST_POSTGRES", None)
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=300)
        enqueue = "from document.tasks import render_pdf_task; print(render_pdf_task.enqueue(0, 'etag').id)"

        def queue_a_task():
            done = subprocess.run(
                [*manage, "shell", "-c", enqueue], env=env, check=True, capture_output=True, text=True, timeout=120
            )
            return done.stdout.split()[-1]  # the last line: the shell prints a banner first

        def status_of(task_id):
            import psycopg

            try:
                with psycopg.connect(host=cluster.dir, user="postgres", dbname="app") as db:
                    found = db.execute("SELECT status FROM django_tasks_database_dbtaskresult WHERE id = %s", [task_id])
                    return found.fetchone()[0]
            except psycopg.OperationalError:  # the server is restarting
                return None

        log = open(tmp_path / "worker.log", "w")  # noqa: SIM115 -- closed below, after the process
        worker = subprocess.Popen(
            [*manage, "run_worker", "--interval", "0.2", "--shutdown-timeout", "5"], env=env, stdout=log, stderr=log
        )
        first = queue_a_task()
        wait_until(lambda: status_of(first) == "SUCCESSFUL", seconds=120)

        cluster.restart()
        second = queue_a_task()
        wait_until(lambda: status_of(second) == "SUCCESSFUL", seconds=180)
        assert worker.poll() is None  # the supervisor itself never went down

        began = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        assert time.monotonic() - began < 15
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        cluster.stop()
