"""The embedded run (``scripts/run``: SQLite, tasks in process, no Redis) for real: scans
through the viewer API of a running server end up on the analytics page after the roll-up.

The rest of the suite runs on PostgreSQL, so this starts ``manage.py`` in subprocesses with
the environment ``scripts/run`` gives, on a fresh SQLite file under a temporary directory.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from arvlite.core.testing.embedded import embedded_server, manage

OWNER_EMAIL = "owner@embedded.example"
OWNER_PASSWORD = "embedded-owner-password-1"  # a throwaway test account
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

# Run by `manage.py shell -c`: a company with one published content that has a video, made
# through the same services as the portal (the marker pipeline and the video's transcode run
# in process). Prints the company slug and the content's public id.
SETUP = f"""
import io
from django.db import transaction
from arcontent.viewer.demo import DEMOS, demo_clip, demo_photo
from arcontent.services import content_create, content_input, content_publish
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import User
from companies.services import company_create
from projects.services import project_create
from videos.services import video_create

owner = User.objects.create_user(email={OWNER_EMAIL!r}, password={OWNER_PASSWORD!r})
with scopes_disabled():
    company = company_create(name="Embedded Studio", slug="embedded-studio", owner=owner)
with company_scope(company):
    project = project_create(company=company, actor=owner, name="Prints")
    data = content_input(project=project, values={{"print_width_cm": 15, "print_height_cm": 10}})
    with transaction.atomic():
        content = content_create(company=company, actor=owner, data=data,
                                 photo=io.BytesIO(demo_photo(1)), photo_name="photo.jpg")
        clip = demo_clip(DEMOS[0], seconds=1.0, size=(320, 240))
        video_create(content=content, actor=owner, upload=io.BytesIO(clip), filename="clip.mp4")
    content.refresh_from_db()
    content = content_publish(content=content, actor=owner)
print("SETUP", company.slug, content.unique_id)
"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with embedded_server(tmp_path) as running:
        yield running.base, running.env


def signed_in(base: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert token is not None
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"csrfmiddlewaretoken": token.group(1), "username": OWNER_EMAIL, "password": OWNER_PASSWORD},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text[:500]
    assert "sessionid" in browser.cookies, answer.text[:500]
    return browser


def cards(html: str) -> dict[str, str]:
    found = dict(re.findall(r'data-testid="(total-\w+|average-watch)">([^<]*)<', html))
    bots = re.search(r'data-testid="bot-views">([^<]*)<', html)
    found["bots"] = bots.group(1) if bots else ""
    return found


@pytest.mark.slow
def test_scans_on_the_embedded_run_reach_the_analytics_page(server: tuple[str, dict[str, str]]) -> None:
    base, env = server
    setup = manage("shell", "-c", SETUP, env=env)
    slug, unique_id = re.search(r"^SETUP (\S+) (\S+)$", setup, re.M).groups()  # type: ignore[union-attr]

    # Three scans by one phone, one by a crawler, and one watched session of 12 s.
    for agent in (PHONE, PHONE, PHONE, BOT):
        scan = requests.get(
            f"{base}/api/viewer/ar/{unique_id}/manifest", headers={"User-Agent": agent}, timeout=10
        )
        assert scan.status_code == 200, scan.text
    report = {"session_id": str(uuid.uuid4()), "event": "end", "duration_seconds": 12, "video_played": True}
    answer = requests.post(
        f"{base}/api/viewer/ar/{unique_id}/sessions", data=json.dumps(report),
        headers={"User-Agent": PHONE, "Content-Type": "application/json"}, timeout=10,
    )  # fmt: skip
    assert answer.status_code == 202, answer.text

    # No beat runs here: the page rolls the new scans up itself when it is looked at.
    browser = signed_in(base)
    for path in (f"/c/{slug}/analytics/", f"/c/{slug}/content/{unique_id}/analytics/"):
        page = browser.get(f"{base}{path}", timeout=30)
        assert page.status_code == 200, page.text[:500]
        figures = cards(page.text)
        # One visitor (same address and browser all day); the crawler is counted apart.
        assert (figures["total-views"], figures["total-visitors"], figures["total-plays"]) == ("3", "1", "1")
        assert figures["average-watch"].split()[0] == "12"
        assert figures["bots"].split()[0] == "1"

    # Within the minute the figures stand; a roll-up in another process (`manage.py
    # rollup_views` beside `scripts/run`) makes the server drop them, not show them for an hour.
    scan = requests.get(
        f"{base}/api/viewer/ar/{unique_id}/manifest", headers={"User-Agent": PHONE}, timeout=10
    )
    assert scan.status_code == 200
    assert cards(browser.get(f"{base}/c/{slug}/analytics/", timeout=30).text)["total-views"] == "3"
    rolled = manage("rollup_views", env=env)
    assert re.search(rf"^{slug}: \S+ … \S+, [1-9]\d* rows$", rolled, re.M), rolled
    assert cards(browser.get(f"{base}/c/{slug}/analytics/", timeout=30).text)["total-views"] == "4"
