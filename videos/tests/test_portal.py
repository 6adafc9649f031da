"""Portal pages for videos and playback (the browser test covers the upload script)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.test.testcases import TestCase
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from companies.models import AuditEntry, Company, User
from videos import services
from videos.models import DateRule, Playback, Video, VideoSchedule
from videos.tests.factories import clip_bytes, make_video

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


def page(company: Company, content: ARContent, rest: str = "videos/") -> str:
    return f"/c/{company.slug}/content/{content.unique_id}/{rest}"


def test_the_list_has_an_empty_state_and_the_upload_form(
    client: Client, company: Company, content: ARContent, editor: User, viewer: User
) -> None:
    client.force_login(editor)
    html = client.get(page(company, content)).content.decode()
    assert "No videos yet" in html
    assert 'data-endpoint="/api/v1/companies/' in html
    client.force_login(viewer)
    assert 'data-testid="video-upload"' not in client.get(page(company, content)).content.decode()


def test_uploading_without_javascript_and_the_row_actions(
    client: Client, company: Company, content: ARContent, editor: User
) -> None:
    client.force_login(editor)
    upload = io.BytesIO(clip_bytes(width=160, height=120))
    upload.name = "clip.mp4"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            page(company, content, "videos/upload/"), {"file": upload, "title": "Intro"}, follow=True
        )
    assert "Uploaded. The video is being processed." in response.content.decode()
    with company_scope(company):
        video = Video.objects.get()
    assert video.status == Video.Status.READY
    client.post(page(company, content, f"videos/{video.pk}/set-active/"))
    with company_scope(company):
        assert Playback.objects.get().active_video_id == video.pk
    client.post(page(company, content, f"videos/{video.pk}/disable/"))
    video.refresh_from_db()
    assert video.enabled is False
    refused = client.post(
        page(company, content, "videos/upload/"), {"file": io.BytesIO(b"text")}, follow=True
    )
    assert "not an accepted type" in refused.content.decode()


def test_the_table_polls_while_a_video_is_processed(
    client: Client, company: Company, content: ARContent, viewer: User
) -> None:
    with company_scope(company):
        make_video(content, ready=False, status=Video.Status.PROCESSING, progress=40)
    client.force_login(viewer)
    html = client.get(page(company, content, "videos/table/")).content.decode()
    assert 'hx-trigger="every 2s, videos-changed from:body"' in html
    assert "Processing…" in html
    assert "40 %" in html


def test_the_playback_page_saves_a_weekly_rotation_and_shows_the_calendar(
    client: Client, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        first, second = make_video(content, title="Odd"), make_video(content, title="Even")
    client.force_login(editor)
    url = page(company, content, "playback/")
    saved = client.post(url, {"form": "playback", "mode": "manual", "rotation": "weekly_cycle",
                              "rotation_sequence": [first.pk, second.pk]})  # fmt: skip
    assert saved.status_code == 302
    html = client.get(f"{url}?month=2026-12").content.decode()
    assert html.count('data-source="rotation_rule"') == 31
    assert "Odd" in html
    assert "Even" in html


def test_the_playback_page_explains_bad_input(
    client: Client, company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        clip = make_video(content, title="Birthday")
    client.force_login(editor)
    url = page(company, content, "playback/")
    fixed = client.post(url, {"form": "playback", "mode": "manual", "rotation": "fixed"})
    assert fixed.status_code == 400
    assert b"A fixed rotation needs its default video." in fixed.content
    window = {
        "form": "schedule",
        "video": clip.pk,
        "starts_at": "2026-12-01T10:00",
        "ends_at": "2026-12-02T10:00",
    }
    assert client.post(url, window).status_code == 302
    overlap = client.post(url, {**window, "starts_at": "2026-12-01T12:00"})
    assert overlap.status_code == 400
    assert b"overlaps Birthday" in overlap.content
    rule = client.post(url, {"form": "date_rule", "video": clip.pk, "date": "2026-05-09", "yearly": "on"})
    assert rule.status_code == 302
    assert b"09.05" in client.get(url).content


def test_the_playback_page_removes_rules_and_schedules_through_the_services(
    client: Client, company: Company, other_company: Company, content: ARContent, editor: User
) -> None:
    with company_scope(company):
        clip = make_video(content, title="Birthday")
        rule = services.date_rule_create(content=content, actor=None, video_id=clip.pk, month=5, day=9)
        schedule = services.schedule_save(content=content, actor=None, video_id=clip.pk,
                                          starts_at=datetime(2026, 12, 1, 10, tzinfo=UTC),
                                          ends_at=datetime(2026, 12, 2, 10, tzinfo=UTC))  # fmt: skip
    with company_scope(other_company):
        theirs = make_content(other_company)
        their_clip = make_video(theirs)
        their_rule = services.date_rule_create(
            content=theirs, actor=None, video_id=their_clip.pk, month=1, day=1
        )
    client.force_login(editor)
    url = page(company, content, "playback/")

    assert client.post(url, {"form": "delete_date_rule", "pk": their_rule.pk}).status_code == 404
    assert client.post(url, {"form": "delete_date_rule", "pk": rule.pk}).status_code == 302
    assert client.post(url, {"form": "delete_schedule", "pk": schedule.pk}).status_code == 302

    with company_scope(company):
        assert not DateRule.objects.filter(pk=rule.pk).exists()
        assert not VideoSchedule.objects.filter(pk=schedule.pk).exists()
        actions = list(AuditEntry.objects.filter(actor=editor).values_list("action", flat=True))
    assert sorted(actions) == ["date_rule.delete", "schedule.delete"]
    with company_scope(other_company):
        assert DateRule.objects.filter(pk=their_rule.pk).exists()


def test_another_company_cannot_see_the_videos(
    client: Client, company: Company, content: ARContent, outsider: User
) -> None:
    client.force_login(outsider)
    assert client.get(page(company, content)).status_code == 404


def test_operators_see_videos_and_rules_in_the_admin(
    client: Client, company: Company, content: ARContent
) -> None:
    with company_scope(company):
        video = make_video(content, title="Admin clip")
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    assert "Admin clip" in client.get("/admin/videos/video/").content.decode()
    for path in ("/admin/videos/videoschedule/", "/admin/videos/playback/", "/admin/videos/uploadsession/"):
        assert client.get(path).status_code == 200, path
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/admin/videos/video/", {"action": "reprocess", "_selected_action": [video.pk]})
    video.refresh_from_db()
    assert video.status == Video.Status.READY


def test_bad_months_and_ids_are_not_500(
    client: Client,
    api_client_for: Callable[[User], APIClient],
    company: Company,
    content: ARContent,
    editor: User,
) -> None:
    api = api_client_for(editor)
    base = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/"
    assert api.get(f"{base}calendar/?month=0000-01").status_code == 400
    client.force_login(editor)
    portal = f"/c/{company.slug}/content/{content.unique_id}/playback/"
    assert client.get(f"{portal}?month=9999-12").status_code == 200
    assert client.get(f"{portal}?month=0001-01").status_code == 200
    assert client.post(portal, {"form": "delete_schedule", "pk": "abc"}).status_code == 302
    with company_scope(company):
        clip = make_video(content)
        window = content.video_schedules.create(
            company=company, video=clip, starts_at="2026-12-01T10:00Z", ends_at="2026-12-02T10:00Z"
        )
    listed = api.patch(f"{base}videos/{clip.pk}/schedules/{window.pk}/", [1, 2], format="json")
    assert listed.status_code == 400
