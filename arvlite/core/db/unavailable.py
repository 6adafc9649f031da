"""Telling a database that is away from a query that went wrong (arvlite.core.outages)."""

from __future__ import annotations

from typing import Any

from django.db import InterfaceError, OperationalError


def connection_is_gone(db: Any) -> bool:
    """Whether ``db`` (a DatabaseWrapper) has no working link to the server left."""
    raw = db.connection
    return raw is None or bool(getattr(raw, "closed", False))


# SQLSTATE classes of a lost or refused link: connection exceptions, and the server shutting
# down or not yet taking connections (57P01-57P03).
UNAVAILABLE_SQLSTATES = ("08", "57P")


def database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` is the database being unreachable rather than a fault of the query.

    Told by the error itself: by the time a handler sees it the connection may already have
    been dropped and opened again. A driver error without a SQLSTATE never reached a server
    (refused, reset, closed); a statement the server cancelled or found wrong has one.
    """
    if isinstance(exc, InterfaceError):
        # "connection already closed"; a closed cursor is a bug in our code, not an outage
        return "connection" in str(exc)
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if cause is None or not hasattr(cause, "pgcode"):
        return False  # not PostgreSQL's driver (SQLite: a missing table is no outage)
    sqlstate = cause.pgcode
    return sqlstate is None or str(sqlstate).startswith(UNAVAILABLE_SQLSTATES)
