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


def test_a_new_user_signs_up_creates_a_company_invites_a_colleague_and_creates_a_project(
    page: Any, browser: Any, live_server: Any
) -> None:
    import re

    from django.core import mail

    # Sign up; a person without a company lands on "create your company".
    page.goto("/accounts/signup/")
    page.fill("input[name=full_name]", "Nina Sunny")
    page.fill("input[name=email]", "nina@sunny.example.com")
    page.fill("input[name=password]", "violet-Harbour-57-kettle")
    page.click("[data-testid=signup-submit]")
    page.wait_for_url("**/companies/new/")
    page.fill("input[name=name]", "Sunny Portraits")
    page.fill("input[name=slug]", "sunny")
    page.click("[data-testid=company-create-submit]")
    page.wait_for_url("**/c/sunny/")

    # Invite a colleague; the e-mail goes to the locmem outbox.
    page.goto("/c/sunny/members/")
    invite_form = page.locator("form[action$='/members/invite/']")
    invite_form.locator("input[name=email]").fill("colleague@sunny.example.com")
    invite_form.locator("select[name=role]").select_option("editor")
    page.click("[data-testid=invite-submit]")
    page.wait_for_selector("text=Invitation sent to colleague@sunny.example.com.")
    found = re.search(r"https?://\S+/invitations/\S+/", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    link = found.group(0)
    path = "/" + link.split("/", 3)[3]

    # The colleague opens the link in their own browser and joins by signing up.
    colleague = browser.new_context(locale="en-US", base_url=live_server.url).new_page()
    colleague.goto(path)
    colleague.fill("input[name=full_name]", "Colin League")
    colleague.fill("input[name=password]", "amber-Lantern-93-meadow")
    colleague.click("[data-testid=invitation-signup]")
    colleague.wait_for_url("**/c/sunny/")
    assert "Welcome to Sunny Portraits!" in colleague.inner_text("main")

    # Back to the owner: create the first project.
    page.goto("/c/sunny/projects/")
    page.click("[data-testid=create-first-project]")
    page.fill("input[name=name]", "Weddings 2026")
    page.click("button.primary")
    page.wait_for_selector("[data-testid=project-name]")
    assert page.inner_text("[data-testid=project-name]") == "Weddings 2026"
    page.goto("/c/sunny/members/")
    assert page.locator("[data-testid=member-row]").count() == 2
