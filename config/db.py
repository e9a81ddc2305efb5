"""The PostgreSQL pool's connection check (``DATABASES["default"]["OPTIONS"]["pool"]["check"]``).

psycopg_pool's own check, the one Django sets with ``CONN_HEALTH_CHECKS``, sends an empty
query each time a connection is taken from the pool: a round trip to the server on every
request, about a tenth of the time of a PDF's 304. A connection handed out less than a
second ago worked then: a connection that breaks during a request is closed by Django and
dropped by the pool when it comes back. So only a connection that has been idle for longer
is checked, and replaced when the check fails: one left idle across a restart of PostgreSQL
never reaches a request.

When each connection was last handed out is kept here, in a ``WeakKeyDictionary`` keyed by the
connection (psycopg's connection has no place of ours to keep it): an entry goes when the pool
closes and drops its connection. The pool calls the check in the thread that takes the
connection; threads that take different connections at once touch different keys, and a
dictionary's get and set need no lock of ours.
"""

import time
import weakref

from psycopg_pool import ConnectionPool

RECENT_SECONDS = 1.0

# {connection: time.monotonic() when the pool last handed it out}
handed_out_at: weakref.WeakKeyDictionary[object, float] = weakref.WeakKeyDictionary()


def check_unless_recent(connection) -> None:
    """Raise (so that the pool replaces ``connection``) if it was idle for a while and no longer works."""
    now = time.monotonic()
    if now - handed_out_at.get(connection, float("-inf")) > RECENT_SECONDS:
        ConnectionPool.check_connection(connection)
    handed_out_at[connection] = now
