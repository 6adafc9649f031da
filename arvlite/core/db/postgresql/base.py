"""Django's PostgreSQL backend, plus one retry of a read whose connection dropped.

A connection terminated while a request runs (``pg_terminate_backend``, a database restart,
a proxy closing idle links) makes the request's next query fail although the database now
takes new connections. ``CONN_HEALTH_CHECKS`` only helps at the start of a request. So a
``SELECT`` that fails because its connection is gone is sent once more on a new connection —
only outside a transaction, where nothing but that one statement is lost, and never for a
write, whose fate on the server is unknown. Anything else still fails, and the API and the
error pages answer 503 for it (arvlite.core.db.unavailable).
"""

from __future__ import annotations

from typing import Any

import structlog
from django.db import InterfaceError, OperationalError
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper

from arvlite.core.db.unavailable import connection_is_gone

logger = structlog.get_logger(__name__)


class _RetryReadOnce:
    cursor: Any
    db: Any

    def execute(self, sql: Any, params: Any = None) -> Any:
        try:
            return super().execute(sql, params)  # type: ignore[misc]
        except (OperationalError, InterfaceError) as error:
            if not self._may_retry(sql):
                raise
            logger.warning("db.read_retried", alias=self.db.alias, error=(str(error).splitlines() or [""])[0])
            self.db.close()
            self.db.ensure_connection()
            self.cursor = self.db.create_cursor()
            return super().execute(sql, params)  # type: ignore[misc]

    def _may_retry(self, sql: Any) -> bool:
        return (
            connection_is_gone(self.db)
            and not self.db.in_atomic_block
            and getattr(self.cursor, "name", None) is None  # a server-side cursor lives on the old link
            and isinstance(sql, str)
            and sql.lstrip()[:6].upper() == "SELECT"
            and ";" not in sql  # one statement only: a read, not a read followed by a write
        )


class RetryingCursorWrapper(_RetryReadOnce, CursorWrapper):
    pass


class RetryingCursorDebugWrapper(_RetryReadOnce, CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    def make_cursor(self, cursor: Any) -> CursorWrapper:
        return RetryingCursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor: Any) -> CursorDebugWrapper:
        return RetryingCursorDebugWrapper(cursor, self)
