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
        # Sound on by default (the scene's default): where the browser allows it, it plays unmuted.
        assert tab.evaluate("document.querySelector('[data-clip]').muted") is False
        assert tab.evaluate("window.__csp") == []
        tab.goto("about:blank")  # pagehide sends the session's end
        row = _session_row(content)
    finally:
        browser.close()
    assert row.counted_view
    assert row.video_played
    assert row.tracking_quality == "tracking"
    assert row.source == ViewSession.Source.WEB
    assert row.position_seconds is not None  # the page says how far the video got


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


def _magenta_frame(size: tuple[int, int] = (640, 480)) -> bytes:
    """An overlay frame: an opaque magenta border around a transparent middle."""
    from PIL import Image

    width, height = size
    frame = Image.new("RGBA", size, (255, 0, 255, 255))
    frame.paste((0, 0, 0, 0), (width // 8, height // 8, width * 7 // 8, height * 7 // 8))
    buffer = io.BytesIO()
    frame.save(buffer, format="PNG")
    return buffer.getvalue()


def _magenta_box(screenshot: bytes) -> tuple[int, tuple[int, int, int, int] | None]:
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(screenshot)).convert("RGB")).astype(int)
    mask = (pixels[..., 0] > 200) & (pixels[..., 1] < 80) & (pixels[..., 2] > 200)
    rows, columns = np.nonzero(mask)
    if not len(rows):
        return 0, None
    return int(mask.sum()), (int(columns.min()), int(rows.min()), int(columns.max()), int(rows.max()))


def test_the_scene_is_applied_on_the_tracked_print(
    driver: Any, live_server: Any, content: ARContent, marker: bytes, tmp_path: Path
) -> None:
    """`contain` at 0.8 with an overlay frame and sound off by default: the frame's magenta
    shows where the print is, around the video, and the clip starts muted."""
    from arcontent import scene_services

    with scopes_disabled():
        scene_services.content_scene_update(
            content=content, actor=None, changes={"fit": "contain", "scale": 0.8, "sound_on": False}
        )
        scene_services.content_overlay_set(
            content=content, actor=None, upload=io.BytesIO(_magenta_frame()), name="frame.png"
        )
    browser = launch_with_camera(driver, tmp_path / "print.y4m", marker)
    try:
        tab = open_view(browser, live_server, str(content.unique_id), permissions=["camera"])
        tab.wait_for_selector("body[data-ar-state=tracking]", timeout=40_000)
        tab.wait_for_selector("body[data-video-state=playing]")
        stage = tab.locator("[data-stage]").bounding_box()
        count, box = 0, None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and count < 2000:  # the overlay's texture loads on its own
            tab.wait_for_timeout(300)
            count, box = _magenta_box(tab.locator("[data-stage]").screenshot())
        assert tab.is_visible("[data-testid=unmute]")  # sound off by default: muted, with a way to turn it on
        assert tab.evaluate("document.querySelector('[data-clip]').muted") is True
        assert tab.evaluate("window.__csp") == []
    finally:
        browser.close()
    assert count >= 2000, "the overlay frame is not drawn"
    assert box is not None
    left, top, right, bottom = box
    # The frame surrounds the print, which the fake camera holds in the middle of the picture.
    middle_x, middle_y = (left + right) / 2, (top + bottom) / 2
    assert abs(middle_x - stage["width"] / 2) < stage["width"] * 0.15
    assert abs(middle_y - stage["height"] / 2) < stage["height"] * 0.15
    assert right - left > stage["width"] * 0.2
