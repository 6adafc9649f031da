"""The public viewer API against its contract (VIEWER_API.md), for content in every state."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests import viewer_contract as contract
from arcontent.tests.factories import make_content
from videos.models import Playback, VideoSchedule
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _company_scope(company: Any) -> Any:
    """Unlike the portal and API tests, no company scope is active: the viewer is public
    and must work outside any tenant scope (factories open their own where needed)."""
    from arvlite.core.tenancy import scopes_disabled

    with scopes_disabled():
        yield


Status = ARContent.Status


def published(company: Any, **fields: Any) -> ARContent:
    fields.setdefault("expires_at", timezone.now() + timedelta(days=365))
    fields.setdefault("published_at", timezone.now())
    return make_content(company, status=Status.ACTIVE, **fields)


def get(path: str, **headers: Any) -> Any:
    return Client().get(path, **headers)


def check(uid: str) -> dict[str, Any]:
    response = get(f"/api/viewer/ar/{uid}/check")
    assert response.status_code == 200
    body = response.json()
    contract.validate(body, contract.CHECK)
    return body


def manifest(uid: str, **headers: Any) -> Any:
    return get(f"/api/viewer/ar/{uid}/manifest", **headers)


def assert_iso(value: str) -> None:
    assert datetime.fromisoformat(value).tzinfo is not None


@pytest.fixture
def playable(company: Any) -> ARContent:
    content = published(company)
    make_video(content, title="Wedding")
    return content


def test_published_content_opens_for_a_strict_client(playable: ARContent) -> None:
    uid = str(playable.unique_id)
    assert check(uid) == {"content_available": True}

    response = manifest(uid)
    assert response.status_code == 200
    body = response.json()
    contract.validate(body, contract.MANIFEST)
    assert body["unique_id"] == uid
    assert body["order_number"] == playable.order_number
    assert body["status"] == "active"
    assert_iso(body["expires_at"])
    assert_iso(body["video"]["selected_at"])
    assert body["video"]["title"] == "Wedding"
    assert body["video"]["selection_source"] == "rotation"  # the project's default mode: cyclic
    assert body["marker_width_m"] == pytest.approx(0.15)
    assert body["company"]["name"] == playable.company.name
    for url in (body["marker_image_url"], body["photo_url"], body["video"]["video_url"]):
        assert url.startswith("http://127.0.0.1:8000/files/")
        assert get(url.removeprefix("http://127.0.0.1:8000")).status_code == 200  # the signed link works
    assert response["ETag"]
    assert "max-age=" in response["Cache-Control"]

    active = get(f"/api/viewer/ar/{uid}/active-video")
    assert active.status_code == 200
    contract.validate(active.json(), contract.ACTIVE_VIDEO)
    assert active.json()["id"] == body["video"]["id"]
    assert active.json()["rotation_type"] == "none"


PAST = timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize(
    ("changes", "reason", "status"),
    [
        ({"expires_at": PAST}, "subscription_expired", 403),
        ({"status": Status.EXPIRED}, "subscription_expired", 403),
        ({"status": Status.PAUSED}, "content_not_active", 409),
        ({"status": Status.PROCESSING}, "content_not_active", 409),
        ({"status": Status.DRAFT}, "content_not_active", 409),
        ({"status": Status.ARCHIVED}, "content_not_active", 409),
        ({"status": Status.READY}, "content_not_active", 409),
        ({"marker": None}, "marker_image_not_available", 409),
        ({"pipeline_status": ARContent.Pipeline.RUNNING}, "marker_still_generating", 409),
        ({"video_ready": False}, "no_playable_video", 409),
        ({"video_enabled": False}, "no_playable_video", 409),
    ],
    ids=[
        "expired-by-date",
        "expired",
        "paused",
        "processing",
        "draft",
        "archived",
        "ready",
        "no-marker",
        "marker-generating",
        "video-processing",
        "video-disabled",
    ],
)
def test_unavailable_content_gets_its_reason(
    company: Any, changes: dict[str, Any], reason: str, status: int
) -> None:
    content = published(company)
    make_video(content)
    uid = str(content.unique_id)
    assert check(uid) == {"content_available": True}
    if "video_ready" in changes or "video_enabled" in changes:
        video = content.videos.get()
        video.status = "ready" if changes.pop("video_ready", True) else "processing"
        video.enabled = changes.pop("video_enabled", True)
        video.save()
    for field, value in changes.items():
        setattr(content, field, value)
    content.save()  # the cached snapshot is dropped on commit
    assert check(uid) == {"content_available": False, "reason": reason}
    response = manifest(uid)
    assert response.status_code == status
    contract.validate(response.json(), contract.ERROR)
    assert response.json()["reason"] == reason
    assert get(f"/api/viewer/ar/{uid}/active-video").status_code == status


def test_unknown_and_malformed_ids(db: None) -> None:
    assert check(str(uuid.uuid4())) == {"content_available": False, "reason": "not_found"}
    assert check("not-a-uuid") == {"content_available": False, "reason": "invalid_unique_id"}
    assert check("demo_6") == {"content_available": False, "reason": "invalid_unique_id"}
    for uid, code in ((str(uuid.uuid4()), "not_found"), ("nope", "invalid_unique_id")):
        response = manifest(uid)
        assert response.status_code == 404
        contract.validate(response.json(), contract.ERROR)
        assert response.json()["code"] == code


def test_reasons_follow_the_contracts_order(company: Any) -> None:
    """Expired wins over paused, paused over a missing marker, a missing marker over no video."""
    content = make_content(
        company, status=Status.PAUSED, marker=None, expires_at=timezone.now() - timedelta(days=1)
    )
    assert check(str(content.unique_id))["reason"] == "subscription_expired"
    content = make_content(company, status=Status.PAUSED, marker=None)
    assert check(str(content.unique_id))["reason"] == "content_not_active"
    content = published(company, marker=None)
    assert check(str(content.unique_id))["reason"] == "marker_image_not_available"


def test_nullable_fields_are_present_as_null(company: Any) -> None:
    content = published(company)
    make_video(content, duration_seconds=0, width=0, height=0, thumbnail_medium=None, poster=None)
    body = manifest(str(content.unique_id)).json()
    contract.validate(body, contract.MANIFEST)
    video = body["video"]
    for field in ("duration", "width", "height", "thumbnail_url", "schedule_id"):
        assert field in video
        assert video[field] is None
    assert body["web_target_url"] is None
    assert body["company"]["logo_url"] is None


def test_schedule_and_expiry_fields(company: Any) -> None:
    content = published(company, expires_at=timezone.now() + timedelta(days=10, hours=1))
    make_video(content, title="Default")
    special = make_video(content, title="Special")
    window = VideoSchedule.objects.create(
        company=company,
        content=content,
        video=special,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(days=3),
    )
    video = manifest(str(content.unique_id)).json()["video"]
    assert (video["id"], video["selection_source"], video["schedule_id"]) == (
        special.pk,
        "schedule",
        window.pk,
    )
    assert video["expires_in_days"] == 10


def test_etag_revalidation_answers_304_and_still_counts(playable: ARContent) -> None:
    uid = str(playable.unique_id)
    first = manifest(uid)
    again = manifest(uid, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    from arcontent.viewer.flush import flush

    flush()
    playable.refresh_from_db()
    assert playable.view_count == 2


def test_sequential_playback_advances_per_view(company: Any) -> None:
    content = published(company)
    videos = [make_video(content, title=f"v{n}", order=n) for n in range(3)]
    Playback.objects.update_or_create(  # processing made the row (the first ready video became active)
        content=content, defaults={"company": company, "mode": Playback.Mode.SEQUENTIAL, "active_video": None}
    )
    uid = str(content.unique_id)
    played = [manifest(uid).json()["video"]["id"] for _ in range(4)]
    assert played == [videos[0].pk, videos[1].pk, videos[2].pk, videos[2].pk]
    # check and active-video do not move the cursor
    check(uid)
    assert get(f"/api/viewer/ar/{uid}/active-video").json()["id"] == videos[2].pk
    assert manifest(uid).json()["video"]["selection_source"] == "rotation"


def test_demo_list_and_demo_ids(company: Any) -> None:
    content = published(company, demo_slot=2, customer_name="Jane Customer")
    make_video(content, title="Demo wedding")
    response = get("/api/viewer/demo/list")
    assert response.status_code == 200
    body = response.json()
    contract.validate(body, contract.DEMO_LIST)
    by_id = {demo["unique_id"]: demo for demo in body["demos"]}
    assert by_id["demo_2"]["title"] == "Demo wedding"
    assert by_id["demo_2"]["marker_image_url"].startswith("http")
    assert by_id["demo_1"]["marker_image_url"] is None
    assert by_id["demo_1"]["title"] == "Demo 1"
    assert "Jane Customer" not in response.content.decode()  # customers stay private
    assert check("demo_2") == {"content_available": True}
    assert check("demo_1") == {"content_available": False, "reason": "not_found"}
    demo = manifest("demo_2").json()
    contract.validate(demo, contract.MANIFEST)
    assert demo["unique_id"] == "demo_2"


def test_session_reports(playable: ARContent) -> None:
    uid = str(playable.unique_id)
    session = str(uuid.uuid4())
    client = Client()
    post = lambda body: client.post(  # noqa: E731
        f"/api/viewer/ar/{uid}/sessions", data=json.dumps(body), content_type="application/json"
    )
    assert post({"session_id": session, "event": "start", "os": "Android 14"}).status_code == 202
    assert post({"session_id": session, "event": "start", "os": "Android 14"}).status_code == 202
    assert (
        post(
            {"session_id": session, "event": "end", "duration_seconds": 12, "video_played": True}
        ).status_code
        == 202
    )
    for bad, field in (
        ({"session_id": "x", "event": "start"}, "session_id"),
        ({"session_id": session, "event": "jump"}, "event"),
        ({"session_id": session, "event": "end", "duration_seconds": -1}, "duration_seconds"),
        ({"session_id": session, "event": "end", "video_played": "yes"}, "video_played"),
        ({"session_id": session, "event": "end", "os": "x" * 41}, "os"),
    ):
        response = post(bad)
        assert response.status_code == 400, bad
        contract.validate(response.json(), contract.ERROR)
        assert field in response.json()["errors"]
    garbage = client.post(f"/api/viewer/ar/{uid}/sessions", data=b"{nope", content_type="application/json")
    assert garbage.status_code == 400
    assert (
        client.post(f"/api/viewer/ar/{uid}/sessions", data=b"[]", content_type="application/json").status_code
        == 400
    )
    unknown = client.post(
        f"/api/viewer/ar/{uuid.uuid4()}/sessions", data=json.dumps({"session_id": session, "event": "start"}),
        content_type="application/json",
    )  # fmt: skip
    assert unknown.status_code == 404

    from arcontent.models import ViewSession
    from arcontent.viewer.flush import flush
    from arvlite.core.tenancy import scopes_disabled

    flush()
    with scopes_disabled():
        rows = list(ViewSession.objects.filter(content=playable))
    assert len(rows) == 1
    assert (rows[0].duration_seconds, rows[0].video_played, rows[0].os) == (12, True, "Android 14")
    assert rows[0].ended_at is not None


def _report(uid: str, **body: Any) -> Any:
    body.setdefault("session_id", str(uuid.uuid4()))
    return Client().post(
        f"/api/viewer/ar/{uid}/sessions", data=json.dumps(body), content_type="application/json"
    )


def test_a_session_report_names_only_a_video_of_its_own_content(
    playable: ARContent, company: Any, other_company: Any
) -> None:
    own = playable.videos.get()
    foreign = make_video(published(other_company), title="Someone else's")
    sibling = make_video(published(company), title="Another print of the same studio")
    uid = str(playable.unique_id)

    assert _report(uid, event="start", video_id=own.pk).status_code == 202
    for stranger in (foreign.pk, sibling.pk, 10**12):
        refused = _report(uid, event="start", video_id=stranger)
        assert refused.status_code == 400, stranger
        contract.validate(refused.json(), contract.ERROR)
        assert refused.json()["errors"] == {"video_id": ["Not a video of this content."]}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.PAUSED])
def test_no_session_is_taken_for_content_that_is_not_published(company: Any, status: str) -> None:
    content = make_content(company, status=status)
    make_video(content)
    refused = _report(str(content.unique_id), event="start")
    assert refused.status_code == 409
    contract.validate(refused.json(), contract.ERROR)
    assert refused.json()["reason"] == "content_not_active"


def test_a_deactivated_companys_prints_stop_playing_and_come_back_with_it(
    playable: ARContent, company: Any
) -> None:
    uid = str(playable.unique_id)
    assert manifest(uid).status_code == 200
    from companies.services import company_set_status

    company_set_status(company=company, actor=None, status=company.Status.DEACTIVATED)
    assert check(uid) == {"content_available": False, "reason": "content_not_active"}
    assert manifest(uid).status_code == 409
    assert _report(uid, event="start").status_code == 409
    page = get(f"/view/{uid}", HTTP_ACCEPT="text/html")
    assert page.status_code == 409
    assert 'data-reason="content_not_active"' in page.content.decode()

    company_set_status(company=company, actor=None, status=company.Status.ACTIVE)
    assert check(uid) == {"content_available": True}
    assert manifest(uid).status_code == 200
