"""Pytest plugin: test environment defaults and an optional throwaway PostgreSQL.

Enabled for every run through ``addopts = "-p tests.pgserver"`` in pyproject.toml.

Always (before pytest-django imports ``config.settings``): sets the environment
defaults the settings module needs at import time -- TESTING=1, a test
SECRET_KEY, ALLOWED_HOSTS, no SSL redirect and an in-memory PDF cache.
DEBUG is left alone (settings default to DEBUG off, like production).

With ``TEST_POSTGRES=1``: starts a private PostgreSQL 15 cluster in a fresh
temporary folder, listening only on a unix socket in that folder (no TCP port,
so it cannot clash with anything), points ``DATABASE_URL`` at it, and stops and
deletes it when pytest ends (``pytest_unconfigure``; an ``atexit`` handler
covers runs that die before pytest is configured). pytest-django then creates
``test_app`` on that server as usual.

``initdb`` refuses to run as root, so as root the server binaries run as the
``postgres`` user through ``runuser``. pytest-xdist is not needed (nor used);
if it is ever installed, workers reuse the controller's cluster.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.parse

import pytest

PG_BIN = os.environ.get("TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin")

# Defaults that must be in the environment before config.settings is imported.
ENV_DEFAULTS = {
    "TESTING": "1",
    "SECRET_KEY": "test-secret-key-not-for-production",
    "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
    "SECURE_SSL_REDIRECT": "0",
    "PDF_CACHE_BACKEND": "django.core.cache.backends.locmem.LocMemCache",
}

# Marks a DATABASE_URL this plugin set, so pytest-xdist workers (which inherit
# the controller's environment) reuse the controller's cluster.
_OWNER_ENV = "TEST_POSTGRES_SOCKET_DIR"

_cluster: Cluster | None = None


class Cluster:
    def __init__(self) -> None:
        self.as_root = os.geteuid() == 0
        self.dir = tempfile.mkdtemp(prefix="pytest-pg-")
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")
        self.started = False
        self.version = ""

    def _cmd(self, *args: str) -> list[str]:
        if self.as_root:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def _run(self, *args: str) -> str:
        result = subprocess.run(self._cmd(*args), capture_output=True, text=True, cwd=self.dir)
        if result.returncode != 0:
            log = ""
            if os.path.exists(self.log):
                with open(self.log, errors="replace") as fh:
                    log = fh.read()[-4000:]
            raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}{result.stderr}{log}")
        return result.stdout

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.dir, user="postgres", group="postgres")
        self.version = subprocess.run(
            [os.path.join(PG_BIN, "postgres"), "--version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        self._run(
            os.path.join(PG_BIN, "initdb"),
            "-D",
            self.data,
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )
        options = f"-k {self.dir} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self.started = True  # from here on, try to stop it on cleanup
        self._run(
            os.path.join(PG_BIN, "pg_ctl"),
            "-D",
            self.data,
            "-l",
            self.log,
            "-w",
            "-t",
            "60",
            "-o",
            options,
            "start",
        )
        # The database DATABASE_URL names; pytest-django creates test_app next
        # to it (connecting through the "postgres" maintenance database).
        self._run(os.path.join(PG_BIN, "createdb"), "-h", self.dir, "-U", "postgres", "app")

    def restart(self) -> None:
        """A fast restart, as an administrator's: every connection is closed under its client."""
        # -l: the server's output goes to its log, not to the pipes _run reads to their end.
        self._run(os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l", self.log, "-m", "fast", "-w", "restart")

    @property
    def url(self) -> str:
        return f"postgres://postgres@{urllib.parse.quote(self.dir, safe='')}/app"

    def stop(self) -> None:
        if self.started:
            self.started = False
            # Throwaway data: no need for a clean shutdown checkpoint.
            subprocess.run(
                self._cmd(
                    os.path.join(PG_BIN, "pg_ctl"),
                    "-D",
                    self.data,
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ),
                capture_output=True,
                cwd="/",
            )
        shutil.rmtree(self.dir, ignore_errors=True)


def _stop_cluster() -> None:
    global _cluster
    cluster, _cluster = _cluster, None
    if cluster is not None:
        cluster.stop()
        if os.environ.get(_OWNER_ENV) == cluster.dir:
            del os.environ[_OWNER_ENV]


def _terminate(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config, parser, args):
    for name, value in ENV_DEFAULTS.items():
        os.environ.setdefault(name, value)

    if os.environ.get("TEST_POSTGRES") != "1":
        return
    if os.environ.get(_OWNER_ENV) and os.environ.get("PYTEST_XDIST_WORKER"):
        return  # an xdist worker: the controller's cluster is already running

    global _cluster
    atexit.register(_stop_cluster)
    _cluster = Cluster()
    try:
        _cluster.start()
    except BaseException:
        _stop_cluster()
        raise
    os.environ["DATABASE_URL"] = _cluster.url
    os.environ[_OWNER_ENV] = _cluster.dir
    # A plain SIGTERM (CI cancelling a job, `timeout`) would end Python without
    # pytest_unconfigure or atexit and leave the server running: treat it like
    # Ctrl-C so pytest shuts down the usual way.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate)
    # Django's psycopg pool stays on (as in production): Django closes the
    # pool itself before it creates, clones or drops the test database, so
    # "database is being accessed by other users" does not occur. Fall back to
    # DB_POOL=off here if that ever changes.


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    if _cluster is None:
        return
    line = f"PostgreSQL (throwaway cluster): {_cluster.version} at {_cluster.dir}"
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:
        print(line, file=sys.stderr)


def pytest_unconfigure(config):
    _stop_cluster()
