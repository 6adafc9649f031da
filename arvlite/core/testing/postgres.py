"""Faults of a real PostgreSQL for tests: the app's connection terminated by the server."""

from __future__ import annotations

from typing import Any

import psycopg2
from django.db import connection


def admin_connection() -> Any:
    """A connection of our own to the server's maintenance database, outside the app's."""
    params = connection.get_connection_params()
    admin = psycopg2.connect(
        dbname="postgres", user=params.get("user"), host=params.get("host"), port=params.get("port")
    )
    admin.autocommit = True
    return admin


def terminate_app_connection() -> None:
    """pg_terminate_backend on the connection the app (this thread) holds open."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    admin = admin_connection()
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        admin.close()
