"""The scene card in Chromium: the preview draws the video on the photo with the /view
page's own code, changes as the form changes (no reload), and saving stores the scene."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pytest
from PIL import Image

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.testing.browser import sign_in
from companies.files import stored_file_create
from companies.models import StoredFile
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from videos.tests.factories import make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHOTO_RED = (200, 30, 30)


def _wide_photo() -> bytes:
    """A red photo much wider than the 4:3 test clip, so `contain` leaves photo showing."""
    buffer = io.BytesIO()
    Image.new("RGB", (400, 160), PHOTO_RED).save(buffer, format="PNG")
    return buffer.getvalue()


def _photo_share(screenshot: bytes) -> float:
    """The share of the preview's pixels that show the red photo."""
    pixels = np.asarray(Image.open(io.BytesIO(screenshot)).convert("RGB")).astype(int)
    near = np.abs(pixels - np.array(PHOTO_RED)).sum(axis=2) < 60
    return float(near.mean())


def _content_on_a_wide_photo(*, with_video: bool) -> ARContent:
    """Content of the company "sunny" (an editor, anna@…, may sign in) whose marker is the wide photo."""
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    with company_scope(company):
        content = make_content(company)
        content.marker = stored_file_create(company=company, kind=StoredFile.Kind.MARKER,
                                            content=io.BytesIO(_wide_photo()), original_name="marker.png")  # fmt: skip
        content.save()
        if with_video:
            make_video(content, title="Wedding")
    return content


def test_the_preview_follows_the_form_and_saving_keeps_the_scene(page: Any) -> None:
    content = _content_on_a_wide_photo(with_video=True)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, "anna@sunny.example.com", TEST_PASSWORD)
    page.goto(f"/c/sunny/content/{content.unique_id}/")
    preview = page.locator("[data-testid=scene-preview]")
    page.wait_for_selector("[data-testid=scene-preview][data-ready=true][data-playing=true]")
    page.wait_for_timeout(300)
    covered = _photo_share(preview.screenshot())

    page.select_option("[data-testid=scene-fit]", "contain")  # no reload: the preview redraws
    page.wait_for_selector("[data-testid=scene-preview][data-fit=contain]")
    page.wait_for_timeout(300)
    contained = _photo_share(preview.screenshot())
    # Cover hides the photo under the video; contain shows the whole 4:3 clip in the middle
    # of the wide photo, whose sides stay visible.
    assert covered < 0.05
    assert contained > 0.3

    page.fill("[name=fade_in_ms]", "400")
    page.click("[data-testid=scene-save]")
    page.wait_for_selector(".messages")
    assert "The scene is saved" in page.inner_text(".messages")
    with scopes_disabled():
        saved = ARContent.objects.get(pk=content.pk)
    # Only what differs from the project's defaults is the content's own.
    assert saved.scene == {"fit": "contain", "fade_in_ms": 400}
    assert page.get_attribute("[data-testid=scene-fit] option[selected]", "value") == "contain"
    # The live server speaks no WebSocket (the bell's live push): only that may complain.
    assert [error for error in errors if "WebSocket" not in error] == []


def test_the_preview_keys_out_the_chosen_colour_and_rounds_the_corners(page: Any) -> None:
    """Without a video the preview's grey stand-in is drawn by the same shader: keying out
    its grey shows the photo through it, and round corners show the photo at the corners."""
    content = _content_on_a_wide_photo(with_video=False)
    sign_in(page, "anna@sunny.example.com", TEST_PASSWORD)
    page.goto(f"/c/sunny/content/{content.unique_id}/")
    preview = page.locator("[data-testid=scene-preview]")
    page.wait_for_selector("[data-testid=scene-preview][data-ready=true][data-playing=true]")
    page.wait_for_timeout(300)
    assert _photo_share(preview.screenshot()) < 0.05  # the stand-in covers the photo

    page.check("[name=chroma_key_enabled]")
    page.fill("[name=chroma_key_color]", "#868e96")  # the stand-in's grey
    page.wait_for_timeout(300)
    assert _photo_share(preview.screenshot()) > 0.5

    page.uncheck("[name=chroma_key_enabled]")
    page.fill("[name=corner_radius]", "0.5")
    page.dispatch_event("[name=corner_radius]", "input")
    page.wait_for_timeout(300)
    rounded = _photo_share(preview.screenshot())
    assert 0.03 < rounded < 0.5  # the photo shows at the rounded ends only
