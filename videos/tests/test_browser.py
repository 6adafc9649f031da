"""A company user uploads two videos in the portal (the second one resumes after a
dropped connection), watches a real worker process them, sets a weekly rotation and
reads the month calendar."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route

from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.browser import sign_in
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
from projects.tests.factories import ProjectFactory
from videos.models import Video
from videos.tests.factories import clip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_two_uploads_one_resumed_processing_weekly_rotation_and_calendar(
    page: Any, celery_worker: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VIDEO_UPLOAD_CHUNK_BYTES = 32 * 1024  # several parts for a small test clip
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    with company_scope(company):
        content = make_content(company, project=ProjectFactory(company=company, playback_mode="manual"))
    first = tmp_path / "first.mp4"
    first.write_bytes(clip_bytes(width=640, height=360, seconds=2.0))
    second = tmp_path / "second.mp4"
    second.write_bytes(clip_bytes(width=640, height=360, seconds=3.0, codec="libx264"))

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("button.primary")
    page.wait_for_url("**/c/sunny/")
    videos_url = f"/c/sunny/content/{content.unique_id}/videos/"
    page.goto(videos_url)

    page.evaluate("window.stillTheSamePage = true")  # gone if anything reloads the page
    page.fill("#video-title", "first")
    page.set_input_files("#video-file", str(first))
    page.click("[data-testid=video-upload-submit]")
    # After 100 % the new row is there at once, saying it is being processed: no reload.
    page.wait_for_selector("[data-testid=video-row] [data-testid=video-processing]")
    assert page.inner_text("[data-testid=video-upload-status]") == "Uploaded. The video is being processed."

    # Drop the connection on the second part of the next upload, once.
    patches = {"count": 0}

    def flaky(route: Any) -> None:
        if route.request.method == "PATCH":
            patches["count"] += 1
            if patches["count"] == 2:
                route.abort("connectionreset")
                return
        route.continue_()

    page.route("**/uploads/**", flaky)
    page.fill("#video-title", "second")
    page.set_input_files("#video-file", str(second))
    page.click("[data-testid=video-upload-submit]")
    page.wait_for_function(
        "() => document.querySelectorAll('[data-testid=video-row]').length === 2", timeout=30_000
    )
    assert patches["count"] > 2  # the dropped part was sent again
    assert set(
        page.locator("[data-testid=video-row]").evaluate_all("rows => rows.map(r => r.dataset.status)")
    ) == {"uploaded"}
    assert page.locator("[data-testid=video-processing]").count() == 2
    with company_scope(company):
        stored = Video.objects.select_related("original").get(title="second").original
    assert stored is not None
    assert stored.sha256 == hashlib.sha256(second.read_bytes()).hexdigest()  # byte-identical after the resume

    celery_worker(["default", "media"], "browser-videos")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=video-row]')].every(r => r.dataset.status === 'ready')",
        timeout=90_000,
    )
    assert page.evaluate("window.stillTheSamePage") is True  # it went live, without a reload
    assert page.locator("[data-testid=video-processing]").count() == 0
    # The first ready video plays without a click: it is the active one.
    assert page.locator("[data-testid=video-row]").first.locator("[data-testid=video-active]").count() == 1

    # On a 390 px phone the table fits, its actions in view.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")
    delete = page.locator("[data-testid=video-row]").first.locator("[data-testid=video-delete]")
    box = delete.bounding_box()
    assert box is not None
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390
    page.set_viewport_size({"width": 1280, "height": 800})

    page.click("[data-testid=playback-link]")
    page.select_option("select[name=rotation]", "weekly_cycle")
    for box in page.locator("input[name=rotation_sequence]").all():
        box.check()
    with page.expect_navigation():
        page.click("[data-testid=playback-save]")
    page.goto(f"/c/sunny/content/{content.unique_id}/playback/?month=2026-12")
    cells = page.locator("[data-testid=calendar] td[data-date]")
    assert cells.count() == 31
    titles = [cells.nth(day).locator("[data-testid=calendar-video]").inner_text() for day in (0, 7, 14)]
    assert titles[0] != titles[1]
    assert titles[0] == titles[2]
    assert set(titles) == {"first", "second"}


def test_a_file_that_is_not_a_video_is_refused_before_the_upload_starts(
    page: Any, settings: Any, tmp_path: Path
) -> None:
    settings.VIDEO_UPLOAD_MAX_BYTES = 64 * 1024
    company = CompanyFactory(name="Sunny Portraits", slug="sunny")
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    with company_scope(company):
        content = make_content(company)
    sign_in(page, user.email, TEST_PASSWORD)
    page.goto(f"/c/sunny/content/{content.unique_id}/videos/")
    sent: list[str] = []

    def record(route: Route) -> None:
        sent.append(route.request.method)
        route.continue_()

    page.route("**/uploads/**", record)
    status = "[data-testid=video-upload-status]"

    text = tmp_path / "notes.txt"
    text.write_text("not a video at all")
    page.set_input_files("#video-file", str(text))
    page.click("[data-testid=video-upload-submit]")
    page.wait_for_selector(f"{status}.errors")
    assert page.inner_text(status).startswith("This file is not a video. Choose a video file (")

    renamed = tmp_path / "holiday.mp4"  # the name says video, the bytes do not
    renamed.write_bytes(b"PK\x03\x04 a zip archive renamed to .mp4" * 10)
    page.set_input_files("#video-file", str(renamed))
    page.click("[data-testid=video-upload-submit]")
    page.wait_for_function(
        f"() => document.querySelector('{status}').textContent.startsWith('This file is not a video')"
    )

    large = tmp_path / "large.mp4"
    large.write_bytes(clip_bytes(width=640, height=360, seconds=3.0))
    assert large.stat().st_size > 64 * 1024
    page.set_input_files("#video-file", str(large))
    page.click("[data-testid=video-upload-submit]")
    page.wait_for_function(
        f"() => document.querySelector('{status}').textContent.startsWith('This video is too large')"
    )
    assert page.inner_text(status) == "This video is too large: the limit is 64.0\xa0KB."
    assert sent == []  # not one request reached the upload endpoint
    assert page.locator("[data-testid=video-row]").count() == 0


def test_the_servers_refusal_is_shown_as_its_sentence(page: Any, tmp_path: Path) -> None:
    company = CompanyFactory(name="Sunny Portraits", slug="sunny", storage_quota_bytes=10 * 1024)
    user = UserFactory(email="anna@sunny.example.com")
    MembershipFactory(company=company, user=user, role=Role.EDITOR)
    with company_scope(company):
        content = make_content(company)
    sign_in(page, user.email, TEST_PASSWORD)
    page.goto(f"/c/sunny/content/{content.unique_id}/videos/")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(clip_bytes(width=320, height=240, seconds=1.0))
    page.set_input_files("#video-file", str(clip))
    page.click("[data-testid=video-upload-submit]")  # a real video, but over the company's quota
    page.wait_for_selector("[data-testid=video-upload-status].errors")
    said = page.inner_text("[data-testid=video-upload-status]")
    assert "{" not in said
    assert "tus:" not in said
    assert said.endswith(".")
    assert "storage" in said.lower() or "quota" in said.lower()
