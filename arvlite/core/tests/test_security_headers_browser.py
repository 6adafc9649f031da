"""The behaviour that moved out of inline event handlers (the Content-Security-Policy allows
none) still works in a real browser: portal.js asks before a dangerous step and sends the
language form on change — with no console errors, CSP refusals included."""

from __future__ import annotations

import re
from typing import Any

import pytest

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.browser import browser_tab, sign_in
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from orders.models import Order
from orders.tests.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dangerous_step_asks_first_and_the_language_form_sends_itself(
    browser: Any, live_server: Any, request: pytest.FixtureRequest
) -> None:
    company = CompanyFactory(slug="csp")
    owner = UserFactory(language="en")
    MembershipFactory(company=company, user=owner, role=Role.OWNER)
    with company_scope(company):
        order = make_order(company)
    errors: list[str] = []
    with browser_tab(browser, live_server.url, request) as tab:
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        sign_in(tab, owner.email, TEST_PASSWORD)
        tab.goto(f"/c/{company.slug}/orders/{order.pk}/")

        tab.once("dialog", lambda dialog: dialog.dismiss())
        tab.click("[data-testid=move-cancelled]")
        tab.wait_for_timeout(300)
        order.refresh_from_db()
        assert order.status == Order.Status.DRAFT  # dismissed: nothing was sent

        questions: list[str] = []

        def accept(dialog: Any) -> None:
            questions.append(dialog.message)
            dialog.accept()

        tab.once("dialog", accept)
        with tab.expect_navigation():
            tab.click("[data-testid=move-cancelled]")
        order.refresh_from_db()
        assert order.status == Order.Status.CANCELLED
        assert questions == ["Are you sure?"]

        with tab.expect_navigation():
            tab.select_option("select#language", "ru")
        assert tab.get_attribute("html", "lang") == "ru"
    # pytest-django's live server speaks WSGI only: the bell's socket cannot connect here.
    assert [e for e in errors if not re.search(r"WebSocket connection to '.*/ws/notifications/'", e)] == []
