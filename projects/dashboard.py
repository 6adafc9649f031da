"""The "Recent projects" card of the company dashboard."""

from __future__ import annotations

from typing import Any

from arvlite.core.roles import Role, role_allows
from companies.dashboard import dashboard_panel_register
from companies.models import Membership
from projects.models import Project
from projects.selectors import project_list


def _recent_projects(membership: Membership) -> dict[str, Any]:
    return {
        "projects": list(project_list(company=membership.company).order_by("-created_at")[:5]),
        "can_create": role_allows(membership.role, Role.EDITOR),
    }


def _first_steps(membership: Membership) -> dict[str, Any] | None:
    """Until the first AR content exists, the next steps lead the way (editors only)."""
    if not role_allows(membership.role, Role.EDITOR):
        return None
    projects = Project.objects.filter(company=membership.company)
    if projects.filter(ar_contents__isnull=False).exists():  # reverse relation: no arcontent import
        return None
    return {"first_project": projects.order_by("created_at").first()}


def register_dashboard_panel() -> None:
    dashboard_panel_register(
        name="recent_projects",
        template="projects/partials/dashboard_recent_projects.html",
        context=_recent_projects,
        order=20,
    )
    dashboard_panel_register(
        name="first_steps",
        template="projects/partials/dashboard_first_steps.html",
        context=_first_steps,
        order=5,
        wide=True,
    )
