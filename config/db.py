"""The PostgreSQL pool's connection check (``DATABASES["default"]["OPTIONS"]["pool"]["check"]``).

psycopg_pool's own check, the one Django sets with ``CONN_HEALTH_CHECKS``, sends an empty
query each time a connection is taken from the pool: a round trip to the server on every
request, about a tenth of the time of a PDF's 304. A connection handed out less than a
second ago worked then: a connection that breaks during a request is closed by Django and
dropped by the pool when it comes back. So only a connection that has been idle for longer
is checked, and replaced when the check fails: one left idle across a restart of PostgreSQL
never reaches a request.
"""

import time

from psycopg_pool import ConnectionPool

RECENT_SECONDS = 1.0


def check_unless_recent(connection) -> None:
    """Raise (so that the pool replaces ``connection``) if it was idle for a while and no longer works."""
    now = time.monotonic()
    if now - getattr(connection, "_handed_out_at", float("-inf")) > RECENT_SECONDS:
        ConnectionPool.check_connection(connection)
    connection._handed_out_at = now
