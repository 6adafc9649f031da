"""Projects in the search box: name or description, of one company, best matches first."""

from __future__ import annotations

import pytest

from arvlite.core.search import search_query
from arvlite.core.tenancy import company_scope
from companies.models import Company
from projects.models import Project
from projects.search import project_search
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.usefixtures("scoped")


def test_it_finds_projects_by_name_or_description(company: Company) -> None:
    weddings = ProjectFactory(company=company, name="Summer weddings")
    described = ProjectFactory(company=company, name="Family", description="Wedding anniversaries")
    ProjectFactory(company=company, name="Birthdays")
    result = project_search(company, search_query("wedding"), 0, 5)
    assert {hit.id for hit in result.hits} == {str(weddings.pk), str(described.pk)}
    assert result.total == 2
    hit = next(hit for hit in result.hits if hit.id == str(weddings.pk))
    assert hit.url == f"/c/{company.slug}/projects/{weddings.pk}/"
    assert hit.subtitle == "Active · 0 items"


def test_the_exact_name_comes_first(company: Company) -> None:
    ProjectFactory(company=company, name="Aaa Weddings 2025")
    ProjectFactory(company=company, name="Weddings archive", status=Project.Status.ARCHIVED)
    ProjectFactory(company=company, name="Weddings")
    titles = [hit.title for hit in project_search(company, search_query("weddings"), 0, 5).hits]
    assert titles == ["Weddings", "Weddings archive", "Aaa Weddings 2025"]


def test_it_pages_with_the_total(company: Company) -> None:
    for number in range(7):
        ProjectFactory(company=company, name=f"Studio {number}")
    result = project_search(company, search_query("studio"), 5, 5)
    assert ([hit.title for hit in result.hits], result.total) == (["Studio 5", "Studio 6"], 7)


def test_it_never_shows_another_companys_project(company: Company, other_company: Company) -> None:
    with company_scope(other_company):
        ProjectFactory(company=other_company, name="Weddings of Bob")
    assert project_search(company, search_query("weddings"), 0, 5).total == 0


def test_wildcards_are_plain_text(company: Company) -> None:
    ProjectFactory(company=company, name="Sale 100%")
    ProjectFactory(company=company, name="Sale 1000")
    assert [hit.title for hit in project_search(company, search_query("100%"), 0, 5).hits] == ["Sale 100%"]
    assert project_search(company, search_query("e_1"), 0, 5).total == 0
