"""``manage.py run_worker``: the task worker, under supervision.

django-tasks-db's ``db_worker`` runs the background tasks (PDF renders). On its own it exits
when the database goes away under it ("the connection is closed"), a task it was running
stays RUNNING for good, and a shutdown waits for the current task however long it takes.
This command runs it as a child process and keeps the promises around it:

* a child that exits (the database restarted, a crash, ``--max-tasks`` reached, its memory past
  ``--max-rss-mib`` after a task: core/worker.py) is started again: at once after a planned
  exit (code 0), else after a pause that grows from one second to at most thirty while it
  keeps failing at once;
* the tasks a child left RUNNING when it exited are made READY again, so the next child
  runs them (our tasks may run twice: a render is keyed by its content); at start, so are
  RUNNING tasks older than ``--stale-after`` (left by a worker that died with its machine);
* SIGTERM or SIGINT asks the child to stop after its task, and kills it after
  ``--shutdown-timeout`` seconds: a restart never hangs on a long render.

The development command (``./scripts/dev``) and the production units in the README run this.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from itertools import count
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core import worker

logger = logging.getLogger(__name__)

READY, RUNNING = "READY", "RUNNING"


def recover_tasks(*, worker_id=None, started_before=None) -> int:
    """Make READY again the RUNNING tasks of ``worker_id`` (a child that is gone), or those started
    before ``started_before``. Returns how many; a database that is away counts as none for now."""
    try:
        running = DBTaskResult.objects.filter(status=RUNNING)
        if started_before is not None:
            running = running.filter(started_at__lt=started_before)
        ids = [
            pk
            for pk, worker_ids in running.values_list("pk", "worker_ids")
            if worker_id is None or (worker_ids and worker_ids[-1] == worker_id)
        ]
        if not ids:
            return 0
        recovered = DBTaskResult.objects.filter(pk__in=ids, status=RUNNING).update(status=READY, started_at=None)
    except DatabaseError:
        logger.warning("The database is not reachable: stuck tasks are recovered at the next start.")
        close_old_connections()
        return 0
    if recovered:
        logger.warning("Made %d task(s) left running by a stopped worker ready again.", recovered)
    return recovered


class Supervisor:
    """Runs the command ``argv_for(worker_id)`` gives, again and again, until told to stop."""

    def __init__(self, argv_for, *, shutdown_timeout=30.0, pause=1.0, max_pause=30.0, nice=0, idle=False, env=None):
        self.argv_for = argv_for
        self.env = env  # the children's environment (None: this process's)
        self.shutdown_timeout = shutdown_timeout
        self.pause = pause
        self.max_pause = max_pause
        self.nice = nice
        self.idle = idle  # Linux's SCHED_IDLE: the worker runs on CPU time nothing else wants
        self.stopping = False
        self.child: subprocess.Popen | None = None  # the running worker, for the tests
        self.starts = 0
        self._ids = (f"{socket.gethostname()}-{os.getpid()}-{n}" for n in count(1))

    def stop(self, *args):
        self.stopping = True

    def run(self, *, install_signals=True):
        if install_signals:
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
        streak = 0  # starts in a row that ended within a minute
        while not self.stopping:
            worker_id = next(self._ids)
            started = time.monotonic()
            self.starts += 1
            child = subprocess.Popen(
                self.argv_for(worker_id),
                preexec_fn=self._lower_priority if self.nice or self.idle else None,
                env=self.env,
            )
            self.child = child
            while child.poll() is None:
                if self.stopping:
                    self._end_child(child)
                    break
                time.sleep(0.1)
            code = child.returncode
            recover_tasks(worker_id=worker_id)
            if self.stopping:
                break
            ran = time.monotonic() - started
            if code == 0:
                # A planned exit (--max-tasks, --max-rss-mib): a fresh process at once.
                streak, pause = 0, 0.0
                logger.info("The task worker exited as planned after %.0f s; starting a fresh one.", ran)
            else:
                streak = streak + 1 if ran < 60 else 0
                pause = min(self.pause * 2 ** max(streak - 1, 0), self.max_pause)
                logger.warning(
                    "The task worker exited (code %s) after %.0f s; starting it again in %.0f s.", code, ran, pause
                )
            deadline = time.monotonic() + pause
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.1)
        connections.close_all()  # this thread's, opened to recover tasks

    def _lower_priority(self):
        # In the child, before it runs the worker; what the worker starts (the fork server of
        # core/bounded.py and each render's process) inherits both.
        if self.idle:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        if self.nice:
            os.nice(self.nice)

    def _end_child(self, child):
        """Ask the child to stop after its task; kill it when it takes longer than the timeout."""
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(self.shutdown_timeout)
        except subprocess.TimeoutExpired:
            logger.warning("The task worker did not stop within %s s: killed.", self.shutdown_timeout)
            child.kill()
            child.wait()


class Command(BaseCommand):
    help = "Run the task worker (django-tasks-db's db_worker) under supervision: restarted when it exits, stuck tasks recovered, a bounded shutdown."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between polls for tasks (1).")
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help="Start a fresh worker process after this many tasks (its memory back to a fresh process's).",
        )
        parser.add_argument(
            "--shutdown-timeout", type=float, default=30.0, help="Seconds a stopping worker may take (30)."
        )
        parser.add_argument(
            "--stale-after",
            type=int,
            default=30,
            help="At start, tasks RUNNING for longer than this many minutes are made ready again (30).",
        )
        parser.add_argument(
            "--nice", type=int, default=0, help="Run the worker at a lower CPU priority (os.nice), web requests first."
        )
        parser.add_argument(
            "--idle",
            action="store_true",
            help=(
                "Run the worker only on CPU time nothing else wants (Linux's SCHED_IDLE): a web request "
                "takes the CPU from a render at once."
            ),
        )
        parser.add_argument(
            "--max-rss-mib",
            type=int,
            default=None,
            help="Start a fresh worker process when one's resident memory is above this after a task (MiB).",
        )

    def handle(self, *args, interval, max_tasks, shutdown_timeout, stale_after, nice, idle, max_rss_mib, **options):
        if idle and not hasattr(os, "SCHED_IDLE"):
            raise CommandError("--idle needs Linux's SCHED_IDLE scheduling policy; use --nice here.")
        manage = Path(sys.argv[0]) if sys.argv[0].endswith("manage.py") else Path(settings.BASE_DIR) / "manage.py"

        def argv_for(worker_id):
            argv = [sys.executable, str(manage), "db_worker", "--worker-id", worker_id, "--interval", str(interval)]
            if max_tasks:
                argv += ["--max-tasks", str(max_tasks)]
            return argv

        recover_tasks(started_before=timezone.now() - timedelta(minutes=stale_after))
        close_old_connections()  # the children have their own; this process holds none while it waits
        env = dict(os.environ)
        if max_rss_mib:
            env[worker.MAX_RSS_ENV] = str(max_rss_mib)
        Supervisor(argv_for, shutdown_timeout=shutdown_timeout, nice=nice, idle=idle, env=env).run()
