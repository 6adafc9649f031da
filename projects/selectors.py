"""Reads about projects and project templates, always within one company."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from companies.models import Company
from projects.models import Project, ProjectTemplate


def project_list(
    *, company: Company, search: str | None = None, status: str | None = None
) -> QuerySet[Project]:
    """The company's projects with their template and creator loaded and ``content_count``
    annotated; ``search`` matches name or description, ``status`` filters exactly."""
    projects = (
        Project.objects.filter(company=company)
        .select_related("template", "created_by")
        # One aggregate in the same query, so lists stay at a fixed number of queries.
        .annotate(content_count=Count("ar_contents", distinct=True))
    )
    if search:
        projects = projects.filter(Q(name__icontains=search) | Q(description__icontains=search))
    if status:
        projects = projects.filter(status=status)
    return projects.order_by("name", "id")


def project_get(*, company: Company, pk: int) -> Project:
    """One of the company's projects, annotated like the list, or 404."""
    return get_object_or_404(project_list(company=company), pk=pk)


def template_list(*, company: Company) -> QuerySet[ProjectTemplate]:
    """The company's project templates, by name."""
    return ProjectTemplate.objects.filter(company=company).order_by("name", "id")
