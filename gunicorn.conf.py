"""gunicorn's settings for this project, read from the working directory (gunicorn's default
``-c ./gunicorn.conf.py``): see README, "Running in production".

One server hook: ``gc.freeze()`` once the application is loaded. Everything loaded by then
(Django, the apps, WeasyPrint) lives as long as the process; frozen, it is left out of the
garbage collector's work (a full collection during a request went through all of it; the
figures are in benchmarks/README.md).

Where the application is loaded decides the hook:
  * with ``--preload`` (README, benchmarks/pages.py) the master loads it once, before it forks
    the workers: ``pre_fork`` freezes it there, so each worker starts with it frozen and its
    collector no longer writes to the memory pages the workers share with the master;
  * without, each worker loads it after the fork: ``post_worker_init`` freezes it in the worker.
"""

import gc


def pre_fork(server, worker):
    if server.cfg.preload_app:
        gc.freeze()


def post_worker_init(worker):
    if not worker.cfg.preload_app:
        gc.freeze()
