"""View sessions → daily roll-ups (DailyViewStat), one local day of the company at a time.

The database does the grouping: one ``INSERT … SELECT … GROUP BY`` per rebuild, after a
``DELETE`` of the same days, in one transaction — readers see either the old rows or the
new ones, and rebuilding twice gives the same rows. The ORM writes the grouping in the
database's own dialect (PostgreSQL in production, SQLite in the embedded run); what else
differs between them is in ``dialect.py``. Days are the company's local days
(``Company.time_zone``), so a scan at 23:30 in Moscow counts for that Moscow date.

What a row counts (per content, day, device type, OS and browser):

- ``views``: sessions with ``counted_view`` (a manifest request was seen);
- ``visitors``: distinct non-empty visitor hashes among those views (the hash changes
  daily, so a visitor is "unique per day");
- ``plays``: sessions whose video played; ``watch_seconds``: their summed duration;
  ``watched_sessions``: sessions that reported a duration above zero.

Bots stay in the roll-up as their own device type ``bot`` (operators can see them); the
figures leave them out of every number and report them apart.

DailyCompanyStat (per company, day and agent) and DailyContentTotal (per content and day,
people only) are DailyViewStat summed, rebuilt in the same transaction from its fresh rows:
the company-wide figures read them instead of one row per content and agent.

Per video (DailyVideoStat, rebuilt in the same transaction, bots left out), per content,
video, local day and ``selection_source``: ``sessions`` with that video, ``plays`` and
``visitors`` among them that played, their ``watch_seconds``; ``positioned``: sessions that
reported how far they got in a video of known length, and of those ``reached_25`` …
``reached_100`` (the quarters) and ``completed`` (at least 90 %).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import structlog
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncDate

from arcontent.analytics.cache import figures_warm, generation_bump
from arcontent.analytics.dialect import take_rebuild_turn
from arcontent.analytics.periods import MAX_DAYS, local_day_bounds, local_today
from arcontent.models import ViewSession
from arvlite.core.tenancy import company_scope
from companies.models import Company
from videos.models import Video

logger = structlog.get_logger(__name__)

# Every roll-up table is keyed by company and local day.
_DELETE = """
DELETE FROM {table}
WHERE company_id = %s AND day BETWEEN %s AND %s
"""
_FROM_SESSIONS = ("arcontent_dailyviewstat", "arcontent_dailyvideostat")
_SUMMED = ("arcontent_dailycompanystat", "arcontent_dailycontenttotal")

# Grouped first, joined after: the join touches one row per group, not one per session.
# The project comes from the content as it is now, so a row's key never depends on where
# a content used to be.
_INSERT = """
INSERT INTO arcontent_dailyviewstat
    (company_id, project_id, content_id, day, device_type, os, browser,
     views, visitors, plays, watch_seconds, watched_sessions)
SELECT c.company_id, c.project_id, g.content_id, g.day, g.device_type, g.os, g.browser,
       g.views, g.visitors, g.plays, g.watch_seconds, g.watched_sessions
FROM ({grouped}) AS g
JOIN arcontent_arcontent c ON c.id = g.content_id AND c.company_id = %s
"""


_INSERT_VIDEOS = """
INSERT INTO arcontent_dailyvideostat
    (company_id, project_id, content_id, video_id, day, selection_source, sessions, plays,
     visitors, watch_seconds, positioned, reached_25, reached_50, reached_75, reached_100, completed)
SELECT c.company_id, c.project_id, g.content_id, g.video_id, g.day, g.selection_source,
       g.sessions, g.plays, g.visitors, g.watch_seconds, g.positioned, g.reached_25,
       g.reached_50, g.reached_75, g.reached_100, g.completed
FROM ({grouped}) AS g
JOIN arcontent_arcontent c ON c.id = g.content_id AND c.company_id = %s
"""


# The company-wide sums are made from the fresh DailyViewStat rows of the same days (a few
# hundred thousand rows at most, not the sessions). Summing per-content visitors is what
# the figures did before: a person who scans two prints is two visitors of the company.
_INSERT_COMPANY = """
INSERT INTO arcontent_dailycompanystat
    (company_id, day, device_type, os, browser, views, visitors, plays, watch_seconds, watched_sessions)
SELECT company_id, day, device_type, os, browser,
       SUM(views), SUM(visitors), SUM(plays), SUM(watch_seconds), SUM(watched_sessions)
FROM arcontent_dailyviewstat
WHERE company_id = %s AND day BETWEEN %s AND %s
GROUP BY company_id, day, device_type, os, browser
"""
_INSERT_CONTENT_TOTALS = """
INSERT INTO arcontent_dailycontenttotal
    (company_id, content_id, day, views, visitors, plays, watch_seconds, watched_sessions)
SELECT company_id, content_id, day,
       SUM(views), SUM(visitors), SUM(plays), SUM(watch_seconds), SUM(watched_sessions)
