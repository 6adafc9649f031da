"""The "Orders" card of the company dashboard: paid this month, awaiting payment, in
production."""

from __future__ import annotations

from typing import Any

from companies.dashboard import dashboard_panel_register
from companies.models import Membership
from orders.selectors import revenue


def _orders(membership: Membership) -> dict[str, Any]:
    return {"revenue": revenue(company=membership.company)}


def register_dashboard_panel() -> None:
    dashboard_panel_register(
        name="orders", template="orders/partials/dashboard_orders.html", context=_orders, order=15
    )
