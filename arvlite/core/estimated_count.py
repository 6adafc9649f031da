"""Page counts for tables of millions of rows: PostgreSQL's planner estimate instead of an
exact COUNT(*), which reads every matching row on each page view of the admin."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """The rows the planner expects ``queryset`` to return, or None where there is no
    planner to ask (SQLite in the embedded run)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly while the estimate is small (an exact count is cheap and a filtered
    list should say "3 results", not "about 5"), and takes the estimate above that."""

    exact_below = 50_000

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            estimate = planner_estimate(self.object_list)
            if estimate is not None and estimate >= self.exact_below:
                return estimate
        return super().count