FROM arcontent_dailyviewstat
WHERE company_id = %s AND day BETWEEN %s AND %s AND device_type <> %s
GROUP BY company_id, content_id, day
"""


def _reached(share: float) -> Q:
    return Q(length__gt=0, position_seconds__gte=F("length") * share)


def _grouped_videos(company: Company, since: dt.datetime, until: dt.datetime) -> tuple[str, tuple[Any, ...]]:
    """The sessions of [since, until) with a known video, per content, video, local day and
    selection rule, as SQL + params."""
    played = Q(video_played=True)
    length = Video.objects.filter(pk=OuterRef("video_id")).values("duration_seconds")[:1]
    sessions = (
        ViewSession.objects.filter(company=company, started_at__gte=since, started_at__lt=until)
        .filter(video_id__isnull=False)
        .exclude(device_type=ViewSession.Device.BOT)
        .annotate(length=Coalesce(Subquery(length), 0))
    )
    grouped = (
        sessions.annotate(day=TruncDate("started_at", tzinfo=zoneinfo.ZoneInfo(company.time_zone)))
        .values("content_id", "video_id", "day", "selection_source")
        .annotate(
            sessions=Count("pk"),
            plays=Count("pk", filter=played),
            visitors=Count(NullIf("visitor_hash", Value("")), distinct=True, filter=played),
            watch_seconds=Coalesce(Sum("duration_seconds", filter=played), 0),
            positioned=Count("pk", filter=Q(length__gt=0, position_seconds__isnull=False)),
            reached_25=Count("pk", filter=_reached(0.25)),
            reached_50=Count("pk", filter=_reached(0.5)),
            reached_75=Count("pk", filter=_reached(0.75)),
            reached_100=Count("pk", filter=_reached(1.0)),
            completed=Count("pk", filter=_reached(0.9)),
        )
        .order_by()
    )
    return grouped.query.sql_with_params()


def _grouped(company: Company, since: dt.datetime, until: dt.datetime) -> tuple[str, tuple[Any, ...]]:
    """The sessions of [since, until) per content, local day and agent, as SQL + params."""
    viewed = Q(counted_view=True)
    sessions = ViewSession.objects.filter(company=company, started_at__gte=since, started_at__lt=until)
    grouped = (
        sessions.annotate(day=TruncDate("started_at", tzinfo=zoneinfo.ZoneInfo(company.time_zone)))
        .values("content_id", "day", "device_type", "os", "browser")
        .annotate(
            views=Count("pk", filter=viewed),
            visitors=Count(NullIf("visitor_hash", Value("")), distinct=True, filter=viewed),
            plays=Count("pk", filter=Q(video_played=True)),
            watch_seconds=Coalesce(Sum("duration_seconds"), 0),
            watched_sessions=Count("pk", filter=Q(duration_seconds__gt=0)),
        )
        .order_by()
    )
    return grouped.query.sql_with_params()


def _sum_company_wide(cursor: Any, key: list[Any]) -> int:
    """Rows deleted and written (a change in them alone makes the cached figures stale)."""
    changed = 0
    for table in _SUMMED:
        cursor.execute(_DELETE.format(table=table), key)
        changed += cursor.rowcount
    cursor.execute(_INSERT_COMPANY, key)
    changed += cursor.rowcount
    cursor.execute(_INSERT_CONTENT_TOTALS, [*key, ViewSession.Device.BOT])
    return changed + cursor.rowcount


def company_sums_rebuild(*, company: Company, first: dt.date, last: dt.date) -> None:
    """Only the company-wide sums of days ``first``…``last``, from their DailyViewStat rows
    as they are (rollup_rebuild does this itself; for rows written another way)."""
    key = [company.pk, *(connection.ops.adapt_datefield_value(day) for day in (first, last))]
    with transaction.atomic(), connection.cursor() as cursor:
        take_rebuild_turn(cursor, company.pk)
        _sum_company_wide(cursor, key)
    generation_bump(company.pk)


def rollup_rebuild(*, company: Company, first: dt.date, last: dt.date) -> int:
    """Replace the company's DailyViewStat rows of local days ``first``…``last`` with fresh
    ones computed from its view sessions, atomically. Returns the number of rows written."""
    if last < first:
        raise ValueError("last must not be before first")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at a time")
    since, until = local_day_bounds(company.time_zone, first, last)
    with company_scope(company):
        grouped, grouped_params = _grouped(company, since, until)
        by_video, by_video_params = _grouped_videos(company, since, until)
    with transaction.atomic(), connection.cursor() as cursor:
        take_rebuild_turn(cursor, company.pk)  # or two rebuilds' INSERTs would collide
        key = [company.pk, *(connection.ops.adapt_datefield_value(day) for day in (first, last))]
        deleted = 0
        for table in _FROM_SESSIONS:
            cursor.execute(_DELETE.format(table=table), key)
            deleted += cursor.rowcount
        cursor.execute(_INSERT.format(grouped=grouped), [*grouped_params, company.pk])
        written = cursor.rowcount
        # The per-video rows come from the same sessions: they are not counted twice, but a
        # change in them alone still makes the cached figures stale.
        cursor.execute(_INSERT_VIDEOS.format(grouped=by_video), [*by_video_params, company.pk])
        deleted += cursor.rowcount
        deleted += _sum_company_wide(cursor, key)
    if deleted or written:  # after the commit: the company's cached figures are stale
        generation_bump(company.pk)
    logger.info("analytics.rolled_up", company=company.pk, first=str(first), last=str(last), rows=written)
    return written


def rollup_recent(*, company: Company, days: int) -> tuple[dt.date, dt.date, int]:
    """Rebuild the company's last ``days`` local days, today included."""
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    last = local_today(company)
    first = last - dt.timedelta(days=days - 1)
    return first, last, rollup_rebuild(company=company, first=first, last=last)


def rollup_and_warm(*, company: Company, days: int) -> int:
    """``rollup_recent``, then the company's usual figures computed into the cache when
    there was anything to roll up."""
    written = rollup_recent(company=company, days=days)[2]
    if written:
        figures_warm(company=company)
    return written


def rollup_all_companies(*, days: int) -> int:
    """Every active company's last ``days`` local days (the periodic job). Crosses tenants
    on purpose: the roll-up SQL itself is limited to one company at a time. A company that
    fails is logged and skipped, so one bad row never stops the others."""
    written = 0
    for company in Company.objects.filter(status=Company.Status.ACTIVE).order_by("pk"):
        try:
            written += rollup_and_warm(company=company, days=days)
        except Exception:
            logger.exception("analytics.rollup_failed", company=company.pk)
    return written
