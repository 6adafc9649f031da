"""A company user creates AR content from a photo in the portal, watches it go from
processing to ready (a real Celery worker does the work), downloads the QR label and
publishes it."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from arcontent.models import ARContent
from arcontent.tests.photos import textured_jpeg
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from projects.tests.factories import ProjectFactory
from videos.tests.factories import playable_video

# The page of a created content: "**/content/*/" would match /content/new/ too.
CONTENT_PAGE = re.compile(r"/c/sunny/content/[0-9a-f-]{36}/$")

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
MM = 72 / 25.4


def test_content_from_photo_to_published(page: Any, celery_worker: Any, tmp_path: Path) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    project = ProjectFactory(company=company, name="Weddings")
    photo = tmp_path / "wedding.jpg"
    photo.write_bytes(textured_jpeg(seed=5, size=(1600, 1200)))

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")

    page.goto("/c/sunny/content/new/")
    page.select_option("select[name=project]", str(project.pk))
    page.fill("input[name=print_width_cm]", "15")
    page.fill("input[name=print_height_cm]", "10")
    page.set_input_files("input[name=photo]", str(photo))
    # The live check answers as soon as the photo is chosen.
    page.wait_for_selector("[data-analysis]:not([hidden]) [data-score]:text('/100')")
    assert page.inner_text("[data-analysis] [data-level]") == "good"
    page.click("[data-testid=content-create-submit]")
    page.wait_for_url(CONTENT_PAGE)  # not /content/new/ itself: the upload must have finished

    # No worker runs yet, so the content is certainly still processing.
    assert page.get_attribute("[data-testid=status-card]", "data-status") == "processing"
    worker = celery_worker(["default", "media"], "browser-e2e")
    page.wait_for_selector("[data-testid=status-card][data-status=ready]", timeout=60_000)
    assert worker.poll() is None
    assert page.inner_text("[data-testid=level]") == "good"

    with page.expect_download() as download:
        page.click("[data-testid=label-pdf]")
    label = PdfReader(io.BytesIO(Path(download.value.path()).read_bytes()))
    box = label.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (70, 50)

    # Without a video there is nothing to play: publishing says what to add.
    page.click("[data-testid=action-publish]")
    page.wait_for_selector(".messages >> text=Add a video before publishing")
    content = ARContent.objects.with_scopes_disabled().get(project=project)
    with company_scope(company):
        playable_video(content)
    page.click("[data-testid=action-publish]")
    page.wait_for_selector("[data-testid=status-card][data-status=active]")
    assert "Published" in page.inner_text("[data-testid=content-status]")
