"""A company user uploads two videos in the portal (the second one resumes after a
dropped connection), watches a real worker process them, sets a weekly rotation and
reads the month calendar."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.tests.factories import TEST_PASSWORD, CompanyFactory, MembershipFactory, UserFactory
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
        content = make_content(company)
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

    page.set_input_files("#video-file", str(first))
    with page.expect_navigation():
        page.click("[data-testid=video-upload-submit]")
    page.wait_for_selector("[data-testid=video-row]")

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
    page.set_input_files("#video-file", str(second))
    with page.expect_navigation(timeout=30_000):
        page.click("[data-testid=video-upload-submit]")
    assert patches["count"] > 2  # the dropped part was sent again
    assert page.locator("[data-testid=video-row]").count() == 2
    assert set(
        page.locator("[data-testid=video-row]").evaluate_all("rows => rows.map(r => r.dataset.status)")
    ) == {"uploaded"}
    with company_scope(company):
        stored = Video.objects.select_related("original").get(title="second").original
    assert stored is not None
    assert stored.sha256 == hashlib.sha256(second.read_bytes()).hexdigest()  # byte-identical after the resume

    celery_worker(["default", "media"], "browser-videos")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=video-row]')].every(r => r.dataset.status === 'ready')",
        timeout=90_000,
    )

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
