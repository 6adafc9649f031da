"""Page counts for tables of millions of rows: PostgreSQL's planner estimate instead of an
exact COUNT(*), which reads every matching row on each page view of the admin."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """The rows the planner expects ``queryset`` to return, or None where there is no
    planner to ask (SQLite in the embedded run)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter that can match nothing (pk__in=[])
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ``exact_below`` rows (a count that stops there is cheap, and a
    filtered list should say "3 results", not what the planner guesses for the filter), and
    takes the planner's estimate beyond, never less than the rows counted."""

    exact_below = 50_000

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().count
        counted = rows.order_by()[: self.exact_below].count()
        if counted < self.exact_below:
            return counted
        return max(planner_estimate(rows) or 0, counted)
