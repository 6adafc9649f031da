"""The figures of a company, project or content over a period, read from the daily
roll-ups only (three or four aggregate queries whatever the number of scans). The company
as a whole reads the company-wide roll-ups (DailyCompanyStat, DailyContentTotal), whose
rows grow with the days, not with the company's content.

Bots are left out of every figure and counted apart (``Totals.bot_views``). Unique
visitors are counted per content and day by the roll-up and added up here: a visitor hash
changes daily, and a person who scans two prints is two visitors of the company.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from arcontent.analytics.dialect import make_room_for_grouping
from arcontent.analytics.periods import Period
from arcontent.models import ARContent, DailyCompanyStat, DailyContentTotal, DailyViewStat, ViewSession
from companies.models import Company
from projects.models import Project

BOT = ViewSession.Device.BOT
TOP_CONTENT = 10
SHARES_SHOWN = 10  # per breakdown; the rest is summed into one entry with key None

_HUMAN = ~Q(device_type=BOT)


def _sum(name: str, only: Q | None = _HUMAN) -> Coalesce:
    return Coalesce(Sum(name, filter=only), 0)


_FIELDS = ("views", "visitors", "plays", "watch_seconds", "watched_sessions")
# Annotations may not share a name with the fields they add up.
_COUNTERS = {f"sum_{name}": _sum(name) for name in _FIELDS}
# The same without the bot filter: for grouped rows, which carry their device type.
_ALL_COUNTERS = {f"sum_{name}": Coalesce(Sum(name), 0) for name in _FIELDS}


@dataclass(frozen=True, slots=True)
class Counts:
    views: int = 0
    visitors: int = 0
    plays: int = 0
    watch_seconds: int = 0
    watched_sessions: int = 0

    @property
    def average_watch_seconds(self) -> float | None:
        """Mean watch time of the sessions that reported one (None: none did)."""
        if not self.watched_sessions:
            return None
        return round(self.watch_seconds / self.watched_sessions, 1)

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Counts:
        return cls(**{name: int(row.get(f"sum_{name}") or 0) for name in _FIELDS})


@dataclass(frozen=True, slots=True)
class Day:
    day: dt.date
    counts: Counts


@dataclass(frozen=True, slots=True)
class Share:
    key: str | None  # "" = unknown, None = every other value together
    views: int


@dataclass(frozen=True, slots=True)
class ContentRank:
    unique_id: uuid.UUID
    order_number: str
    customer_name: str
    project_id: int
    project_name: str
    counts: Counts


@dataclass(frozen=True)
class Figures:
    period: Period
    totals: Counts
    bot_views: int
    daily: list[Day]
    devices: list[Share]
    systems: list[Share]
    browsers: list[Share]
    top_content: list[ContentRank] | None = field(default=None)  # None for one content

    @property
    def is_empty(self) -> bool:
        return not (self.totals.views or self.totals.plays or self.bot_views)


def _stats(
    company: Company, period: Period, project: Project | None, content: ARContent | None
) -> QuerySet[DailyViewStat] | QuerySet[DailyCompanyStat]:
    """The rows per day and agent: the company-wide roll-up for the company as a whole."""
    days = {"company": company, "day__range": (period.first, period.last)}
    if content is not None:
        return DailyViewStat.objects.filter(**days, content=content)
    if project is not None:
        return DailyViewStat.objects.filter(**days, project=project)
    return DailyCompanyStat.objects.filter(**days)


def _people_per_content(
    company: Company, period: Period, project: Project | None
) -> QuerySet[DailyViewStat] | QuerySet[DailyContentTotal]:
    """The rows to rank content by, people only."""
    days = {"company": company, "day__range": (period.first, period.last)}
    if project is not None:
        return DailyViewStat.objects.filter(_HUMAN, **days, project=project)
    return DailyContentTotal.objects.filter(**days)


def _ranked(totals: dict[str, int], limit: int = SHARES_SHOWN) -> list[Share]:
    ordered = sorted(((views, key) for key, views in totals.items() if views), key=lambda p: (-p[0], p[1]))
    shares = [Share(key, views) for views, key in ordered[:limit]]
    rest = sum(views for views, _ in ordered[limit:])
    return [*shares, Share(None, rest)] if rest else shares


def _breakdowns(rows: Sequence[Mapping[str, Any]]) -> tuple[list[Share], list[Share], list[Share]]:
    devices: dict[str, int] = {}
    systems: dict[str, int] = {}
    browsers: dict[str, int] = {}
    for row in rows:
        if row["device_type"] == BOT:
            continue
        views = int(row["sum_views"] or 0)
        devices[row["device_type"]] = devices.get(row["device_type"], 0) + views
        systems[row["os"]] = systems.get(row["os"], 0) + views
        browsers[row["browser"]] = browsers.get(row["browser"], 0) + views
    return _ranked(devices), _ranked(systems), _ranked(browsers)


def _per_day(rows: Sequence[Mapping[str, Any]]) -> tuple[dict[dt.date, dict[str, int]], int]:
    """The grouped rows summed per day (people only), and the bots' views."""
    days: dict[dt.date, dict[str, int]] = {}
    bots = 0
    for row in rows:
        if row["device_type"] == BOT:
            bots += int(row["sum_views"] or 0)
            continue
        day = days.setdefault(row["day"], dict.fromkeys(_COUNTERS, 0))
        for name in _COUNTERS:
            day[name] += int(row[name] or 0)
    return days, bots


