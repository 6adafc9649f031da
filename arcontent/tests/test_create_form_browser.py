"""The new-content form in Chromium: one drop zone that is the file input, a preview
beside the live score, the project's default size used by the live check, old errors
cleared when a photo is chosen, and the button busy while the upload runs."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from arcontent.imaging.analysis import detail_demand
from arcontent.tests.photos import textured_jpeg
from arvlite.core.roles import Role
from arvlite.core.testing.browser import sign_in
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from projects.tests.factories import ProjectFactory

# The page of a created content: "**/content/*/" would match /content/new/ too.
CONTENT_PAGE = re.compile(r"/c/sunny/content/[0-9a-f-]{36}/$")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_form_guides_the_upload(page: Any, tmp_path: Path) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    ProjectFactory(
        company=company, name="Weddings", print_width_cm=Decimal("7"), print_height_cm=Decimal("6")
    )
    photo = tmp_path / "wedding.jpg"
    photo.write_bytes(textured_jpeg(seed=5, size=(1600, 1200)))
    sign_in(page, user.email, TEST_PASSWORD)

    page.goto("/c/sunny/content/new/")
    assert page.input_value("select[name=project]") != ""  # the only project, chosen
    assert "7 × 6 cm" in page.inner_text("form#content-form")

    # Submitting without a photo: the error sits under the drop zone...
    page.click("[data-testid=content-create-submit]")
    page.wait_for_selector("[data-photo-field] .field-error")
    # ...and choosing a photo (by clicking the zone: it is the input) clears it.
    with page.expect_file_chooser() as chooser:
        page.click("[data-testid=dropzone]")
    with page.expect_request(lambda r: "/photo-analysis/" in r.url) as analysis:
        chooser.value.set_files(str(photo))
    # Scored at the size the content will get (Chromium hides multipart bodies, so the
    # answer tells: the detail a print of that size demands).
    scored = analysis.value.response().json()["metrics"]["detail_demand"]
    assert scored == round(detail_demand(7, 6), 4) != round(detail_demand(None, None), 4)
    assert page.locator("[data-photo-field] .field-error").count() == 0
    page.wait_for_selector("[data-testid=live-score]:text('/100')")
    assert page.get_attribute("[data-testid=photo-preview]", "src").startswith("blob:")
    assert page.is_visible("[data-testid=photo-preview]")

    # While the upload is on its way the button is busy; a network failure frees it.
    page.evaluate("""() => {
        const button = document.querySelector("[data-testid=content-create-submit]");
        window.busyStates = [];
        new MutationObserver(() => window.busyStates.push(button.disabled))
            .observe(button, { attributes: true, attributeFilter: ["disabled"] });
    }""")
    page.route(
        "**/content/new/",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    page.on("dialog", lambda dialog: dialog.dismiss())
    page.click("[data-testid=content-create-submit]")
    page.wait_for_function("() => window.busyStates.length >= 2")
    assert page.evaluate("window.busyStates")[:2] == [True, False]
    page.unroute("**/content/new/")
    page.click("[data-testid=content-create-submit]")
    page.wait_for_url(CONTENT_PAGE)  # not /content/new/ itself: the upload must have finished
