"""Videos through the API: upload, processing on real clips, order, playback rules,
schedules and the calendar."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.storage import default_storage
from django.test.testcases import TestCase
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, StoredFile, User
from videos.media.mp4 import is_faststart
from videos.media.probe import probe
from videos.models import Video
from videos.tests.factories import clip_bytes, make_video

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


def base(company: Company, content: ARContent) -> str:
    return f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/"


def upload(
    client: APIClient, company: Company, content: ARContent, data: bytes, name: str = "clip.mp4"
) -> Any:
    handle = io.BytesIO(data)
    handle.name = name
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(
            f"{base(company, content)}videos/", {"file": handle, "title": "Wedding"}, format="multipart"
        )


def test_an_uploaded_video_is_processed_into_faststart_renditions(
    api_client_for: Clients, company: Company, content: ARContent, editor: User, tmp_path: Path
) -> None:
    client = api_client_for(editor)
    response = upload(client, company, content, clip_bytes(width=640, height=360, seconds=1.5, rotation=90))
    assert response.status_code == 201, response.content
    video_id = response.json()["id"]
    body = client.get(f"{base(company, content)}videos/{video_id}/").json()
    assert body["status"] == "ready", body["error"]
    assert body["progress"] == 100
    assert (body["width"], body["height"]) == (360, 640)  # the phone's rotation is applied
    assert body["duration_seconds"] in (1, 2)  # 1.5 s, rounded
    with company_scope(company):
        video = Video.objects.select_related("rendition_720", "poster").get(pk=video_id)
    local = tmp_path / "720.mp4"
    assert video.rendition_720 is not None
    with default_storage.open(video.rendition_720.key, "rb") as handle:
        local.write_bytes(handle.read())
    assert is_faststart(local)
    info = probe(local)
    assert (info.width, info.height, info.codec, info.rotation) == (360, 640, "h264", 0)
    assert video.poster is not None
    assert body["files"]["rendition_720"].startswith("http")


def test_processing_takes_the_checksum_of_an_original_nothing_hashed_yet(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    """An original S3 joined from upload parts arrives with no SHA-256; the worker, which
    reads it anyway, fills it in."""
    from videos.processing import process_video

    data = clip_bytes(width=320, height=240, seconds=1.0)
    response = upload(api_client_for(editor), company, content, data)
    assert response.status_code == 201, response.content
    with company_scope(company):
        video = Video.objects.select_related("original").get()
        assert video.original is not None
        StoredFile.objects.filter(pk=video.original.pk).update(sha256="")
        Video.objects.filter(pk=video.pk).update(status=Video.Status.UPLOADED)
        process_video(Video.objects.select_related("original", "company", "content").get(pk=video.pk))
        video.refresh_from_db()
        video.original.refresh_from_db()
    assert video.status == Video.Status.READY, video.error
    assert video.original.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(("data", "field"), [(b"", "file"), (b"this is a text file renamed to .mp4", "file")])
def test_bad_files_are_refused_at_upload(
    api_client_for: Clients, company: Company, content: ARContent, editor: User, data: bytes, field: str
) -> None:
    response = upload(api_client_for(editor), company, content, data)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with scopes_disabled():
        assert not Video.objects.exists()


def test_a_truncated_video_is_refused_before_it_is_stored(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    """Probed at the upload (issue 18): refused with the reason, nothing stored or counted.
    The hostile-file corpus (arvlite/core/tests/test_hostile_uploads.py) has the rest."""
    data = clip_bytes(width=320, height=240, seconds=2.0)
    response = upload(api_client_for(editor), company, content, data[: len(data) // 2])
    assert response.status_code == 400
    assert "incomplete" in response.json()["errors"]["file"][0]
    with scopes_disabled():
        assert not Video.objects.exists()
        assert not StoredFile.objects.filter(kind=StoredFile.Kind.VIDEO).exists()


def test_the_size_limit_is_413_before_reading(
    settings: Any, api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    settings.VIDEO_UPLOAD_MAX_BYTES = 1000
    response = upload(api_client_for(editor), company, content, clip_bytes())
    assert response.status_code == 413
    assert "at most" in response.json()["message"]


def test_order_enable_active_and_delete(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        first, second = make_video(content, title="A"), make_video(content, title="B")
    client = api_client_for(editor)
    url = f"{base(company, content)}videos/"
    assert [v["title"] for v in client.get(url).json()] == ["A", "B"]
    reordered = client.post(f"{url}reorder/", {"video_ids": [second.pk, first.pk]}).json()
    assert [v["title"] for v in reordered] == ["B", "A"]
    assert client.post(f"{url}reorder/", {"video_ids": [second.pk]}).status_code == 400
    assert (
        client.patch(f"{url}{first.pk}/", {"enabled": False, "end_date": "2030-01-01"}).json()["enabled"]
        is False
    )
    active = client.post(f"{url}{second.pk}/set-active/").json()
    assert (active["mode"], active["active_video"]) == ("manual", second.pk)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.delete(f"{url}{first.pk}/").status_code == 204
    assert [v["title"] for v in client.get(url).json()] == ["B"]


def test_schedules_refuse_overlaps_with_a_clear_message(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        clip = make_video(content, title="Birthday")
    client = api_client_for(editor)
    url = f"{base(company, content)}videos/{clip.pk}/schedules/"
    window = {"starts_at": "2026-12-01T10:00:00+03:00", "ends_at": "2026-12-02T10:00:00+03:00"}
    assert client.post(url, window).status_code == 201
    clash = client.post(
        url, {"starts_at": "2026-12-01T20:00:00+03:00", "ends_at": "2026-12-03T10:00:00+03:00"}
    )
    assert clash.status_code == 400
    assert "overlaps Birthday" in clash.json()["errors"]["starts_at"][0]
    allowed = client.post(url, {"starts_at": "2026-12-01T20:00:00+03:00", "ends_at": "2026-12-03T10:00:00+03:00",
                                "allow_overlap": True})  # fmt: skip
    assert allowed.status_code == 201
    backwards = client.post(
        url, {"starts_at": "2026-12-05T10:00:00+03:00", "ends_at": "2026-12-04T10:00:00+03:00"}
    )
    assert backwards.json()["errors"]["ends_at"] == ["The end must be after the start."]
    assert len(client.get(url).json()) == 2


def test_rotation_rules_are_validated(
    api_client_for: Clients, company: Company, content: ARContent, other_company: Company, editor: User
) -> None:
    with company_scope(company):
        clip = make_video(content)
    client = api_client_for(editor)
    url = f"{base(company, content)}rotation/"
    assert client.get(url).json()["mode"] == "cyclic"  # the project's default
    assert client.put(url, {"rotation": "fixed"}).json()["errors"]["rotation_default_video"]
    assert client.put(url, {"rotation": "weekly_cycle"}).json()["errors"]["rotation_sequence"]
    assert client.put(url, {"rotation_sequence": [999999]}).json()["errors"]["rotation_sequence"] == [
        "Unknown video."
    ]
    bad_date = client.put(url, {"date_rules": [{"video": clip.pk, "month": 2, "day": 31}]})
    assert bad_date.status_code == 400
    ok = client.put(url, {"rotation": "fixed", "rotation_default_video": clip.pk,
                          "date_rules": [{"video": clip.pk, "month": 2, "day": 29}]})  # fmt: skip
    assert ok.status_code == 200
    assert ok.json()["date_rules"] == [{"video": clip.pk, "month": 2, "day": 29, "year": None}]


def test_the_calendar_follows_a_weekly_rotation(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        first, second = make_video(content, title="Odd"), make_video(content, title="Even")
    client = api_client_for(editor)
    client.put(
        f"{base(company, content)}rotation/",
        {"rotation": "weekly_cycle", "rotation_sequence": [first.pk, second.pk]},
    )
    days = client.get(f"{base(company, content)}calendar/?month=2026-12").json()
    assert len(days) == 31
    assert {d["selection_source"] for d in days} == {"rotation_rule"}
    weeks = [days[i]["video_title"] for i in range(0, 28, 7)]
    assert weeks[0] != weeks[1]
    assert weeks[0] == weeks[2]
    assert client.get(f"{base(company, content)}calendar/?month=2026-13").status_code == 400
    assert client.get(f"{base(company, content)}calendar/").status_code == 400


def test_a_schedule_wins_over_the_rotation_in_the_calendar(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        everyday, special = make_video(content, title="Everyday"), make_video(content, title="Special")
    client = api_client_for(editor)
    client.put(
        f"{base(company, content)}rotation/", {"rotation": "fixed", "rotation_default_video": everyday.pk}
    )
    moscow = ZoneInfo("Europe/Moscow")
    start = datetime(2026, 12, 24, 0, 0, tzinfo=moscow)
    client.post(f"{base(company, content)}videos/{special.pk}/schedules/",
                {"starts_at": start.isoformat(), "ends_at": (start + timedelta(days=2)).isoformat()})  # fmt: skip
    days = {d["date"]: d for d in client.get(f"{base(company, content)}calendar/?month=2026-12").json()}
    assert days["2026-12-24"]["video_title"] == "Special"
    assert days["2026-12-24"]["selection_source"] == "schedule"
    assert days["2026-12-26"]["video_title"] == "Everyday"


def test_another_companys_video_is_404(
    api_client_for: Clients, company: Company, content: ARContent, other_company: Company, outsider: User
) -> None:
    with company_scope(company):
        clip = make_video(content)
    assert api_client_for(outsider).get(f"{base(company, content)}videos/{clip.pk}/").status_code == 404


def test_the_export_pack_includes_ready_videos(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    client = api_client_for(editor)
    upload(client, company, content, clip_bytes(width=320, height=240))
    response = client.get(f"{base(company, content)}export.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    assert "videos/01.mp4" in archive.namelist()
    assert "videos/01.mp4" in archive.read("index.html").decode()


def test_renditions_are_served_with_range(
    api_client_for: Clients, company: Company, content: ARContent, editor: User, client: Any
) -> None:
    api = api_client_for(editor)
    video_id = upload(api, company, content, clip_bytes(width=320, height=240)).json()["id"]
    url = api.get(f"{base(company, content)}videos/{video_id}/").json()["files"]["rendition_720"]
    path = "/" + url.split("/", 3)[3]
    response = client.get(path, HTTP_RANGE="bytes=0-99")
    assert response.status_code == 206
    assert response["Content-Type"] == "video/mp4"
    assert len(b"".join(response.streaming_content)) == 100


def test_the_reaper_fails_videos_stuck_too_long(company: Company, content: ARContent) -> None:
    from django.utils import timezone

    from videos.processing import reap_stuck

    with company_scope(company):
        clip = make_video(content, ready=False)
        Video.objects.filter(pk=clip.pk).update(
            status=Video.Status.PROCESSING, started_at=timezone.now() - timedelta(hours=2), attempts=3
        )
    assert reap_stuck() == 1
    clip.refresh_from_db()
    assert clip.status == Video.Status.FAILED


def test_deleting_content_removes_its_videos_files(
    api_client_for: Callable[[User], APIClient], company: Company, content: ARContent, manager: User
) -> None:
    with company_scope(company):
        video = make_video(content)
    original = video.original_id
    assert original is not None
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client_for(manager).delete(
            f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/"
        )
    assert response.status_code == 204
    with company_scope(company):
        assert not StoredFile.objects.filter(pk=original).exists()


def test_errors_of_list_items_are_the_documented_flat_list(
    api_client_for: Clients, company: Company, content: ARContent, editor: User
) -> None:
    # DRF keys a list item's errors by its index ({"video_ids": {"1": [...]}}); the error
    # format documents a list of messages per field.
    url = f"{base(company, content)}videos/reorder/"
    response = api_client_for(editor).post(url, {"video_ids": [1, "seven"]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"video_ids": ["item 2: A valid integer is required."]}
