"""View sessions → daily roll-ups (DailyViewStat), one local day of the company at a time.

The database does the grouping: one ``INSERT … SELECT … GROUP BY`` per rebuild, after a
``DELETE`` of the same days, in one transaction — readers see either the old rows or the
new ones, and rebuilding twice gives the same rows. Days are the company's local days
(``Company.time_zone``), so a scan at 23:30 in Moscow counts for that Moscow date.

What a row counts (per content, day, device type, OS and browser):

- ``views``: sessions with ``counted_view`` (a manifest request was seen);
- ``visitors``: distinct non-empty visitor hashes among those views (the hash changes
  daily, so a visitor is "unique per day");
- ``plays``: sessions whose video played; ``watch_seconds``: their summed duration;
  ``watched_sessions``: sessions that reported a duration above zero.

Bots stay in the roll-up as their own device type ``bot`` (operators can see them); the
figures leave them out of every number and report them apart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from django.db import connection, transaction

from arcontent.analytics.cache import figures_warm, generation_bump
from arcontent.analytics.periods import MAX_DAYS, local_day_bounds, local_today
from companies.models import Company

logger = structlog.get_logger(__name__)

# pg_advisory_xact_lock(namespace, company id): two rebuilds of one company take turns, or
# the second one's INSERT would collide with the first one's fresh rows.
LOCK_NAMESPACE = 5_260_001

_DELETE = """
DELETE FROM arcontent_dailyviewstat
WHERE company_id = %(company)s AND day BETWEEN %(first)s AND %(last)s
"""

# Grouped first, joined after: the join touches one row per group, not one per session.
# The project comes from the content as it is now, so a row's key never depends on where
# a content used to be.
_INSERT = """
INSERT INTO arcontent_dailyviewstat
    (company_id, project_id, content_id, day, device_type, os, browser,
     views, visitors, plays, watch_seconds, watched_sessions)
SELECT c.company_id, c.project_id, g.content_id, g.day, g.device_type, g.os, g.browser,
       g.views, g.visitors, g.plays, g.watch_seconds, g.watched_sessions
FROM (
    SELECT s.content_id, (s.started_at AT TIME ZONE %(tz)s)::date AS day, s.device_type, s.os, s.browser,
           COUNT(*) FILTER (WHERE s.counted_view) AS views,
           COUNT(DISTINCT NULLIF(s.visitor_hash, '')) FILTER (WHERE s.counted_view) AS visitors,
           COUNT(*) FILTER (WHERE s.video_played) AS plays,
           COALESCE(SUM(s.duration_seconds), 0) AS watch_seconds,
           COUNT(*) FILTER (WHERE s.duration_seconds > 0) AS watched_sessions
    FROM arcontent_viewsession s
    WHERE s.company_id = %(company)s AND s.started_at >= %(since)s AND s.started_at < %(until)s
    GROUP BY 1, 2, 3, 4, 5
) AS g
JOIN arcontent_arcontent c ON c.id = g.content_id AND c.company_id = %(company)s
"""


def rollup_rebuild(*, company: Company, first: dt.date, last: dt.date) -> int:
    """Replace the company's DailyViewStat rows of local days ``first``…``last`` with fresh
    ones computed from its view sessions, atomically. Returns the number of rows written."""
    if last < first:
        raise ValueError("last must not be before first")
    if (last - first).days + 1 > MAX_DAYS:
        raise ValueError(f"at most {MAX_DAYS} days at a time")
    since, until = local_day_bounds(company.time_zone, first, last)
    params: dict[str, Any] = {
        "company": company.pk,
        "first": first,
        "last": last,
        "since": since,
        "until": until,
        "tz": company.time_zone,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, company.pk])
        cursor.execute(_DELETE, params)
        deleted = cursor.rowcount
        cursor.execute(_INSERT, params)
        written = cursor.rowcount
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
