"""The portal's one search box, assembled from providers the apps register.

Each app that has something worth finding registers a provider for its kind in its
``AppConfig.ready()`` (``projects.search``, ``arcontent.search``, ``videos.search``,
``orders.search``); the views in ``companies`` run them. So the search spans every app
while every import still points down: this module knows no app, and no app knows another.

A provider searches one kind of one company with one query (the total comes from a window
over the same rows) and returns hits with the portal page of each. It must filter by the
company it is given itself — the tenant scope is a second guard, not the only one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db.models import Case, Count, IntegerField, Model, Q, QuerySet, Value, When, Window

from arvlite.core.roles import role_allows

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 100
MIN_PHONE_DIGITS = 3

# A query made only of these looks like (part of) a phone number: "+7 (912) 345-67".
_PHONE_LIKE = re.compile(r"[\d\s+()\-.]+")

M = TypeVar("M", bound=Model)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What was typed, made safe to search with: control characters (NUL…) removed,
    spaces collapsed, cut to ``MAX_QUERY_LENGTH``."""

    text: str
    # Digit runs a stored phone (kept as +7…, E.164) contains when it matches; empty
    # unless the text looks like a phone number.
    phone_digits: tuple[str, ...] = ()

    @property
    def is_searchable(self) -> bool:
        return len(self.text) >= MIN_QUERY_LENGTH


def search_query(raw: str) -> SearchQuery:
    """Parse the search box's text. Never raises: any input gives a query (maybe empty)."""
    visible = "".join(char for char in raw if not unicodedata.category(char).startswith("C"))
    text = " ".join(visible.split())[:MAX_QUERY_LENGTH].strip()
    digits = "".join(char for char in text if char.isdigit() and char.isascii())
    phone_digits: tuple[str, ...] = ()
    if _PHONE_LIKE.fullmatch(text) and len(digits) >= MIN_PHONE_DIGITS:
        phone_digits = (digits,)
        if digits.startswith("8") and len(digits) > MIN_PHONE_DIGITS:
            # 8 912 … is how Russian numbers are often written; they are stored as +7 912 …
            phone_digits = (digits, "7" + digits[1:])
    return SearchQuery(text=text, phone_digits=phone_digits)


@dataclass(frozen=True, slots=True)
class SearchHit:
    id: str
    title: str
    url: str  # the item's portal page (a path)
    subtitle: str = ""


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: list[SearchHit]
    total: int  # matches in all, beyond this page too


# (company, query, offset, limit) → one page of hits; runs inside the company's scope.
ProviderSearch = Callable[[Any, SearchQuery, int, int], SearchResult]


@dataclass(frozen=True, slots=True)
class SearchProvider:
    kind: str  # "projects", "content", … (the API's and the page's ?kind=)
    label: StrOrPromise  # the group's heading
    search: ProviderSearch
    order: int
    read_role: str  # the least role that may see this kind (its pages' read_role)


@dataclass(frozen=True, slots=True)
class SearchGroup:
    kind: str
    label: StrOrPromise
    hits: list[SearchHit]
    total: int


_PROVIDERS: dict[str, SearchProvider] = {}


def search_provider_register(
    *, kind: str, label: StrOrPromise, search: ProviderSearch, order: int, read_role: str
) -> None:
    """Add (or replace, on a second ``ready()``) the provider of ``kind``."""
    _PROVIDERS[kind] = SearchProvider(kind=kind, label=label, search=search, order=order, read_role=read_role)


def search_providers(*, role: str) -> list[SearchProvider]:
    """The providers a member with ``role`` may use, in display order."""
    visible = [each for each in _PROVIDERS.values() if role_allows(role, each.read_role)]
    return sorted(visible, key=lambda each: (each.order, each.kind))


def search_run(
    *,
    company: Any,
    role: str,
    query: SearchQuery,
    limit: int,
    offset: int = 0,
    kinds: Iterable[str] | None = None,
) -> list[SearchGroup]:
    """One page of hits per kind the role may see (only ``kinds`` if given), one query
    per kind; nothing when the query is too short. Runs inside ``company``'s scope."""
    if not query.is_searchable:
        return []
    wanted = set(kinds) if kinds is not None else None
    groups = []
    for provider in search_providers(role=role):
        if wanted is not None and provider.kind not in wanted:
            continue
        result = provider.search(company, query, offset, limit)
        groups.append(
            SearchGroup(kind=provider.kind, label=provider.label, hits=result.hits, total=result.total)
        )
    return groups


def page_with_total(rows: QuerySet[M], *, offset: int, limit: int) -> tuple[list[M], int]:
    """``rows[offset:offset + limit]`` and how many rows match in all, in one query (a
    window count, computed before the LIMIT). Past the last row the total is 0."""
    page = list(rows.annotate(search_total=Window(expression=Count("pk")))[offset : offset + limit])
    return page, (getattr(page[0], "search_total", 0) if page else 0)


def best_first(field: str, text: str) -> Case:
    """An ordering key: 0 when ``field`` is the text, 1 when it starts with it, 2 otherwise."""
    return Case(
        When(**{f"{field}__iexact": text}, then=Value(0)),
        When(**{f"{field}__istartswith": text}, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def text_or_phone_matches(query: SearchQuery, *, text_fields: Iterable[str], phone_field: str) -> Q:
    """Any of ``text_fields`` contains the text, or the phone (stored as +7…) contains the
    digits typed however they were formatted ("+7 (912) 345", "8 912 345")."""
    condition = Q()
    for field in text_fields:
        condition |= Q(**{f"{field}__icontains": query.text})
    for digits in query.phone_digits:
        condition |= Q(**{f"{phone_field}__contains": digits})
    return condition
