"""The header's search box in real Chromium: "/" focuses it, typing shows grouped
suggestions, ↓ moves through them (aria-activedescendant follows), Enter opens the chosen
one, Esc closes the list, and Enter with nothing chosen opens the full results page."""

from __future__ import annotations

from typing import Any

import pytest

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from orders.tests.factories import make_order
from projects.tests.factories import ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_move_down_and_open_with_enter(page: Any) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="vera@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.VIEWER)
    with company_scope(company):
        ProjectFactory(company=company, name="Weddings")
        archive = ProjectFactory(company=company, name="Weddings archive")
        order = make_order(company, customer_name="Wedding guest", customer_phone="+79123456789")

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")

    box = page.locator("[data-testid=search-input]")
    page.locator("body").press("/")
    assert page.evaluate("document.activeElement.id") == "portal-search"
    page.keyboard.type("wedd", delay=30)
    page.wait_for_selector("[data-testid=search-group-orders] [role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    assert page.locator("[data-testid=search-group-projects] [role=option]").count() == 2
    assert order.number in page.inner_text("[data-testid=search-group-orders]")

    box.press("ArrowDown")
    box.press("ArrowDown")
    chosen = page.locator("[role=option][aria-selected=true]")
    assert chosen.count() == 1
    assert box.get_attribute("aria-activedescendant") == chosen.get_attribute("id")
    assert chosen.inner_text().startswith("Weddings archive")
    box.press("Enter")
    page.wait_for_url(f"**/c/sunny/projects/{archive.pk}/")

    # Esc closes the list and keeps the text; Enter with nothing chosen: the results page.
    box = page.locator("[data-testid=search-input]")
    box.fill("")
    box.press_sequentially("zebra", delay=30)
    page.wait_for_selector("[data-testid=search-empty]")
    box.press("Escape")
    assert page.locator("[data-testid=search-popup]").is_hidden()
    assert box.get_attribute("aria-expanded") == "false"
    assert box.input_value() == "zebra"
    box.fill("+7 (912) 345")
    box.press("Enter")
    page.wait_for_url("**/c/sunny/search/?q=*")
    assert order.number in page.inner_text("[data-testid=search-results-orders]")
