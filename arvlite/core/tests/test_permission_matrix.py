"""Tenant isolation and roles, proven for every route.

Routes are discovered from the URL resolver, so a route added later is tested here
automatically, and a route with no row in the expectation tables fails the test until
somebody decides who may use it.

API, for routes under ``companies/<company_slug>/``:
  anonymous → 401 · member of another company → 404 · each role → allowed or 403.
Portal, for pages under ``c/<company_slug>/``:
  anonymous → redirect to login · another company → 404 · each role → 200 or 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from arvlite.core.roles import Role
from companies.models import Company, User

ROLES = [Role.VIEWER, Role.EDITOR, Role.MANAGER, Role.OWNER]


@dataclass(frozen=True)
class Expect:
    """Who may call a route: the least role per HTTP method (None: no role may)."""

    roles: dict[str, str | None]
    # Routes outside a company (e.g. "my companies") only need a signed-in user.
    company_scoped: bool = True
    payloads: dict[str, dict[str, Any]] = field(default_factory=dict)


# One row per named API route. Later issues add theirs; a missing row fails the test.
API_ROUTES: dict[str, Expect] = {
    "company-list": Expect({"GET": Role.VIEWER}, company_scoped=False),
    "company-detail": Expect({"GET": Role.VIEWER}),
    "member-list": Expect({"GET": Role.VIEWER}),
    "audit-list": Expect({"GET": Role.MANAGER}),
}

# One row per named portal page under /c/<company_slug>/.
PORTAL_PAGES: dict[str, str] = {
    "company-dashboard": Role.VIEWER,
}


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
    methods = [m.upper() for m in getattr(view_class, "http_method_names", ["get"]) if hasattr(view_class, m)]
    return sorted(set(methods) - {"OPTIONS", "HEAD"})


def build_path(route: str, company: Company) -> str:
    return "/" + route.replace("<slug:company_slug>", company.slug)


def test_every_api_route_has_an_expectation() -> None:
    discovered = set(discovered_routes("api/v1/"))
    missing = discovered - set(API_ROUTES)
    assert not missing, f"Add these API routes to API_ROUTES with their roles: {sorted(missing)}"
    stale = set(API_ROUTES) - discovered
    assert not stale, f"These rows name routes that no longer exist: {sorted(stale)}"


def test_every_portal_page_has_an_expectation() -> None:
    discovered = set(discovered_routes("c/<slug:company_slug>/"))
    assert discovered == set(PORTAL_PAGES), "PORTAL_PAGES must list every page under /c/<slug>/"


def test_every_declared_method_is_routed() -> None:
    for name, (_, pattern) in discovered_routes("api/v1/").items():
        assert set(API_ROUTES[name].roles) == set(route_methods(pattern)), name


def _api_cases() -> list[tuple[str, str]]:
    return [(name, method) for name, expect in API_ROUTES.items() for method in expect.roles]


def _call(client: APIClient, method: str, path: str, payload: dict[str, Any]) -> Any:
    return getattr(client, method.lower())(path, payload or None, format="json")


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
    path = build_path(route, company)
    payload = expect.payloads.get(method, {})

    assert _call(APIClient(), method, path, payload).status_code == 401

    if expect.company_scoped:
        assert _call(api_client_for(outsider), method, path, payload).status_code == 404

    required = expect.roles[method]
    for role in ROLES:
        status = _call(api_client_for(members[role]), method, path, payload).status_code
        allowed = required is not None and ROLES.index(role) >= ROLES.index(required)
        if allowed:
            assert status not in (401, 403, 404), (name, method, role, status)
            assert status < 500, (name, method, role, status)
        else:
            assert status == 403, (name, method, role, status)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PORTAL_PAGES))
def test_portal_page_enforces_tenancy_and_roles(
    name: str, company: Company, members: dict[str, User], outsider: User, client: Any
) -> None:
    route, _ = discovered_routes("c/<slug:company_slug>/")[name]
    path = build_path(route, company)

    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

    client.force_login(outsider)
    assert client.get(path).status_code == 404

    required = PORTAL_PAGES[name]
    for role in ROLES:
        client.force_login(members[role])
        expected = 200 if ROLES.index(role) >= ROLES.index(required) else 403
        assert client.get(path).status_code == expected, (name, role)
