"""The /view page in Chromium with a fake camera: the printed photo in front of the camera is
found by MindAR and the video plays on it; an unrelated picture is never taken for it; no
camera (or an app's built-in browser) plays the video on the page instead.

The .mind target is compiled once for the module by MindAR's real compiler (~10 s) and
stored on each test's content as the pipeline stores it. Each test launches its own Chromium:
the fake camera's clip is a launch argument."""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from arcontent.imaging.decode import load_photo
from arcontent.imaging.derivatives import make_marker
from arcontent.models import ARContent, ViewSession
from arcontent.tests.factories import make_content
from arcontent.tests.photos import textured_jpeg
from arcontent.tests.viewer_clip import photo_clip
from arcontent.webar.compiler import CompiledTarget, compile_target
from arvlite.core.tenancy import scopes_disabled
from arvlite.core.testing.browser import CHROMIUM_ARGS
from companies.files import stored_file_create
from companies.models import StoredFile
from companies.tests.factories import CompanyFactory
from videos.tests.factories import make_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAKE_CAMERA = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]
AUTOPLAY = "--autoplay-policy=no-user-gesture-required"
# Records every state the page passes through, and any Content-Security-Policy violation.
WATCH_PAGE = """
window.__states = [];
window.__csp = [];
new MutationObserver(() => {
  const state = document.body && document.body.dataset.arState;
  if (state && window.__states[window.__states.length - 1] !== state) window.__states.push(state);
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-ar-state"] });
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture(scope="module")
def marker() -> bytes:
    # A small photo gives a small marker (the pipeline keeps its size): a quicker compile.
    return make_marker(load_photo(textured_jpeg(seed=11, size=(640, 480))))


@pytest.fixture(scope="module")
def target(marker: bytes) -> CompiledTarget:
    return compile_target(marker)


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    """Our own Playwright: the fake camera's clip is a launch argument of each browser."""
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls between browser steps
    try:
        with sync_playwright() as playwright:
            yield playwright
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def launch(driver: Any, *extra: str) -> Any:
    executable = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return driver.chromium.launch(executable_path=executable, args=[*CHROMIUM_ARGS, AUTOPLAY, *extra])


def launch_with_camera(driver: Any, clip: Path, photo: bytes) -> Any:
    """A Chromium whose camera sees `photo` held up in front of a grey wall."""
    return launch(driver, *FAKE_CAMERA, f"--use-file-for-fake-video-capture={photo_clip(clip, photo)}")


def open_view(browser: Any, live_server: Any, uid: str, **context: Any) -> Any:
    tab = browser.new_context(locale="en-US", base_url=live_server.url, **context).new_page()
    tab.set_default_timeout(20_000)
    tab.add_init_script(WATCH_PAGE)
    tab.goto(f"/view/{uid}")
    return tab


@pytest.fixture
def content(settings: Any, live_server: Any, marker: bytes, target: CompiledTarget) -> ARContent:
    """Published content whose marker is the textured photo, with its compiled target and a video."""
    settings.PUBLIC_URL = live_server.url  # file links point at the live server
    company = CompanyFactory(name="Sunny Portraits", brand_color="#d9480f")
    with scopes_disabled():
        item = make_content(company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
                            expires_at=timezone.now() + timedelta(days=30))  # fmt: skip
        item.marker = stored_file_create(company=company, kind=StoredFile.Kind.MARKER, content=io.BytesIO(marker),
                                         original_name="marker.jpg", project=item.project)  # fmt: skip
        # As arcontent.pipeline.build_web_target stores a compiled target.
        item.web_target = stored_file_create(company=company, kind=StoredFile.Kind.WEB_TARGET,
                                             content=io.BytesIO(target.data), original_name="target.mind",
                                             project=item.project, generated_mime="application/octet-stream")  # fmt: skip
        item.web_target_status = ARContent.WebTarget.READY
        item.web_target_compiler_version = target.compiler_version
        item.save()
        make_video(item, title="Wedding dance")
    return item


def test_the_printed_photo_comes_alive(
    driver: Any, live_server: Any, content: ARContent, marker: bytes, tmp_path: Path
) -> None:
    browser = launch_with_camera(driver, tmp_path / "print.y4m", marker)
    try:
        tab = open_view(browser, live_server, str(content.unique_id), permissions=["camera"])
        tab.wait_for_selector("body[data-ar-state=tracking]", timeout=40_000)
        tab.wait_for_selector("body[data-video-state=playing]")
        assert tab.evaluate("window.__states")[:2] == ["scanning", "tracking"]
        assert tab.is_visible("[data-testid=unmute]")  # muted autoplay, with a way to turn sound on
        assert tab.evaluate("window.__csp") == []
        tab.goto("about:blank")  # pagehide sends the session's end
        row = _session_row(content)
    finally:
        browser.close()
    assert row.counted_view
    assert row.video_played
    assert row.tracking_quality == "tracking"
    assert row.source == ViewSession.Source.WEB


def test_an_unrelated_picture_is_never_taken_for_the_print(
    driver: Any, live_server: Any, content: ARContent, tmp_path: Path
) -> None:
    browser = launch_with_camera(driver, tmp_path / "other.y4m", textured_jpeg(seed=97, size=(640, 480)))
    try:
        tab = open_view(browser, live_server, str(content.unique_id), permissions=["camera"])
        tab.wait_for_selector("body[data-ar-state=scanning]", timeout=30_000)
        tab.wait_for_timeout(8_000)
        assert tab.evaluate("window.__states") == ["scanning"]
        assert tab.get_attribute("body", "data-video-state") == "idle"
        tab.click("[data-testid=watch-here]")  # the visitor gives up on the camera
        tab.wait_for_selector("body[data-ar-state=fallback]")
        tab.wait_for_selector("body[data-video-state=playing]")
    finally:
        browser.close()


def test_without_a_camera_the_video_plays_on_the_page(
    driver: Any, live_server: Any, content: ARContent
) -> None:
    browser = launch(driver)  # no fake camera: getUserMedia fails
    try:
        tab = open_view(browser, live_server, str(content.unique_id))
        tab.wait_for_selector("body[data-ar-state=fallback]")
        tab.wait_for_selector("body[data-video-state=playing]")
        hints = [
            tab.is_visible(f".viewer-hint[data-reason={reason}]") for reason in ("camera_denied", "no_camera")
        ]
        assert hints.count(True) == 1
        assert tab.is_visible("[data-testid=photo]")
        assert tab.evaluate("window.__csp") == []

        instagram = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Instagram 300.0"
        in_app = open_view(browser, live_server, str(content.unique_id), user_agent=instagram)
        in_app.wait_for_selector("body[data-ar-state=fallback]")
        assert in_app.is_visible(".viewer-hint[data-reason=in_app]")
        in_app.wait_for_selector("body[data-video-state=playing]")
    finally:
        browser.close()


def _session_row(content: ARContent) -> ViewSession:
    """The page's session once its events are flushed (the end beacon may arrive late)."""
    from arcontent.viewer.flush import flush

    deadline = time.monotonic() + 10
    while True:
        flush()
        with scopes_disabled():
            row = ViewSession.objects.filter(content=content, session_id__isnull=False).first()
        if (row is not None and row.video_played) or time.monotonic() > deadline:
            assert row is not None
            return row
        time.sleep(0.3)
