"""The company form in real Chromium: the web address follows the name as it is typed
(Cyrillic transliterated), stops following once edited by hand, and the preview shows the
resulting portal address."""

from __future__ import annotations

from typing import Any

import pytest

from companies.models import Company
from companies.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_web_address_follows_the_name_as_it_is_typed(page: Any) -> None:
    user = UserFactory(email="olga@example.com")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.goto("/companies/new/")
    page.locator("#id_name").press_sequentially("Солнечная студия", delay=20)
    page.wait_for_function("document.querySelector('#id_slug').value === 'solnechnaya-studiya'")
    assert page.inner_text("[data-slug-preview]") == "solnechnaya-studiya"
    assert "/c/solnechnaya-studiya/" in page.inner_text("[data-testid=slug-preview]")

    page.fill("#id_slug", "sunny")  # by hand: the name no longer changes it
    page.locator("#id_name").press("End")
    page.keyboard.type(" Москва", delay=20)
    page.wait_for_timeout(600)
    assert page.input_value("#id_slug") == "sunny"
    assert page.inner_text("[data-slug-preview]") == "sunny"
    page.click("[data-testid=company-create-submit]")
    page.wait_for_url("**/c/sunny/")
    assert Company.objects.get(slug="sunny").name == "Солнечная студия Москва"
