"""The "Recent projects" card of the company dashboard."""

from __future__ import annotations

from typing import Any

from companies.dashboard import dashboard_panel_register
from companies.models import Membership
from projects.selectors import project_list


def _recent_projects(membership: Membership) -> dict[str, Any]:
    return {"projects": list(project_list(company=membership.company).order_by("-created_at")[:5])}


def register_dashboard_panel() -> None:
    dashboard_panel_register(
        name="recent_projects",
        template="projects/partials/dashboard_recent_projects.html",
        context=_recent_projects,
        order=20,
    )
