"""Every portal page on a 390 px phone, in Russian (the longer words): nothing may make
the page itself scroll sideways. Wide tables scroll inside their own box instead."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.browser import browser_tab, sign_in
from arvlite.core.tests.matrix import collect
from arvlite.core.tests.test_permission_matrix import PORTAL_PREFIX, build_path, discovered_routes
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from orders.tests.factories import make_order
from videos.tests.factories import make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}

# What sticks out past the right edge, outside any box that scrolls on its own.
_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const scrolls = (el) => { for (let n = el.parentElement; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (["auto", "scroll", "hidden"].includes(style.overflowX) && n !== document.body && n !== document.documentElement) return true;
    } return false; };
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .slice(0, 5)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "")
                 + " " + Math.round(el.getBoundingClientRect().right) + "px");
}"""


def _pages(company: Any, owner: Any) -> list[tuple[str, str]]:
    """Every HTML page the owner can open (downloads and fragments are not pages)."""
    client = Client()
    client.force_login(owner)
    _, portal_pages = collect()
    routes = discovered_routes(PORTAL_PREFIX)
    found = []
    for name, page in sorted(portal_pages.items()):
        if page.post is None:  # pages that only take forms have nothing to show
            found.append((name, build_path(routes[name][0], company, page.kwargs(company))))
    outside = [
        "home",
        "account-page",
        "two-factor-page",
        "notification-preferences-page",
        "company-create-page",
        "notification-list-page",
    ]
    found.extend((name, reverse(name)) for name in outside)
    return [(name, path) for name, path in found if _is_a_page(client, path)]


def _is_a_page(client: Client, path: str) -> bool:
    response = client.get(path, HTTP_ACCEPT="text/html")
    return (
        response.status_code == 200
        and response["Content-Type"].startswith("text/html")
        and (b"<html" in response.content[:400])
    )


def test_every_portal_page_fits_a_phone(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> None:
    company = CompanyFactory(name="Студия «Солнечные портреты и семейные истории»", slug="sunny")
    owner = UserFactory(email="anna.konstantinopolskaya@sunny-portraits.example.com", full_name="Анна Константинопольская",
                        language="ru")  # fmt: skip
    MembershipFactory(company=company, user=owner, role=Role.OWNER)
    with company_scope(company):
        content = make_content(company, customer_name="Мария Александровна Воскресенская",
                               customer_email="maria.voskresenskaya@example.com")  # fmt: skip
        make_video(content, title="Свадебный фильм: первый танец и поздравления родителей")
        make_order(company)
    pages = _pages(company, owner)
    problems: dict[str, list[str]] = {}
    errors: list[str] = []
    with browser_tab(browser, live_server.url, request) as tab:
        tab.set_viewport_size(PHONE)
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        sign_in(tab, owner.email, TEST_PASSWORD)
        for name, path in pages:
            response = tab.goto(path)
            assert response is not None
            assert response.status < 400, (name, path, response.status)
            tab.wait_for_load_state("networkidle")
            sticking_out = tab.evaluate(_OVERFLOW)
            if sticking_out:
                problems[f"{name} {path}"] = sticking_out
    assert len(pages) > 30  # the walk found the portal, not a handful of pages
    assert not problems, "\n".join(f"{page}: {items}" for page, items in problems.items())
    # pytest-django's live server speaks WSGI only: the bell's socket cannot connect here
    # (the notification browser tests run it on an ASGI server).
    assert [e for e in errors if not re.search(r"WebSocket connection to '.*/ws/notifications/'", e)] == []
