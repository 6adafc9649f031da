"""Browser smoke test: a person signs in through the login page and sees the dashboard."""

from __future__ import annotations

from typing import Any

import pytest

from arvlite.core.roles import Role
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_signs_in_and_sees_the_dashboard(page: Any) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com", full_name="Anna Sunny")
    MembershipFactory(company=company, user=user, role=Role.OWNER)

    page.goto("/")
    assert page.url.endswith("/accounts/login/?next=/")
    page.fill("input[name=username]", "anna@sunny.example.com")
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")

    page.wait_for_url("**/c/sunny/")
    assert page.inner_text("[data-testid=dashboard-title]") == "Sunny Portraits"
    assert "Anna Sunny" in page.inner_text("main")
    # Alpine.js (vendored) drives the company switcher.
    page.click("[data-testid=company-switcher] button")
    page.wait_for_selector("[data-testid=company-switcher] a[href='/c/sunny/']", state="visible")


def test_a_wrong_password_keeps_the_person_on_the_login_page(page: Any) -> None:
    UserFactory(email="bob@example.com")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "bob@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.click("button.primary")
    assert "correct e-mail and password" in page.inner_text("[role=alert]")
