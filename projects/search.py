"""Projects in the portal's search box: by name or description."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from arvlite.core.roles import Role
from arvlite.core.search import (
    SearchHit,
    SearchQuery,
    SearchResult,
    best_first,
    page_with_total,
    search_provider_register,
)
from companies.models import Company
from projects.models import Project
from projects.selectors import project_list


def project_search(company: Company, query: SearchQuery, offset: int, limit: int) -> SearchResult:
    """The company's projects whose name or description contains the text; exact and
    prefix matches of the name first, then by name."""
    rows = project_list(company=company, search=query.text).order_by(
        best_first("name", query.text), "name", "id"
    )
    projects, total = page_with_total(rows, offset=offset, limit=limit)
    return SearchResult(hits=[_hit(company, project) for project in projects], total=total)


def _hit(company: Company, project: Project) -> SearchHit:
    count = getattr(project, "content_count", 0)  # annotated by project_list
    items = ngettext("%(count)d item", "%(count)d items", count) % {"count": count}
    return SearchHit(
        id=str(project.pk),
        title=project.name,
        subtitle=f"{project.get_status_display()} · {items}",
        url=reverse("project-detail-page", kwargs={"company_slug": company.slug, "pk": project.pk}),
    )


def register_search_provider() -> None:
    search_provider_register(
        kind="projects", label=_("Projects"), search=project_search, order=10, read_role=Role.VIEWER
    )
