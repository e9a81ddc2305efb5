"""Inside a task worker process (``manage.py run_worker`` starts django-tasks-db's ``db_worker`` as
its child): recycling by memory.

A Python process keeps the memory it once needed: after a large task its resident size stays
near its peak. With ``run_worker --max-rss-mib N`` the child gets ``TASK_WORKER_MAX_RSS_MIB=N``
and, after each task, ``recycle_when_large`` compares its resident set size (RSS) with N: above
it, the child asks itself to stop (SIGTERM: ``db_worker`` finishes the loop and exits normally)
and the supervisor starts a fresh one at once. The task itself has finished and is recorded.
"""

import logging
import os
import signal

from core.bounded import resident_bytes

logger = logging.getLogger(__name__)

MAX_RSS_ENV = "TASK_WORKER_MAX_RSS_MIB"


def max_rss_bytes() -> int | None:
    value = os.environ.get(MAX_RSS_ENV, "")
    return int(value) * 1024 * 1024 if value.isdigit() and int(value) > 0 else None


def recycle_when_large(sender=None, **kwargs):
    """``task_finished`` receiver: stop this worker process when its RSS went past the bound."""
    bound = max_rss_bytes()
    if bound is None:
        return
    rss = resident_bytes()
    if rss > bound:
        logger.info(
            "Task worker at %.0f MiB after a task (bound %.0f MiB): exiting for a fresh process.",
            rss / 2**20,
            bound / 2**20,
        )
        os.kill(os.getpid(), signal.SIGTERM)