def _top_content(people: QuerySet[DailyViewStat] | QuerySet[DailyContentTotal]) -> list[ContentRank]:
    rows = list(
        people.values("content_id")
        .annotate(**_ALL_COUNTERS)  # the rows are people's already
        .filter(sum_views__gt=0)  # type: ignore[misc]  # sum_views comes from **_COUNTERS, unseen by django-stubs
        .order_by("-sum_views", "content_id")[:TOP_CONTENT]
    )
    contents = ARContent.objects.filter(pk__in=[row["content_id"] for row in rows]).select_related("project")
    by_id = {content.pk: content for content in contents.only(
        "unique_id", "order_number", "customer_name", "project__id", "project__name"
    )}  # fmt: skip
    return [
        ContentRank(
            unique_id=by_id[row["content_id"]].unique_id,
            order_number=by_id[row["content_id"]].order_number,
            customer_name=by_id[row["content_id"]].customer_name,
            project_id=by_id[row["content_id"]].project_id,
            project_name=by_id[row["content_id"]].project.name,
            counts=Counts.of(row),
        )
        for row in rows
        if row["content_id"] in by_id
    ]


def figures_for(
    *, company: Company, period: Period, project: Project | None = None, content: ARContent | None = None
) -> Figures:
    """Totals, every day of the period (zeros included), devices, systems, browsers and —
    for a company or project — the most viewed content. Run inside the company scope."""
    with transaction.atomic():
        make_room_for_grouping()
        return _figures(company, period, project, content)


def _figures(company: Company, period: Period, project: Project | None, content: ARContent | None) -> Figures:
    stats = _stats(company, period, project, content)
    # One scan of the roll-ups: per day and agent, summed into the series and breakdowns here.
    grouped = list(stats.values("day", "device_type", "os", "browser").annotate(**_ALL_COUNTERS).order_by())
    per_day, bot_views = _per_day(grouped)
    daily = [Day(day, Counts.of(per_day.get(day, {}))) for day in period.dates()]
    totals = Counts(**{name: sum(getattr(d.counts, name) for d in daily) for name in _FIELDS})
    devices, systems, browsers = _breakdowns(grouped)
    return Figures(
        period=period,
        totals=totals,
        bot_views=bot_views,
        daily=daily,
        devices=devices,
        systems=systems,
        browsers=browsers,
        top_content=None
        if content is not None
        else _top_content(_people_per_content(company, period, project)),
    )


def totals_for(*, company: Company, period: Period) -> Counts:
    """The company's totals alone (one query; the dashboard cards)."""
    return Counts.of(_stats(company, period, None, None).aggregate(**_COUNTERS))
