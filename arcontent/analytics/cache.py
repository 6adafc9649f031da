"""Figures kept in the shared cache until the company's roll-up changes.

Roll-up rows only change when a roll-up runs, so figures computed once are exact until the
next one. Each roll-up gives the company a new generation; cached figures are keyed by it,
so a roll-up makes every older entry unreachable at once (they expire on their own).
A lost generation key (eviction, flush) just starts a new one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache

from arcontent.analytics.figures import Counts, Figures, figures_for, totals_for
from arcontent.analytics.periods import DEFAULT_DAYS, PRESETS, Period, period_last
from arcontent.models import ARContent
from arvlite.core.tenancy import company_scope
from companies.models import Company
from projects.models import Project

ENTRY_SECONDS = 60 * 60


def _generation_key(company_id: int) -> str:
    return f"analytics:generation:{company_id}"


def generation_bump(company_id: int) -> None:
    cache.set(_generation_key(company_id), uuid.uuid4().hex, timeout=None)


def _generation(company_id: int) -> str:
    key = _generation_key(company_id)
    value = cache.get(key)
    if value is None:
        cache.add(key, uuid.uuid4().hex, timeout=None)
        value = cache.get(key)
    return str(value)


def _key(company: Company, kind: str, scope: object, period: Period) -> str:
    generation = _generation(company.pk)
    return f"analytics:{company.pk}:{generation}:{kind}:{scope}:{period.first}:{period.last}"


def rolled_up_recently(company: Company) -> None:
    """Where no periodic roll-up runs (``ANALYTICS_ROLLUP_ON_READ_SECONDS``), roll up the
    last two days when the figures are older than that: a scan shows within a minute."""
    seconds = settings.ANALYTICS_ROLLUP_ON_READ_SECONDS
    if seconds > 0 and cache.add(f"analytics:rolled-on-read:{company.pk}", 1, timeout=seconds):
        from arcontent.analytics.rollups import rollup_recent  # rollups import this module

        rollup_recent(company=company, days=2)


def figures_cached(
    *, company: Company, period: Period, project: Project | None = None, content: ARContent | None = None
) -> Figures:
    """``figures_for``, from the cache when this roll-up generation was asked before."""
    rolled_up_recently(company)
    scope = f"c{content.pk}" if content else (f"p{project.pk}" if project else "all")
    key = _key(company, "figures", scope, period)
    figures = cache.get(key)
    if figures is None:
        figures = figures_for(company=company, period=period, project=project, content=content)
        cache.set(key, figures, ENTRY_SECONDS)
    return figures


def totals_cached(*, company: Company, period: Period) -> Counts:
    rolled_up_recently(company)
    key = _key(company, "totals", "all", period)
    totals = cache.get(key)
    if totals is None:
        totals = totals_for(company=company, period=period)
        cache.set(key, totals, ENTRY_SECONDS)
    return totals


def figures_warm(*, company: Company) -> None:
    """Compute the company-wide figures of the preset ranges and the dashboard's totals
    right after a roll-up, so the first person to open them does not wait for the queries."""
    with company_scope(company):
        for days in PRESETS:
            figures_cached(company=company, period=period_last(company=company, days=days))
        totals_cached(company=company, period=period_last(company=company, days=DEFAULT_DAYS))
