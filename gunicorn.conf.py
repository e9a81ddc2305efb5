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
import os

# Threads in each worker (gunicorn's gthread worker when above 1): a request that waits on the
# database or a slow page no longer holds back a static file or a short page behind it (the load
# test in benchmarks/README.md: with 2 sync workers a static file took 4-5 times its idle time).
# Each thread takes a connection from the database pool (DB_POOL_MAX_SIZE, 10 by default).
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# Seconds a kept-alive connection may wait for its next request (gthread; gunicorn's default is 2).
# A client that reuses a connection just as the server closes it gets "connection closed without
# response": the load test's users, who wait 1-3 s between requests, met it once in 3,364 requests.
# Behind a proxy that keeps its own connections to gunicorn, set it above the proxy's idle timeout.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))


def pre_fork(server, worker):
    if server.cfg.preload_app:
        gc.freeze()


def post_worker_init(worker):
    if not worker.cfg.preload_app:
        gc.freeze()
