"""The "Last 30 days" band of the company dashboard: the company's scan totals."""

from __future__ import annotations

from typing import Any

from arcontent.analytics.cache import totals_cached
from arcontent.analytics.periods import period_last
from companies.dashboard import dashboard_panel_register
from companies.models import Membership


def _last_30_days(membership: Membership) -> dict[str, Any]:
    company = membership.company
    return {"totals": totals_cached(company=company, period=period_last(company=company, days=30))}


def register_dashboard_panel() -> None:
    dashboard_panel_register(
        name="analytics",
        template="arcontent/analytics/partials/dashboard_summary.html",
        context=_last_30_days,
        order=10,
        wide=True,
    )
