"""Expectation rows for the permission-matrix test.

Each app declares who may use its routes in ``<app>/tests/route_roles.py``:

    API_ROUTES = {"project-detail": Expect({"GET": Role.VIEWER, "PATCH": Role.EDITOR},
                                           kwargs=lambda company: {"pk": ProjectFactory(company=company).pk})}
    PORTAL_PAGES = {"project-list": Page(Role.VIEWER)}

``kwargs`` and ``payloads`` are called afresh for every request, so a DELETE allowed for
one role does not leave the next role looking at a missing object.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from companies.models import Company

LOCAL_APPS = ["companies", "projects", "arcontent", "videos", "orders", "notifications"]

KwargsFactory = Callable[[Company], dict[str, Any]]
PayloadFactory = Callable[[Company], dict[str, Any]]


def _no_kwargs(company: Company) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Expect:
    """Who may call an API route: the least role per HTTP method (None: no role may).

    kind="company": under companies/<slug>/ — anonymous 401, other company 404, roles.
    kind="user": any signed-in user (e.g. "me"), anonymous 401.
    kind="public": anyone (sign-up, token, password reset); only "no 5xx" is checked.
    """

    roles: dict[str, str | None]
    kind: Literal["company", "user", "public"] = "company"
    kwargs: KwargsFactory = _no_kwargs
    payloads: dict[str, PayloadFactory] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """The least role that may use a portal page under /c/<slug>/.

    Pages are opened with GET (allowed → 200). A page that only accepts forms gives
    ``post``: the test POSTs that data instead (allowed → 200 or a redirect).
    """

    role: str
    kwargs: KwargsFactory = _no_kwargs
    post: PayloadFactory | None = None


def collect() -> tuple[dict[str, Expect], dict[str, Page]]:
    api: dict[str, Expect] = {}
    pages: dict[str, Page] = {}
    for app in LOCAL_APPS:
        try:
            module = importlib.import_module(f"{app}.tests.route_roles")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.tests.route_roles":
                raise
            continue
        for name, expect in getattr(module, "API_ROUTES", {}).items():
            assert name not in api, f"{name} is declared twice"
            api[name] = expect
        for name, page in getattr(module, "PORTAL_PAGES", {}).items():
            assert name not in pages, f"{name} is declared twice"
            pages[name] = page
    return api, pages
