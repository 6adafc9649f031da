"""The search registry: what a typed query becomes, which providers a role gets, and one
query per kind with its total."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from arvlite.core import search
from arvlite.core.roles import Role
from arvlite.core.search import (
    MAX_QUERY_LENGTH,
    SearchHit,
    SearchQuery,
    SearchResult,
    page_with_total,
    search_provider_register,
    search_providers,
    search_query,
    search_run,
)
from companies.models import Company
from projects.models import Project
from projects.tests.factories import ProjectFactory


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("  Anna   Petrova \n", "Anna Petrova"),
        ("An\x00na", "Anna"),  # NUL bytes would make PostgreSQL refuse the query
        ("\x07\x1b[31mred\u200b", "[31mred"),  # control and format characters go
        ("100%_done", "100%_done"),  # LIKE's wildcards stay text (the ORM escapes them)
        ("Солнечная студия 🌞", "Солнечная студия 🌞"),
        ("", ""),
    ],
)
def test_it_cleans_the_typed_text(raw: str, text: str) -> None:
    assert search_query(raw).text == text


def test_it_cuts_a_very_long_query() -> None:
    assert search_query("x" * 10_000).text == "x" * MAX_QUERY_LENGTH


def test_it_needs_two_characters() -> None:
    assert not search_query(" a ").is_searchable
    assert search_query("ab").is_searchable


@pytest.mark.parametrize(
    ("raw", "digits"),
    [
        ("+7 (912) 345", ("7912345",)),
        ("912-34-56", ("9123456",)),
        ("8 912 345", ("8912345", "7912345")),  # written the Russian way, stored as +7
        ("12", ()),  # too few digits to be a phone
        ("ARV-2026-000123", ()),  # letters: an order number, not a phone
        ("Anna 912", ()),
        ("٣٤٥٦٧", ()),  # digits of other scripts never match a stored +7… number
    ],
)
def test_it_reads_phone_digits_however_they_are_formatted(raw: str, digits: tuple[str, ...]) -> None:
    assert search_query(raw).phone_digits == digits


@pytest.fixture
def extra_provider() -> Iterator[list[tuple[Any, SearchQuery, int, int]]]:
    calls: list[tuple[Any, SearchQuery, int, int]] = []

    def find(company: Any, query: SearchQuery, offset: int, limit: int) -> SearchResult:
        calls.append((company, query, offset, limit))
        return SearchResult(hits=[SearchHit(id="1", title="Secret", url="/x/")], total=7)

    search_provider_register(kind="secrets", label="Secrets", search=find, order=99, read_role=Role.MANAGER)
    yield calls
    search._PROVIDERS.pop("secrets")


def test_a_role_gets_only_the_kinds_it_may_read(extra_provider: list[Any]) -> None:
    assert "secrets" not in [each.kind for each in search_providers(role=Role.EDITOR)]
    assert [each.kind for each in search_providers(role=Role.MANAGER)][-1] == "secrets"
    assert (
        search_run(company=None, role=Role.VIEWER, query=search_query("Sec"), limit=5, kinds=["secrets"])
        == []
    )
    assert extra_provider == []


def test_it_passes_the_page_to_the_provider(extra_provider: list[Any]) -> None:
    query = search_query("Sec")
    groups = search_run(company="c", role=Role.OWNER, query=query, limit=20, offset=40, kinds=["secrets"])
    assert [(group.kind, group.total, group.hits[0].title) for group in groups] == [("secrets", 7, "Secret")]
    assert extra_provider == [("c", query, 40, 20)]


def test_a_short_query_asks_no_provider(extra_provider: list[Any]) -> None:
    assert search_run(company="c", role=Role.OWNER, query=search_query("S"), limit=5) == []
    assert extra_provider == []


def test_every_app_registers_its_kind() -> None:
    assert [each.kind for each in search_providers(role=Role.VIEWER)] == [
        "projects",
        "content",
        "videos",
        "orders",
    ]


@pytest.mark.usefixtures("scoped")
def test_a_page_and_the_total_come_in_one_query(company: Company, django_assert_num_queries: Any) -> None:
    for name in ("a", "b", "c", "d", "e"):
        ProjectFactory(company=company, name=name)
    rows = Project.objects.filter(company=company).order_by("name")
    with django_assert_num_queries(1):
        page, total = page_with_total(rows, offset=2, limit=2)
    assert ([project.name for project in page], total) == (["c", "d"], 5)
    assert page_with_total(rows, offset=10, limit=2) == ([], 0)
