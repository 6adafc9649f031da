"""The company dashboard is assembled from panels that apps register, so that companies
shows projects' and analytics' cards without importing the apps above it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from arvlite.core.roles import Role, role_allows
from companies.activity import describe
from companies.models import AuditEntry, Membership
from companies.selectors import member_list

PanelContext = Callable[[Membership], dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class DashboardPanel:
    name: str
    template: str  # rendered with the page's context plus ``panel`` (what ``context`` returned)
    context: PanelContext  # None hides the panel (e.g. a role that may not see it)
    order: int
    wide: bool = False  # a full-width band above the cards


_PANELS: dict[str, DashboardPanel] = {}


def dashboard_panel_register(
    *, name: str, template: str, context: PanelContext, order: int, wide: bool = False
) -> None:
    """Add (or replace, on a second ``ready()``) the panel called ``name``."""
    _PANELS[name] = DashboardPanel(name=name, template=template, context=context, order=order, wide=wide)


def dashboard_panels(*, membership: Membership) -> list[tuple[DashboardPanel, dict[str, Any]]]:
    """The panels this member sees, in order, each with its context. Runs in the company scope."""
    shown = []
    for panel in sorted(_PANELS.values(), key=lambda each: (each.order, each.name)):
        context = panel.context(membership)
        if context is not None:
            shown.append((panel, context))
    return shown


def _team(membership: Membership) -> dict[str, Any]:
    return {"members": list(member_list(company=membership.company)[:10])}


def _activity(membership: Membership) -> dict[str, Any] | None:
    if not role_allows(membership.role, Role.MANAGER):
        return None
    entries = AuditEntry.objects.select_related("actor")[:10]
    return {"entries": [(entry, describe(entry)) for entry in entries]}


def register_company_panels() -> None:
    dashboard_panel_register(
        name="team", template="companies/partials/dashboard_team.html", context=_team, order=30
    )
    dashboard_panel_register(
        name="activity", template="companies/partials/dashboard_activity.html", context=_activity, order=40
    )
