"""Two-factor sign-in in real Chromium: set up from the account page (the QR code renders
under the pages' Content-Security-Policy, the key can be typed instead), recovery codes
shown once, then signing in asks for the code and lands where the person was going."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from arvlite.core.roles import Role
from arvlite.core.testing.browser import sign_in
from companies.models import RecoveryCode
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _code(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{totp(key):06d}"


def test_set_up_and_sign_in_with_a_code(page: Any) -> None:
    company = CompanyFactory(slug="sunny")
    user = UserFactory(email="olga@example.com")
    MembershipFactory(company=company, user=user, role=Role.OWNER)
    sign_in(page, user.email, TEST_PASSWORD, lands_on="**/c/sunny/")

    page.goto("/accounts/me/")
    page.click("[data-testid=two-factor-link]")
    page.click("[data-testid=two-factor-start]")
    qr = page.locator("[data-testid=two-factor-qr]")
    qr.wait_for()
    assert page.evaluate("document.querySelector('[data-testid=two-factor-qr]').naturalWidth") > 100
    secret = page.inner_text("[data-testid=two-factor-secret]")
    page.fill("input[name=code]", _code(secret))
    page.click("button[value=confirm]")
    page.wait_for_selector("[data-testid=recovery-codes]")
    assert page.locator(".recovery-codes li").count() == 10
    assert RecoveryCode.objects.filter(user=user).count() == 10
    page.click("[data-testid=codes-saved]")
    assert "On." in page.inner_text("[data-testid=account-two-factor]")

    # Signed out and in again: the code is asked after the password.
    page.goto("/accounts/me/")
    with page.expect_navigation():  # signed out before the next page is asked for
        page.evaluate("document.querySelector('form[action=\"/accounts/logout/\"]').submit()")
    page.goto(f"/c/{company.slug}/orders/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("[data-testid=two-factor-verify]")
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the same 30-second step as the set-up
    page.fill("input[name=code]", _code(secret))
    page.click("[data-testid=two-factor-verify] button.primary")
    page.wait_for_url(f"**/c/{company.slug}/orders/")
