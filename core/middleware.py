"""A read that meets a dropped database connection is retried once, on a fresh connection.

When PostgreSQL restarts (or an administrator ends a backend), every connection the pool holds
is dead, and the pool checks only those idle for over a second (config/db.py). A request that
gets one fails at its first query. For a safe request (GET, HEAD: nothing written, so nothing
can be written twice) ``RetryReadsMiddleware`` then closes the broken connection, takes
connections until one answers (the pool discards each dead one it gets back), and runs the
view once more. Writes are never retried: the user sees the error and decides.

Only errors that left the connection unusable count: a query that fails on a working
connection (a lock timeout, a bug) fails as before.
"""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

SAFE_METHODS = {"GET", "HEAD"}
# Connections taken before giving up: a restart leaves as many dead ones as the pool held.
ATTEMPTS = 12


def reconnect_broken() -> bool:
    """Replace every unusable connection of this thread by a working one. False when none was
    broken (nothing to retry), when one is inside a transaction, or when no working one comes."""
    replaced = False
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and conn.is_usable():
            continue
        if conn.in_atomic_block:
            return False
        for _attempt in range(ATTEMPTS):
            conn.close()
            try:
                conn.ensure_connection()
            except DatabaseError:
                return False  # the server is not back: the request fails as it would have
            if conn.is_usable():
                replaced = True
                break
        else:
            return False
    return replaced


class RetryReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if (
            request.method not in SAFE_METHODS
            or not isinstance(exception, OperationalError | InterfaceError)
            or getattr(request, "database_retried", False)
            or request.resolver_match is None
        ):
            return None
        if not reconnect_broken():
            return None
        request.database_retried = True
        logger.warning("A read met a dropped database connection; retried on a fresh one: %s", request.path)
        match = request.resolver_match
        return match.func(request, *match.args, **match.kwargs)
