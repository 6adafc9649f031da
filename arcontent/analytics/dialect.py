"""The two things the analytics ask of the database beyond portable SQL, per vendor.

Production runs on PostgreSQL, the embedded run (`scripts/run`) on SQLite; the roll-up and
figure queries themselves are built by the ORM for either. Only here does the vendor
matter, so a new backend is one entry in ``_DIALECTS`` (an unknown one is refused).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.backends.utils import CursorWrapper

# PostgreSQL's default work_mem (4 MB) makes a company's 90-day grouping (~500,000 roll-up
# rows at 10 million scans) sort on disk; with room it hashes in memory, about twice as fast.
GROUPING_WORK_MEM = "64MB"

# pg_advisory_xact_lock(namespace, company id): the namespace keeps these locks apart
# from any other advisory lock.
LOCK_NAMESPACE = 5_260_001


@dataclass(frozen=True, slots=True)
class _Dialect:
    # Run first in a roll-up's transaction with (namespace, company id): waits until no
    # other roll-up of that company is in its transaction. None: the database already
    # makes them take turns.
    rebuild_turn_sql: str | None
    # Run first in a figures transaction: room for the big GROUP BY. None: nothing to set.
    roomy_grouping_sql: str | None


_DIALECTS = {
    "postgresql": _Dialect(
        rebuild_turn_sql="SELECT pg_advisory_xact_lock(%s, %s)",
        roomy_grouping_sql=f"SET LOCAL work_mem = '{GROUPING_WORK_MEM}'",
    ),
    # SQLite lets one connection write at a time, for the whole file. A roll-up's first
    # statement is its DELETE, so from there to its commit it holds the write lock, and a
    # second roll-up waits (the busy timeout) before its own DELETE — then reads the
    # first one's committed rows. The turns the advisory lock gives, without a lock.
    # SQLite has no work_mem; its GROUP BY needs no setting.
    "sqlite": _Dialect(rebuild_turn_sql=None, roomy_grouping_sql=None),
}


def _dialect() -> _Dialect:
    try:
        return _DIALECTS[connection.vendor]
    except KeyError:
        raise ImproperlyConfigured(
            f"The analytics run on PostgreSQL or SQLite, not on {connection.vendor}."
        ) from None


def take_rebuild_turn(cursor: CursorWrapper, company_id: int) -> None:
    """Wait until no other roll-up of the company is in its transaction; call first in
    the roll-up's transaction (the turn ends with it)."""
    sql = _dialect().rebuild_turn_sql
    if sql is not None:
        cursor.execute(sql, [LOCK_NAMESPACE, company_id])


def make_room_for_grouping() -> None:
    """Give the current transaction's big GROUP BY room to hash in memory."""
    sql = _dialect().roomy_grouping_sql
    if sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
