"""Videos as a studio meets them in its first hour: untitled videos get a neutral name on
the public side (never the file's name), the first ready video becomes the one that plays,
the upload form knows the server's limits, and the table says "Processing…" until ready."""

from __future__ import annotations

import importlib
import io
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.test.testcases import TestCase
from django.utils import timezone

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import AuditEntry, Company, User
from projects.tests.factories import ProjectFactory
from videos import services
from videos.models import Playback, Video
from videos.tests.factories import clip_bytes, make_video

pytestmark = pytest.mark.django_db


def live(company: Company) -> ARContent:
    return make_content(
        company, status=ARContent.Status.ACTIVE, published_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=30), project=manual_project(company),
    )  # fmt: skip


def manual_project(company: Company) -> Any:
    return ProjectFactory(company=company, playback_mode=Playback.Mode.MANUAL)


def untitled_upload(content: ARContent, **fields: Any) -> Video:
    """A ready video uploaded without a title from a file with a telling name."""
    video = services.video_create(content=content, actor=None, upload=io.BytesIO(clip_bytes()),
                                  filename="IMG_2041-wedding.mp4")  # fmt: skip
    Video.objects.filter(pk=video.pk).update(status=Video.Status.READY, duration_seconds=1, **fields)
    video.refresh_from_db()
    return video


def video_page(company: Company, content: ARContent, rest: str = "videos/") -> str:
    return f"/c/{company.slug}/content/{content.unique_id}/{rest}"


# --- neutral titles ----------------------------------------------------------------------


def test_an_upload_without_a_title_keeps_no_title_not_the_file_name(company: Company) -> None:
    with company_scope(company):
        content = make_content(company)
        video = services.video_create(content=content, actor=None, upload=io.BytesIO(clip_bytes()),
                                      filename="IMG_2041 wedding.mp4")  # fmt: skip
    assert video.title == ""


def test_the_viewer_names_untitled_videos_by_their_place_not_their_file(company: Company) -> None:
    with company_scope(company):
        content = live(company)
        first = make_video(content, title="Our wedding", order=0)
        second = untitled_upload(content, order=1)
        Playback.objects.create(company=company, content=content, active_video=second)
    client = Client()
    video = client.get(f"/api/viewer/ar/{content.unique_id}/manifest").json()["video"]
    assert video["id"] == second.pk
    assert video["title"] == "Video 2"
    active = client.get(f"/api/viewer/ar/{content.unique_id}/active-video").json()
    assert active["title"] == "Video 2"
    assert first.title == "Our wedding"
    page = client.get(f"/view/{content.unique_id}").content.decode()
    assert "IMG_2041" not in page


def test_an_untitled_only_video_leaves_the_public_page_without_a_file_name_title(company: Company) -> None:
    with company_scope(company):
        content = live(company)
        untitled_upload(content)
    page = Client().get(f"/view/{content.unique_id}").content.decode()
    assert 'data-testid="title"' not in page
    assert "IMG_2041" not in page
    video = Client().get(f"/api/viewer/ar/{content.unique_id}/manifest").json()["video"]
    assert video["title"] == "Video 1"


def test_the_migration_clears_titles_that_were_only_the_file_name(company: Company) -> None:
    with company_scope(company):
        content = make_content(company)
        from_file = make_video(content)
        Video.objects.filter(pk=from_file.pk).update(title="clip")  # what uploads used to store
        named = make_video(content, title="Anniversary")
    migration = importlib.import_module("videos.migrations.0004_untitled_videos")
    with scopes_disabled():
        migration.clear_file_name_titles(apps, None)
        assert dict(Video.objects.values_list("pk", "title")) == {from_file.pk: "", named.pk: "Anniversary"}


def test_the_portal_table_shows_the_neutral_name_and_the_file(
    client: Client, company: Company, content_editor: Any
) -> None:
    client_, content = content_editor
    with company_scope(company):
        make_video(content)
    html = client_.get(video_page(company, content)).content.decode()
    assert '<span data-testid="video-name">Video 1</span>' in html
    assert '<span class="muted small" data-testid="video-file-name">clip.mp4</span>' in html


