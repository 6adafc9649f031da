"""Tenant isolation and roles, proven for every route.

Routes are discovered from the URL resolver, so a route added later is tested here
automatically, and a route without a row in its app's ``tests/route_roles.py`` fails the
test until somebody decides who may use it (see ``matrix.py``).

API, kind "company": anonymous → 401 · member of another company → 404 · each role →
allowed (not 401/403/404, no 5xx) or 403. Kind "user": anonymous → 401, members allowed.
Kind "public": no 5xx for anyone.
Portal pages under ``c/<company_slug>/``: anonymous → login redirect · another company →
404 · each role → 200 or 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from arvlite.core.roles import Role
from arvlite.core.tests.matrix import Expect, collect
from companies.models import Company, User

ROLES: list[str] = [Role.VIEWER, Role.EDITOR, Role.MANAGER, Role.OWNER]
API_ROUTES, PORTAL_PAGES = collect()
PORTAL_PREFIX = "c/<slug:company_slug>/"


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def discovered_routes(prefix: str) -> dict[str, tuple[str, URLPattern]]:
    routes = {}
    for route, pattern in _walk(get_resolver().url_patterns):
        if route.startswith(prefix) and pattern.name:
            routes[pattern.name] = (route, pattern)
    return routes


def route_methods(pattern: URLPattern) -> list[str]:
    callback = pattern.callback
    actions = getattr(callback, "actions", None)
    if actions:
        return sorted(m.upper() for m in actions if m != "head")
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    methods = [m.upper() for m in getattr(view_class, "http_method_names", []) if hasattr(view_class, m)]
    return sorted(set(methods) - {"OPTIONS", "HEAD"})


def build_path(route: str, company: Company, extra: dict[str, Any]) -> str:
    values = {"company_slug": company.slug, **extra}

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        assert name in values, f"{route}: give a value for <{name}> in the row's kwargs"
        return str(values[name])

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)


def test_every_api_route_has_an_expectation() -> None:
    discovered = set(discovered_routes("api/v1/"))
    missing = discovered - set(API_ROUTES)
    assert not missing, f"Add these API routes to their app's tests/route_roles.py: {sorted(missing)}"
    stale = set(API_ROUTES) - discovered
    assert not stale, f"These rows name routes that no longer exist: {sorted(stale)}"


def test_every_portal_page_has_an_expectation() -> None:
    discovered = set(discovered_routes(PORTAL_PREFIX))
    assert discovered == set(PORTAL_PAGES), "PORTAL_PAGES must list every page under /c/<slug>/"


def test_every_declared_method_is_routed() -> None:
    for name, (_, pattern) in discovered_routes("api/v1/").items():
        assert set(API_ROUTES[name].roles) == set(route_methods(pattern)), name


def _api_cases() -> list[tuple[str, str]]:
    return [(name, method) for name, expect in sorted(API_ROUTES.items()) for method in expect.roles]


def _request(client: APIClient, expect: Expect, method: str, route: str, company: Company) -> int:
    path = build_path(route, company, expect.kwargs(company))
    payload = expect.payloads[method](company) if method in expect.payloads else None
    return getattr(client, method.lower())(path, payload, format="json").status_code


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "method"), _api_cases())
def test_api_route_enforces_tenancy_and_roles(
    name: str,
    method: str,
    company: Company,
    members: dict[str, User],
    outsider: User,
    api_client_for: Callable[[User], APIClient],
) -> None:
    route, _ = discovered_routes("api/v1/")[name]
    expect = API_ROUTES[name]

    anonymous = _request(APIClient(), expect, method, route, company)
    if expect.kind == "public":
        assert anonymous < 500, (name, method, anonymous)
        return
    assert anonymous == 401, (name, method, anonymous)

    if expect.kind == "company":
        assert _request(api_client_for(outsider), expect, method, route, company) == 404

    required = expect.roles[method]
    for role in ROLES:
        status = _request(api_client_for(members[role]), expect, method, route, company)
        allowed = required is not None and ROLES.index(role) >= ROLES.index(required)
        if allowed:
            assert status not in (401, 403, 404), (name, method, role, status)
            assert status < 500, (name, method, role, status)
        else:
            assert status == 403, (name, method, role, status)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PORTAL_PAGES))
def test_portal_page_enforces_tenancy_and_roles(
    name: str, company: Company, members: dict[str, User], outsider: User, client: Client
) -> None:
    route, _ = discovered_routes(PORTAL_PREFIX)[name]
    page = PORTAL_PAGES[name]

    def call() -> int:
        path = build_path(route, company, page.kwargs(company))
        if page.post is None:
            return client.get(path).status_code
        return client.post(path, page.post(company)).status_code

    anonymous = client.get(build_path(route, company, page.kwargs(company)))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")

    client.force_login(outsider)
    assert call() == 404

    for role in ROLES:
        client.force_login(members[role])
        status = call()
        if ROLES.index(role) >= ROLES.index(page.role):
            assert status in ((200,) if page.post is None else (200, 302)), (name, role, status)
        else:
            assert status == 403, (name, role, status)
