"""The test infrastructure itself: which database we run on, and deploy checks."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_database_answers_a_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 + 1")
        assert cursor.fetchone()[0] == 2
    if os.environ.get("TEST_POSTGRES") == "1":
        # The PostgreSQL run must not silently fall back to SQLite.
        assert connection.vendor == "postgresql"
        assert connection.settings_dict["NAME"] == "test_app"
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            assert cursor.fetchone()[0].startswith("15.")


def test_check_deploy_passes():
    """``manage.py check --deploy`` with production-like settings, in a fresh process.

    Settings are read from the environment at import time, so a subprocess is
    the honest way to test the production configuration.
    """
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    # A clean environment: nothing from the test run (TESTING, DATABASE_URL,
    # DJANGO_ALLOW_ASYNC_UNSAFE, ...) may leak into the "production" process.
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHONDONTWRITEBYTECODE"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    env.update(
        DEBUG="0",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(50)),
        ALLOWED_HOSTS="example.org",
        # HSTS preload is opt-in for operators (settings default it off, which
        # check --deploy reports as security.W021); production sets it on.
        SECURE_HSTS_PRELOAD="1",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the connection pool is PostgreSQL's")
@pytest.mark.django_db
def test_the_pool_checks_a_connection_that_was_idle_and_skips_one_in_use_a_moment_ago():
    """config/db.py: a connection idle for over a second is checked before a request gets it (and
    replaced when the server dropped it); one handed out less than a second ago is not (no round trip)."""
    import psycopg

    from config.db import RECENT_SECONDS, check_unless_recent, handed_out_at

    assert connection.settings_dict["OPTIONS"]["pool"]["check"] is check_unless_recent
    spare = psycopg.connect(**connection.get_connection_params(), autocommit=True)
    try:
        check_unless_recent(spare)  # never handed out: checked, and it works
        with connection.cursor() as cursor:  # the server drops it, as a restart would
            cursor.execute("SELECT pg_terminate_backend(%s)", [spare.info.backend_pid])
        check_unless_recent(spare)  # in use a moment ago: handed out as it is
        handed_out_at[spare] -= RECENT_SECONDS + 0.1  # ... and now idle for longer
        with pytest.raises(psycopg.OperationalError):
            check_unless_recent(spare)  # the pool discards it and hands out another
    finally:
        spare.close()
