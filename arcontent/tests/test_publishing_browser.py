"""The content page in a browser: the QR code is shown with its copy and download
buttons, and "publish anyway" after a similar-marker warning publishes in one click."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from arcontent.models import ARContent
from arcontent.tests.factories import make_content, publishable
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.browser import sign_in
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_qr_code_shows_copies_and_downloads_and_publish_anyway_takes_one_click(page: Any) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    with company_scope(company):
        earlier = make_content(company)
        content = publishable(company, similar_matches=[
            {"same_company": True, "unique_id": str(earlier.unique_id), "order_number": earlier.order_number,
             "inliers": 90},
        ])  # fmt: skip
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, user.email, TEST_PASSWORD)
    page.goto(f"/c/sunny/content/{content.unique_id}/")

    # The QR code is an image on the page itself, really decoded by the browser.
    qr = page.locator("[data-testid=qr-image]")
    qr.wait_for()
    page.wait_for_function("() => document.querySelector('[data-testid=qr-image]').naturalWidth > 0")
    page.click("[data-testid=qr-copy]")
    page.wait_for_selector("[data-testid=qr-copied]", state="visible")
    assert (
        page.evaluate("navigator.clipboard.readText()") == f"{settings.PUBLIC_URL}/view/{content.unique_id}"
    )
    with page.expect_download() as download:
        page.click("[data-testid=qr-download]")
    assert Path(download.value.path()).read_bytes().startswith(b"\x89PNG")

    # The similar content is a link to its page.
    assert (
        page.get_attribute("[data-testid=similar-link]", "href") == f"/c/sunny/content/{earlier.unique_id}/"
    )

    page.click("[data-testid=action-publish-anyway]")  # one click, no second step
    page.wait_for_selector("[data-testid=status-card][data-status=active]")
    assert "Published: scans now play the video." in page.inner_text(".messages")
    content.refresh_from_db()
    assert content.status == ARContent.Status.ACTIVE
