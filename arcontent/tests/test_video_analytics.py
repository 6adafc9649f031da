"""Per-video analytics end to end: scans and session reports with the position reached go
through the real buffer and flush, the daily roll-up, and come out as figures in the API,
its CSV and the analytics pages."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from arcontent.analytics.rollups import rollup_recent
from arcontent.models import ARContent, DailyVideoStat, ViewSession
from arcontent.tests.factories import make_content
from arcontent.viewer.flush import flush
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, User
from videos.models import Video
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db(transaction=True)
Clients = Callable[[User], APIClient]
SOURCES = {"date_rule", "schedule", "rotation_rule", "active_default", "rotation", "fallback"}


def published(company: Company) -> tuple[ARContent, Video]:
    with company_scope(company):
        content = make_content(company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
                               expires_at=timezone.now() + timedelta(days=365))  # fmt: skip
        video = make_video(content, title="First dance", duration_seconds=20)
    return content, video


def scan(content: ARContent, ip: str, *, position: int | None, watched: int = 8, event: str = "end") -> str:
    """One visitor: the manifest (counts the view) and a session report, as the web page sends."""
    session = str(uuid.uuid4())
    client = Client(REMOTE_ADDR=ip)
    manifest = client.get(f"/api/viewer/ar/{content.unique_id}/manifest?sid={session}&src=web")
    assert manifest.status_code == 200
    report: dict[str, Any] = {"session_id": session, "event": event, "video_id": manifest.json()["video"]["id"],
                              "video_played": True, "duration_seconds": watched}  # fmt: skip
    if position is not None:
        report["position_seconds"] = position
    response = client.post(f"/api/viewer/ar/{content.unique_id}/sessions", json.dumps(report),
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 202, response.content
    return session


def rolled_up(company: Company) -> None:
    flush()
    rollup_recent(company=company, days=1)


def test_a_scan_with_a_reported_position_appears_in_the_per_video_figures(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    content, video = published(company)
    scan(content, "203.0.113.1", position=19)  # past 90 % of 20 s, short of the end
    scan(content, "203.0.113.2", position=6)  # a quarter, not half
    scan(content, "203.0.113.3", position=None)  # an old app: no position
    rolled_up(company)

    api = api_client_for(viewer)
    body = api.get(
        f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/analytics/videos/"
    ).json()
    [row] = body["videos"]
    assert row["video_id"] == video.pk
    assert row["name"] == "First dance"
    assert (row["sessions"], row["plays"], row["unique_viewers"]) == (3, 3, 3)
    assert row["average_watch_seconds"] == 8.0
    assert row["positioned_sessions"] == 2
    assert row["completion_rate"] == 0.5
    assert row["drop_off"] == [1.0, 0.5, 0.5, 0.0]
    assert sum(row["selection_sources"].values()) == 3
    assert set(row["selection_sources"]) <= SOURCES

    exported = api.get(
        f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/analytics/videos/?format=csv"
    )
    assert exported["Content-Type"].startswith("text/csv")
    [line] = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert (line["video_id"], line["plays"], line["completion_rate"], line["reached_50"]) == (
        str(video.pk),
        "3",
        "0.5",
        "0.5",
    )

    top = api.get(f"/api/v1/companies/{company.slug}/analytics/videos/").json()["videos"]
    assert [item["video_id"] for item in top] == [video.pk]
    assert top[0]["order_number"] == content.order_number


def test_the_pages_show_the_video_table_and_the_drop_off_chart(
    client: Client, company: Company, viewer: User
) -> None:
    content, _video = published(company)
    scan(content, "203.0.113.1", position=20)
    rolled_up(company)
    client.force_login(viewer)
    page = client.get(f"/c/{company.slug}/content/{content.unique_id}/analytics/").content.decode()
    assert 'data-testid="videos-table"' in page
    assert "First dance" in page
    assert 'id="chart-drop-off"' in page
    assert '"values": [100, 100.0, 100.0, 100.0, 100.0]' in page
    company_page = client.get(f"/c/{company.slug}/analytics/").content.decode()
    assert "Most watched videos" in company_page
    assert content.order_number in company_page.split('data-testid="videos-table"', 1)[1]


def test_no_watched_video_says_so(client: Client, company: Company, viewer: User) -> None:
    content, _video = published(company)
    with company_scope(company):
        other = make_content(company)
    client.force_login(viewer)
    scan(content, "203.0.113.1", position=3)
    rolled_up(company)  # the page has figures (a scan), but `other` has no video watched
    page = client.get(f"/c/{company.slug}/content/{other.unique_id}/analytics/").content.decode()
    assert 'data-testid="videos-table"' not in page


def test_the_furthest_position_is_kept_and_bots_are_left_out(company: Company) -> None:
    content, video = published(company)
    session = scan(content, "203.0.113.1", position=12, event="heartbeat")
    Client(REMOTE_ADDR="203.0.113.1").post(
        f"/api/viewer/ar/{content.unique_id}/sessions",
        json.dumps({"session_id": session, "event": "end", "position_seconds": 4}),
        content_type="application/json",
    )
    bot = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    bot.get(f"/api/viewer/ar/{content.unique_id}/manifest")
    rolled_up(company)
    with scopes_disabled():
        row = ViewSession.objects.get(session_id=session)
        stats = list(DailyVideoStat.objects.filter(content=content))
    assert row.position_seconds == 12  # a later, smaller report does not undo what was seen
    assert row.selection_source in SOURCES
    assert [(stat.video_id, stat.sessions) for stat in stats] == [(video.pk, 1)]


@pytest.mark.parametrize("position", [-1, 86401, "12", True, [3]])
def test_a_bad_position_is_refused_field_by_field(company: Company, position: Any) -> None:
    content, _video = published(company)
    response = Client().post(
        f"/api/viewer/ar/{content.unique_id}/sessions",
        json.dumps({"session_id": str(uuid.uuid4()), "event": "end", "position_seconds": position}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["position_seconds"]


def test_another_companys_video_figures_are_not_found(
    api_client_for: Clients, company: Company, other_company: Company, outsider: User
) -> None:
    content, _video = published(company)
    api = api_client_for(outsider)
    url = f"/api/v1/companies/{other_company.slug}/ar-content/{content.unique_id}/analytics/videos/"
    assert api.get(url).status_code == 404
    scan(content, "203.0.113.1", position=5)
    rolled_up(company)
    assert api.get(f"/api/v1/companies/{other_company.slug}/analytics/videos/").json()["videos"] == []
