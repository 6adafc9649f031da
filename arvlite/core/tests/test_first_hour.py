"""A studio's first hour, end to end, in Chromium against the embedded run (`scripts/run`'s
environment: SQLite, tasks in process) on a port that is not 8000: sign-up, company,
project, content, video, publish, the public /view page, a scan on the analytics page, bulk
work from the content list and the header search, in Russian, on a phone and on a desktop,
with no console error."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from arcontent.tests.photos import textured_jpeg
from arvlite.core.testing.browser import browser_tab
from arvlite.core.testing.embedded import EmbeddedServer, embedded_server
from videos.tests.factories import clip_bytes

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
NO_OVERFLOW = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    # The embedded run rolls scans up when a figures page is read and the last roll-up is
    # older than a minute; two seconds here, so the walk does not wait a minute.
    with embedded_server(
        tmp_path_factory.mktemp("first-hour"), ANALYTICS_ROLLUP_ON_READ_SECONDS="2"
    ) as running:
        yield running


def _fits(tab: Any, where: str) -> None:
    assert tab.evaluate(NO_OVERFLOW), f"{where}: the page scrolls sideways"


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_new_studio_from_sign_up_to_its_first_scan(
    browser: Any, server: EmbeddedServer, request: pytest.FixtureRequest, tmp_path: Path, screen: str
) -> None:
    photo = tmp_path / "wedding.jpg"
    # A photo of its own per walk: the same one twice would be a similar marker (checked
    # across companies, since one app recognises every company's prints).
    photo.write_bytes(textured_jpeg(seed=7 if screen == "phone" else 8, size=(1600, 1200)))
    clip = tmp_path / "first-dance.mp4"
    clip.write_bytes(clip_bytes(width=320, height=240))
    email = f"anna.{screen}@sunny.example.com"
    name = "Солнечная студия" if screen == "phone" else "Студия Север"
    slug = "solnechnaya-studiya" if screen == "phone" else "studiya-sever"
    errors: list[str] = []
    with browser_tab(
        browser, server.base, request, locale="ru-RU", viewport=SCREENS[screen],
        on_failure=lambda: server.log.read_text()[-4000:],
    ) as tab:  # fmt: skip
        tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        tab.on("pageerror", lambda error: errors.append(str(error)))

        # Sign-up (no e-mail confirmation in the embedded run) lands on "create your company".
        tab.goto("/accounts/signup/")
        tab.fill("input[name=full_name]", "Анна Петрова")
        tab.fill("input[name=email]", email)
        tab.fill("input[name=password]", "violet-Harbour-57-kettle")
        tab.click("[data-testid=signup-submit]")
        tab.wait_for_url("**/companies/new/")

        # The web address is filled in from the name, transliterated.
        tab.fill("input[name=name]", name)
        tab.wait_for_function(f"() => document.querySelector('input[name=slug]').value === '{slug}'")
        tab.click("[data-testid=company-create-submit]")
        tab.wait_for_url(f"**/c/{slug}/")
        assert tab.is_visible("[data-testid=first-steps]")
        _fits(tab, "dashboard")

        # First steps: a project, then content in it (the project chosen already).
        tab.click("[data-testid=step-project]")
        tab.fill("input[name=name]", "Свадьбы 2026")
        tab.click("form button.primary")
        tab.wait_for_url(f"**/c/{slug}/projects/*/")
        tab.click("[data-testid=add-content]")
        tab.wait_for_url("**/content/new/?project=*")
        assert tab.input_value("select[name=project]") != ""
        assert "нет размера печати по умолчанию" in tab.inner_text("form#content-form")
        tab.fill("input[name=print_width_cm]", "15")
        tab.fill("input[name=print_height_cm]", "10")
        tab.fill("input[name=customer_name]", "Мария Иванова")
        tab.set_input_files("input[name=photo]", str(photo))
        tab.wait_for_selector("[data-testid=live-score]:text('/100')")
        _fits(tab, "new content")
        tab.click("[data-testid=content-create-submit]")
        tab.wait_for_url(re.compile(rf"/c/{slug}/content/[0-9a-f-]{{36}}/$"))  # not /content/new/
        unique_id = tab.url.rstrip("/").rsplit("/", 1)[1]
        # Tasks run in process here: the photo is processed by the time the page shows.
        tab.wait_for_selector("[data-testid=status-card][data-status=ready]")
        order_number = tab.inner_text("[data-testid=order-number]")
        assert tab.is_visible("[data-testid=qr-image]")
        _fits(tab, "content page")

        # Publishing without a video is refused with a sentence saying what to add.
        assert "видео" in tab.inner_text("[data-testid=actions]").lower()

        # The video: uploaded, processed, ready, without reloading the page by hand.
        tab.click("[data-testid=videos-link]")
        tab.set_input_files("#video-file", str(clip))
        tab.click("[data-testid=video-upload-submit]")
        tab.wait_for_selector("[data-testid=video-row][data-status=ready]", timeout=60_000)
        _fits(tab, "videos")

        tab.goto(f"/c/{slug}/content/{unique_id}/")
        tab.click("[data-testid=action-publish]")
        tab.wait_for_selector("[data-testid=status-card][data-status=active]")

        # The public page and everything it links point to this server's own port.
        tab.goto(f"/view/{unique_id}")
        assert ":8000" not in tab.content()
        assert tab.eval_on_selector("[data-testid=photo]", "img => img.src").startswith(server.base)
        assert tab.eval_on_selector("[data-testid=photo]", "img => img.naturalWidth") > 0
        _fits(tab, "/view")

        # A phone scans the print; the analytics page shows it (the page rolls scans up).
        scan = requests.get(
            f"{server.base}/api/viewer/ar/{unique_id}/manifest",
            headers={"User-Agent": PHONE_AGENT},
            timeout=10,
        )
        assert scan.status_code == 200, scan.text
        assert scan.json()["video"]["video_url"].startswith(server.base)
        time.sleep(2.5)
        tab.goto(f"/c/{slug}/analytics/")
        assert tab.inner_text("[data-testid=total-views]").strip() == "1"
        _fits(tab, "analytics")

        # Bulk work from the content list: pause the published content, with progress...
        tab.goto(f"/c/{slug}/content/")
        tab.check("[data-testid=bulk-check]")
        tab.select_option("[data-testid=bulk-action]", "pause")
        tab.click("[data-testid=bulk-submit]")
        tab.wait_for_selector("[data-testid=bulk-job][data-status=done]", timeout=30_000)
        _fits(tab, "bulk job")
        tab.goto(f"/c/{slug}/content/{unique_id}/")
        assert tab.get_attribute("[data-testid=status-card]", "data-status") == "paused"

        # ...and publish it again the same way.
        tab.goto(f"/c/{slug}/content/")
        tab.check("[data-testid=bulk-check]")
        tab.select_option("[data-testid=bulk-action]", "publish")
        tab.click("[data-testid=bulk-submit]")
        tab.wait_for_selector("[data-testid=bulk-job][data-status=done]", timeout=30_000)
        tab.goto(f"/c/{slug}/content/{unique_id}/")
        assert tab.get_attribute("[data-testid=status-card]", "data-status") == "active"

        # The header search finds the content by its customer's name; ↓ and Enter open it.
        tab.goto(f"/c/{slug}/")
        tab.keyboard.press("/")
        tab.keyboard.type("Мария")
        tab.wait_for_selector("[role=listbox] [role=option]")
        tab.keyboard.press("ArrowDown")
        tab.keyboard.press("Enter")
        tab.wait_for_url(f"**/c/{slug}/content/{unique_id}/")
        assert tab.inner_text("[data-testid=order-number]") == order_number

    assert errors == []