# --- the first ready video plays ---------------------------------------------------------


def test_the_first_ready_video_becomes_the_active_one(company: Company) -> None:
    with company_scope(company):
        content = make_content(company, project=manual_project(company))
        first, second = make_video(content), make_video(content)
        services.playback_adopt_ready(video=first)
        services.playback_adopt_ready(video=second)  # one is chosen already: nothing changes
        assert Playback.objects.get(content=content).active_video_id == first.pk
        assert AuditEntry.objects.filter(action="playback.update").count() == 1


def test_no_active_video_is_chosen_in_sequential_or_cyclic_mode(company: Company) -> None:
    with company_scope(company):
        project = ProjectFactory(company=company, playback_mode=Playback.Mode.SEQUENTIAL)
        content = make_content(company, project=project)
        video = make_video(content)
        assert services.playback_adopt_ready(video=video) is None
        assert not Playback.objects.filter(content=content).exists()


def test_an_uploaded_video_plays_once_processed_without_a_click(
    client: Client, company: Company, editor: User
) -> None:
    with company_scope(company):
        content = make_content(company, project=manual_project(company))
    client.force_login(editor)
    upload = io.BytesIO(clip_bytes(width=160, height=120))
    upload.name = "clip.mp4"
    with TestCase.captureOnCommitCallbacks(execute=True):  # processing runs (eagerly) after commit
        client.post(video_page(company, content, "videos/upload/"), {"file": upload})
    with company_scope(company):
        video = Video.objects.get()
        assert video.status == Video.Status.READY
        assert Playback.objects.get(content=content).active_video_id == video.pk
    html = client.get(video_page(company, content)).content.decode()
    assert 'data-testid="video-active"' in html
    assert 'data-testid="video-set-active"' not in html  # no extra click offered


# --- the upload form and the table -------------------------------------------------------


def test_the_upload_form_carries_the_servers_limits_and_translated_sentences(
    client: Client, company: Company, editor: User, settings: Any
) -> None:
    settings.VIDEO_UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    with company_scope(company):
        content = make_content(company)
    client.force_login(editor)
    html = client.get(video_page(company, content)).content.decode()
    assert f'data-max-bytes="{5 * 1024 * 1024}"' in html
    assert (
        'data-types="video/mp4,video/mpeg,video/quicktime,video/webm,video/x-matroska,video/x-msvideo"'
        in html
    )
    assert "mp4" in html.split('data-extensions="')[1].split('"')[0].split(",")
    assert "This video is too large: the limit is 5.0\xa0MB." in html
    assert "This file is not a video." in html


def test_a_refused_form_upload_is_one_sentence(client: Client, company: Company, editor: User) -> None:
    with company_scope(company):
        content = make_content(company)
    client.force_login(editor)
    fake = io.BytesIO(b"just some text, renamed")
    fake.name = "holiday.mp4"
    html = client.post(
        video_page(company, content, "videos/upload/"), {"file": fake}, follow=True
    ).content.decode()
    assert "not an accepted type" in html
    assert "{" not in html.split('class="messages"')[1].split("</ul>")[0]  # no raw JSON


def test_the_table_says_processing_until_ready_and_stops_polling_then(
    client: Client, company: Company, viewer: User
) -> None:
    with company_scope(company):
        content = make_content(company)
        video = make_video(content, ready=False)  # uploaded: queued for processing
    client.force_login(viewer)
    table = client.get(video_page(company, content, "videos/table/")).content.decode()
    assert 'data-testid="video-processing">Processing…<' in table
    assert "every 2s" in table
    with company_scope(company):
        Video.objects.filter(pk=video.pk).update(status=Video.Status.READY)
    table = client.get(video_page(company, content, "videos/table/")).content.decode()
    assert "Processing…" not in table
    assert "every 2s" not in table
    assert 'hx-trigger="videos-changed from:body"' in table  # the upload script still refreshes it


@pytest.fixture
def content_editor(client: Client, company: Company, editor: User) -> tuple[Client, ARContent]:
    with company_scope(company):
        content = make_content(company)
    client.force_login(editor)
    return client, content
