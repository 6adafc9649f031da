"""Resumable video uploads (tus 1.0.0): the service and the API, on local disk and on S3,
with a real tus client against the live server.

The upload routes are mounted by this module's own URLConf (``urlpatterns`` below: the
project's routes plus the two upload routes), so the tests do not depend on where
``videos/api/urls.py`` wires them."""

from __future__ import annotations

import base64
import hashlib
import io
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import include, path
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite import urls as project_urls
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.testing.storage import s3_client
from companies.files import storage_used_bytes
from companies.models import Company, StoredFile, User
from companies.storage_cleanup import cleanup_storage, walk_keys
from companies.tests.factories import make_api_key
from videos import uploads
from videos.api.uploads import VideoUploadDetailView, VideoUploadListView
from videos.media.tests.clips import write_clip
from videos.models import UploadSession, Video

UPLOADS = "companies/<slug:company_slug>/ar-content/<uuid:unique_id>/uploads/"
urlpatterns = [
    path(
        "api/v1/",
        include(
            [
                path(UPLOADS, VideoUploadListView.as_view(), name="video-upload-list"),
                path(
                    f"{UPLOADS}<uuid:upload_id>/", VideoUploadDetailView.as_view(), name="video-upload-detail"
                ),
            ]
        ),
    ),
    *project_urls.urlpatterns,
]
handler400, handler403 = project_urls.handler400, project_urls.handler403
handler404, handler500 = project_urls.handler404, project_urls.handler500

pytestmark = pytest.mark.urls(__name__)

TUS: dict[str, Any] = {"HTTP_TUS_RESUMABLE": "1.0.0"}
OFFSET_STREAM = "application/offset+octet-stream"


# --- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture(scope="module")
def clip() -> bytes:
    """A real 1 s 160×120 H.264/AAC MP4 (about 34 kB)."""
    with tempfile.TemporaryDirectory() as folder:
        return write_clip(Path(folder) / "clip.mp4", width=160, height=120, seconds=1.0).read_bytes()


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


@pytest.fixture
def tus(api_client_for: Callable[[User], APIClient], editor: User) -> APIClient:
    return api_client_for(editor)


def uploads_url(content: ARContent) -> str:
    return f"/api/v1/companies/{content.company.slug}/ar-content/{content.unique_id}/uploads/"


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def create(client: APIClient, content: ARContent, length: int, **extra: str) -> Any:
    headers: dict[str, Any] = {
        **TUS,
        "HTTP_UPLOAD_LENGTH": str(length),
        "HTTP_UPLOAD_METADATA": f"filename {b64('Отпуск.mp4')},title {b64('Holiday')}",
        **extra,
    }
    return client.post(uploads_url(content), **headers)


def start(client: APIClient, content: ARContent, length: int) -> str:
    response = create(client, content, length)
    assert response.status_code == 201, response.content
    return str(response["Location"])


def send(client: APIClient, url: str, offset: int, data: bytes, **extra: Any) -> Any:
    headers = {**TUS, "HTTP_UPLOAD_OFFSET": str(offset), **extra}
    # DRF's stubs type the body as str; Django sends bytes as they are.
    return client.generic("PATCH", url, data, content_type=OFFSET_STREAM, **headers)  # type: ignore[arg-type]


def send_all(client: APIClient, url: str, data: bytes, pieces: int, offset: int = 0) -> Any:
    """Send ``data[offset:]`` in ``pieces`` PATCH requests; the last response is returned."""
    step = -(-(len(data) - offset) // pieces)
    response = None
    while offset < len(data):
        response = send(client, url, offset, data[offset : offset + step])
        assert response.status_code == 204, response.content
        offset = int(response["Upload-Offset"])
    return response


def session_of(url: str) -> UploadSession:
    upload_id = url.rstrip("/").rsplit("/", 1)[-1]
    with scopes_disabled():
        return UploadSession.objects.select_related("video__original").get(upload_id=upload_id)


def wsgi_input(stream: object) -> dict[str, Any]:
    """The request body a test client sends, as a WSGI environ entry."""
    return {"wsgi.input": stream}


def original_of(session: UploadSession) -> StoredFile:
    """The stored file a finished upload became."""
    assert session.video is not None, "the upload made no video"
    assert session.video.original is not None
    return session.video.original


def stored_bytes(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        return bytes(handle.read())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class DroppingStream:
    """A request body whose connection breaks after ``limit`` bytes."""

    def __init__(self, data: bytes, limit: int) -> None:
        self.data, self.limit, self.position = data, limit, 0

    def read(self, size: int = -1) -> bytes:
        if self.position >= self.limit:
            raise ConnectionResetError("connection reset by peer")
        end = self.limit if size < 0 else min(self.limit, self.position + size)
        piece = self.data[self.position : end]
        self.position = end
        return piece

    readline = read  # Django's LimitedStream takes both


# --- discovery and creation ---------------------------------------------------------------


@pytest.mark.django_db
def test_it_tells_tus_clients_what_it_supports(
    api_client_for: Callable[[User], APIClient], viewer: User, content: ARContent, settings: Any
) -> None:
    settings.VIDEO_UPLOAD_MAX_BYTES = 5 * 1024**2
    response = api_client_for(viewer).options(uploads_url(content))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert response["Tus-Resumable"] == "1.0.0"
    assert response["Tus-Extension"] == "creation,termination,expiration"
    assert response["Tus-Max-Size"] == str(5 * 1024**2)


@pytest.mark.django_db
def test_it_creates_an_upload_that_starts_at_offset_zero(
    tus: APIClient, content: ARContent, editor: User
) -> None:
    response = create(tus, content, 12345)

    assert response.status_code == 201
    assert response["Tus-Resumable"] == "1.0.0"
    location = response["Location"]
    assert location.startswith(f"http://testserver{uploads_url(content)}")
    session = session_of(location)
    assert response.json() == {
        "upload_id": str(session.upload_id),
        "url": location,
        "offset": 0,
        "length": 12345,
        "expires_at": response.json()["expires_at"],
    }
    assert session.filename == "Отпуск.mp4"
    assert session.title == "Holiday"
    assert session.created_by == editor
    hours = (session.expires_at - timezone.now()) / timedelta(hours=1)
    assert 23.9 < hours <= 24
    assert "Upload-Expires" in response

    head = tus.head(location, **TUS)
    assert head.status_code == 200
    assert head["Upload-Offset"] == "0"
    assert head["Upload-Length"] == "12345"
    assert head["Cache-Control"] == "no-store"
    assert head["Tus-Resumable"] == "1.0.0"


# --- a whole upload -----------------------------------------------------------------------


@pytest.mark.django_db
def test_three_chunks_make_a_byte_identical_video(
    storage_backend: str,
    tus: APIClient,
    content: ARContent,
    clip: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = start(tus, content, len(clip))
    third = len(clip) // 3
    first = send(tus, url, 0, clip[:third])
    assert first.status_code == 204
    assert first["Upload-Offset"] == str(third)
    assert "X-Video-Id" not in first
    second = send(tus, url, third, clip[third : 2 * third])
    assert second["Upload-Offset"] == str(2 * third)
    parts = session_of(url).chunk_keys
    assert len(parts) == 2
    assert all(default_storage.exists(key) for key in parts)

    with django_capture_on_commit_callbacks() as callbacks:
        last = send(tus, url, 2 * third, clip[2 * third :])

    assert last.status_code == 204
    assert last["Upload-Offset"] == str(len(clip))
    session = session_of(url)
    assert session.completed_at is not None
    assert session.chunk_keys == []
    video = session.video
    assert video is not None
    assert video.original is not None
    assert last["X-Video-Id"] == str(video.pk)
    assert video.status == Video.Status.UPLOADED
    assert video.title == "Holiday"
    assert video.original.original_name == "Отпуск.mp4"
    assert video.original.sha256 == sha256(clip)
    assert stored_bytes(video.original.key) == clip
    assert video.size_bytes == len(clip)
    assert callbacks, "processing and the removal of the parts wait for the commit"
    assert all(default_storage.exists(key) for key in parts)

    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(key) for key in parts)
    assert default_storage.exists(video.original.key)

    # The client lost the last answer and asks again: the upload is complete.
    again = tus.head(url, **TUS)
    assert again["Upload-Offset"] == str(len(clip))
    assert "Upload-Expires" not in again
    empty = send(tus, url, len(clip), b"", CONTENT_LENGTH="0")
    assert empty.status_code == 204
    assert empty["X-Video-Id"] == str(video.pk)


@pytest.mark.django_db
def test_a_dropped_connection_keeps_exactly_the_bytes_received(
    storage_backend: str, tus: APIClient, content: ARContent, clip: bytes
) -> None:
    url = start(tus, content, len(clip))
    chunk = clip[:20000]
    dropped = tus.generic(
        "PATCH",
        url,
        "",
        content_type=OFFSET_STREAM,
        CONTENT_LENGTH=str(len(chunk)),
        HTTP_UPLOAD_OFFSET="0",
        **TUS,
        **wsgi_input(DroppingStream(chunk, 7777)),
    )
    assert dropped.status_code == 204
    assert dropped["Upload-Offset"] == "7777"
    assert tus.head(url, **TUS)["Upload-Offset"] == "7777"
    assert stored_bytes(session_of(url).chunk_keys[0]) == clip[:7777]

    stale = send(tus, url, len(chunk), clip[len(chunk) :])
    assert stale.status_code == 409
    send_all(tus, url, clip, pieces=2, offset=7777)

    session = session_of(url)
    assert original_of(session).sha256 == sha256(clip)
    assert stored_bytes(original_of(session).key) == clip


@pytest.mark.django_db
def test_a_body_shorter_than_its_content_length_keeps_what_arrived(
    tus: APIClient, content: ARContent, clip: bytes
) -> None:
    url = start(tus, content, len(clip))
    short = tus.generic(
        "PATCH",
        url,
        "",
        content_type=OFFSET_STREAM,
        CONTENT_LENGTH="5000",
        HTTP_UPLOAD_OFFSET="0",
        **TUS,
        **wsgi_input(io.BytesIO(clip[:1234])),
    )
    assert short.status_code == 204
    assert short["Upload-Offset"] == "1234"
    assert stored_bytes(session_of(url).chunk_keys[0]) == clip[:1234]


@pytest.mark.django_db
def test_a_chunk_larger_than_a_part_is_stored_as_several_parts(
    tus: APIClient, content: ARContent, clip: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "PART_MAX_BYTES", 4096)
    monkeypatch.setattr(uploads, "READ_BYTES", 1000)
    url = start(tus, content, len(clip))
    response = send(tus, url, 0, clip[:10000])
    assert response["Upload-Offset"] == "10000"
    parts = session_of(url).chunk_keys
    assert [len(stored_bytes(key)) for key in parts] == [4096, 4096, 1808]
    assert all(key.endswith(f"/part-{i:06d}.part") for i, key in enumerate(parts))

    send(tus, url, 10000, clip[10000:])
    assert original_of(session_of(url)).sha256 == sha256(clip)


@pytest.mark.django_db
def test_on_s3_the_parts_are_joined_by_the_server(
    s3_storage: Any, tus: APIClient, content: ARContent, clip: bytes
) -> None:
    """Parts of at least S3's 5 MiB minimum are copied into the original by S3 itself: the
    last PATCH reads back only the first bytes (the type check), and the checksum is left
    for the worker, which reads the file anyway."""
    data = clip + bytes(12 * 1024**2 - len(clip))
    operations: list[tuple[str, Any]] = []

    def record(event_name: str, params: dict[str, Any], **_: Any) -> None:
        operations.append((event_name.rsplit(".", 1)[-1], params.get("Range")))

    url = start(tus, content, len(data))
    assert send(tus, url, 0, data[: 6 * 1024**2]).status_code == 204
    events = s3_client().meta.events
    events.register("provide-client-params.s3", record)
    try:
        last = send(tus, url, 6 * 1024**2, data[6 * 1024**2 :])
    finally:
        events.unregister("provide-client-params.s3", record)
    assert last.status_code == 204, last.content
    names = [name for name, _ in operations]
    assert names.count("UploadPartCopy") == 2
    assert all(byte_range for name, byte_range in operations if name == "GetObject")
    original = original_of(session_of(url))
    assert original.sha256 == ""
    assert original.size == len(data)
    assert stored_bytes(original.key) == data


# --- refusals -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_wrong_offset_is_a_conflict(tus: APIClient, content: ARContent, clip: bytes) -> None:
    url = start(tus, content, len(clip))
    send(tus, url, 0, clip[:1000])

    response = send(tus, url, 500, clip[500:1500])

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "upload_offset_mismatch"
    assert body["message"].startswith("The upload is at byte 1000, not 500.")
    assert body["request_id"]
    assert response["Tus-Resumable"] == "1.0.0"
    assert session_of(url).offset == 1000
    assert len(session_of(url).chunk_keys) == 1


@pytest.mark.django_db
def test_a_chunk_past_the_length_is_refused_before_it_is_read(
    tus: APIClient, content: ARContent, clip: bytes
) -> None:
    url = start(tus, content, 1000)

    response = send(tus, url, 0, clip[:1001])

    assert response.status_code == 413
    assert response.json()["code"] == "upload_length_exceeded"
    session = session_of(url)
    assert (session.offset, session.chunk_keys) == (0, [])


@pytest.mark.django_db
def test_over_the_size_limit_or_the_quota_is_refused_before_any_byte(
    storage_backend: str, tus: APIClient, content: ARContent, company: Company, settings: Any
) -> None:
    keys_before = sorted(walk_keys())
    settings.VIDEO_UPLOAD_MAX_BYTES = 1000

    too_big = create(tus, content, 1001)

    assert too_big.status_code == 413
    assert too_big.json()["code"] == "quota_exceeded"
    assert "Videos can be at most 1000" in too_big.json()["message"]

    settings.VIDEO_UPLOAD_MAX_BYTES = 1024**3
    company.storage_quota_bytes = storage_used_bytes(company=company) + 500
    company.save()
    over_quota = create(tus, content, 501)

    assert over_quota.status_code == 413
    assert over_quota.json()["code"] == "quota_exceeded"
    assert "only 500" in over_quota.json()["message"]
    assert create(tus, content, 500).status_code == 201
    with scopes_disabled():
        assert UploadSession.objects.count() == 1
    assert sorted(walk_keys()) == keys_before


@pytest.mark.django_db
def test_a_text_file_is_refused_when_it_completes_and_its_parts_are_removed(
    storage_backend: str,
    tus: APIClient,
    content: ARContent,
    django_capture_on_commit_callbacks: Any,
) -> None:
    text = b"Not a video at all, just some words.\n" * 200
    url = start(tus, content, len(text))
    send(tus, url, 0, text[:3000])
    parts = session_of(url).chunk_keys

    with django_capture_on_commit_callbacks(execute=True):
        response = send(tus, url, 3000, text[3000:])

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["errors"]["file"] == [
        "This file is not an accepted type. Accepted: avi, mkv, mov, mp4, mpg, webm."
    ]
    assert not any(default_storage.exists(key) for key in parts)
    assert tus.head(url, **TUS).status_code == 404
    with scopes_disabled():
        assert not Video.objects.exists()
        assert not StoredFile.objects.filter(kind=StoredFile.Kind.VIDEO).exists()
    assert not [key for key in walk_keys() if key.endswith(".part")]


@pytest.mark.django_db
def test_going_over_the_quota_at_the_end_keeps_the_upload_resumable(
    tus: APIClient, content: ARContent, company: Company, clip: bytes
) -> None:
    url = start(tus, content, len(clip))
    send(tus, url, 0, clip[:10000])
    company.storage_quota_bytes = storage_used_bytes(company=company) + 100  # another upload took the room
    company.save()

    refused = send(tus, url, 10000, clip[10000:])

    assert refused.status_code == 413
    assert refused.json()["code"] == "quota_exceeded"
    assert tus.head(url, **TUS)["Upload-Offset"] == "10000"
    assert len(session_of(url).chunk_keys) == 1

    company.storage_quota_bytes = 10 * 1024**3
    company.save()
    assert send(tus, url, 10000, clip[10000:]).status_code == 204
    assert original_of(session_of(url)).sha256 == sha256(clip)


@pytest.mark.django_db
def test_it_checks_the_tus_headers(tus: APIClient, content: ARContent, clip: bytes) -> None:
    url = start(tus, content, len(clip))

    no_version = tus.generic("PATCH", url, "x", content_type=OFFSET_STREAM, HTTP_UPLOAD_OFFSET="0")
    assert no_version.status_code == 412
    assert no_version["Tus-Version"] == "1.0.0"
    assert no_version.json()["code"] == "tus_version_unsupported"
    assert tus.head(url).status_code == 412
    assert tus.delete(url, HTTP_TUS_RESUMABLE="0.2.2").status_code == 412

    json_body = tus.patch(url, {"chunk": "x"}, format="json", HTTP_UPLOAD_OFFSET="0", **TUS)
    assert json_body.status_code == 415
    assert json_body.json()["code"] == "unsupported_media_type"
    no_offset = tus.generic("PATCH", url, "x", content_type=OFFSET_STREAM, **TUS)
    assert no_offset.status_code == 400
    assert no_offset.json()["errors"] == {"Upload-Offset": ["This header is required."]}
    assert send(tus, url, 0, b"x", HTTP_UPLOAD_OFFSET="-1").status_code == 400
    assert send(tus, url, 0, b"").status_code == 411  # no Content-Length
    assert session_of(url).offset == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "field"),
    [
        ({"HTTP_UPLOAD_LENGTH": "abc"}, "Upload-Length"),
        ({"HTTP_UPLOAD_LENGTH": "+12"}, "Upload-Length"),
        ({"HTTP_UPLOAD_LENGTH": "0"}, "length"),
        ({"HTTP_UPLOAD_DEFER_LENGTH": "1"}, "Upload-Defer-Length"),
        ({"HTTP_UPLOAD_METADATA": "filename not*base64"}, "Upload-Metadata"),
        ({"HTTP_UPLOAD_METADATA": f"fïlename {b64('x')}"}, "Upload-Metadata"),
        ({"HTTP_UPLOAD_METADATA": "filename /w=="}, "Upload-Metadata"),  # not UTF-8
    ],
)
def test_it_refuses_a_malformed_creation(
    tus: APIClient, content: ARContent, headers: dict[str, str], field: str
) -> None:
    response = create(tus, content, 100, **headers)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    with scopes_disabled():
        assert not UploadSession.objects.exists()


@pytest.mark.django_db
def test_a_missing_upload_length_is_refused(tus: APIClient, content: ARContent) -> None:
    response = tus.post(uploads_url(content), **TUS)
    assert response.status_code == 400
    assert response.json()["errors"] == {"Upload-Length": ["This header is required."]}


@pytest.mark.django_db
def test_metadata_keys_without_values_and_the_name_key_are_accepted(
    tus: APIClient, content: ARContent
) -> None:
    response = create(tus, content, 10, HTTP_UPLOAD_METADATA=f"name {b64('dir/clip.mov')},is_confidential")
    assert response.status_code == 201
    session = session_of(response["Location"])
    assert (session.filename, session.title) == ("clip.mov", "")


@pytest.mark.django_db
def test_archived_content_takes_no_uploads(tus: APIClient, company: Company) -> None:
    with company_scope(company):
        archived = make_content(company, status=ARContent.Status.ARCHIVED)
    response = create(tus, archived, 100)
    assert response.status_code == 400
    assert response.json()["message"] == "Archived content is read-only."


@pytest.mark.django_db
def test_an_expired_upload_is_gone(tus: APIClient, content: ARContent, clip: bytes) -> None:
    url = start(tus, content, len(clip))
    with scopes_disabled():
        UploadSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    head = tus.head(url, **TUS)
    patch = send(tus, url, 0, clip[:100])

    assert head.status_code == 410
    assert patch.status_code == 410
    assert patch.json()["code"] == "upload_expired"
    assert session_of(url).chunk_keys == []


# --- termination and expiry ---------------------------------------------------------------


@pytest.mark.django_db
def test_delete_terminates_the_upload_and_removes_its_parts(
    storage_backend: str,
    tus: APIClient,
    content: ARContent,
    clip: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = start(tus, content, len(clip))
    send(tus, url, 0, clip[:5000])
    parts = session_of(url).chunk_keys

    with django_capture_on_commit_callbacks(execute=True):
        response = tus.delete(url, **TUS)

    assert response.status_code == 204
    assert response["Tus-Resumable"] == "1.0.0"
    assert not any(default_storage.exists(key) for key in parts)
    assert tus.head(url, **TUS).status_code == 404
    assert tus.delete(url, **TUS).status_code == 404


@pytest.mark.django_db
def test_the_expiry_job_removes_stale_sessions_with_their_parts(
    storage_backend: str,
    tus: APIClient,
    content: ARContent,
    clip: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    stale = start(tus, content, len(clip))
    send(tus, stale, 0, clip[:3000])
    fresh = start(tus, content, len(clip))
    send(tus, fresh, 0, clip[:3000])
    stale_parts, fresh_parts = session_of(stale).chunk_keys, session_of(fresh).chunk_keys
    with scopes_disabled():
        UploadSession.objects.filter(upload_id=session_of(stale).upload_id).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )

    with django_capture_on_commit_callbacks(execute=True):
        removed = uploads.expire_uploads()

    assert removed == 1
    assert not any(default_storage.exists(key) for key in stale_parts)
    assert all(default_storage.exists(key) for key in fresh_parts)
    assert tus.head(stale, **TUS).status_code == 404
    assert tus.head(fresh, **TUS)["Upload-Offset"] == "3000"
    assert uploads.expire_uploads(now=timezone.now() + timedelta(hours=25)) == 1
    assert uploads.expire_uploads() == 0


# --- parts removed by the storage clean-up ------------------------------------------------


@pytest.mark.django_db
def test_an_upload_whose_parts_the_storage_cleanup_took_starts_over(
    storage_backend: str,
    tus: APIClient,
    content: ARContent,
    clip: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = start(tus, content, len(clip))
    send(tus, url, 0, clip[:10000])
    part = session_of(url).chunk_keys[0]

    # The client pauses past the clean-up's grace period; the part is an object without a row.
    later = timezone.now() + timedelta(seconds=django_settings.STORAGE_CLEANUP_GRACE_SECONDS + 60)
    report = cleanup_storage(now=later)
    assert report.removed_keys == [part]
    assert content.photo is not None
    assert default_storage.exists(content.photo.key), "stored files are not touched"

    assert tus.head(url, **TUS)["Upload-Offset"] == "0"
    with django_capture_on_commit_callbacks(execute=True):
        resumed_late = send(tus, url, 10000, clip[10000:])
    assert resumed_late.status_code == 409
    assert session_of(url).offset == 0
    send_all(tus, url, clip, pieces=2)
    assert stored_bytes(original_of(session_of(url)).key) == clip


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_a_part_lost_when_joining_restarts_the_upload(
    tus: APIClient, content: ARContent, clip: bytes, damage: str, django_capture_on_commit_callbacks: Any
) -> None:
    url = start(tus, content, len(clip))
    send(tus, url, 0, clip[:10000])
    send(tus, url, 10000, clip[10000:20000])
    first, second = session_of(url).chunk_keys
    default_storage.delete(second)
    if damage == "truncated":
        assert default_storage.save(second, io.BytesIO(clip[10000:15000])) == second

    with django_capture_on_commit_callbacks(execute=True):
        response = send(tus, url, 20000, clip[20000:])

    assert response.status_code == 409
    assert response.json()["code"] == "upload_parts_lost"
    assert tus.head(url, **TUS)["Upload-Offset"] == "0"
    assert session_of(url).chunk_keys == []
    assert not default_storage.exists(first)
    assert not default_storage.exists(second)
    with scopes_disabled():
        assert not Video.objects.exists()


# --- who may upload -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_viewer_may_look_but_not_write(
    api_client_for: Callable[[User], APIClient], viewer: User, tus: APIClient, content: ARContent
) -> None:
    url = start(tus, content, 100)
    client = api_client_for(viewer)

    assert client.head(url, **TUS).status_code == 200
    assert client.options(uploads_url(content)).status_code == 204
    assert create(client, content, 100).status_code == 403
    assert send(client, url, 0, b"x" * 10).status_code == 403
    assert client.delete(url, **TUS).status_code == 403
    assert session_of(url).offset == 0


@pytest.mark.django_db
def test_another_company_sees_nothing(
    api_client_for: Callable[[User], APIClient], outsider: User, tus: APIClient, content: ARContent
) -> None:
    url = start(tus, content, 100)
    client = api_client_for(outsider)

    assert client.head(url, **TUS).status_code == 404
    assert client.options(uploads_url(content)).status_code == 404
    assert create(client, content, 100).status_code == 404
    assert send(client, url, 0, b"x" * 10).status_code == 404
    assert client.delete(url, **TUS).status_code == 404
    assert session_of(url).offset == 0


@pytest.mark.django_db
def test_an_upload_of_another_content_or_company_is_not_found(
    tus: APIClient, content: ARContent, company: Company, other_company: Company
) -> None:
    url = start(tus, content, 100)
    with company_scope(company):
        sibling = make_content(company)
    with company_scope(other_company):
        foreign = make_content(other_company)
        foreign_session = uploads.upload_start(content=foreign, actor=None, length=100, filename="", title="")
    upload_id = session_of(url).upload_id

    assert tus.head(f"{uploads_url(sibling)}{upload_id}/", **TUS).status_code == 404
    foreign_url = f"{uploads_url(content)}{foreign_session.upload_id}/"
    assert tus.head(foreign_url, **TUS).status_code == 404
    assert create(tus, foreign, 100).status_code == 404  # content of another company via our slug


@pytest.mark.django_db
def test_a_company_api_key_can_upload(content: ARContent, company: Company, clip: bytes) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {make_api_key(company, role=Role.EDITOR)[1]}")
    url = start(client, content, len(clip))

    last = send_all(client, url, clip, pieces=2)

    session = session_of(url)
    assert last["X-Video-Id"] == str(session.video_id)
    assert session.created_by is None
    assert original_of(session).sha256 == sha256(clip)


@pytest.mark.django_db
def test_anonymous_callers_are_asked_to_sign_in(tus: APIClient, content: ARContent) -> None:
    url = start(tus, content, 100)
    anonymous = APIClient()
    assert anonymous.head(url, **TUS).status_code == 401
    assert create(anonymous, content, 100).status_code == 401
    assert send(anonymous, url, 0, b"x").status_code == 401


@pytest.mark.django_db
def test_the_portal_session_needs_the_csrf_token(editor: User, content: ARContent) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(editor)
    secret = "a" * 32
    client.cookies[django_settings.CSRF_COOKIE_NAME] = secret

    assert create(client, content, 100).status_code == 403
    response = create(client, content, 100, HTTP_X_CSRFTOKEN=secret)
    assert response.status_code == 201
    url = response["Location"]
    assert send(client, url, 0, b"x").status_code == 403
    assert send(client, url, 0, b"x", HTTP_X_CSRFTOKEN=secret).status_code == 204
    assert client.head(url, **TUS).status_code == 200


# --- the service on its own ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_service_refuses_empty_uploads_and_early_finishes(content: ARContent, company: Company) -> None:
    with company_scope(company):
        with pytest.raises(ValidationError) as empty:
            uploads.upload_start(content=content, actor=None, length=0, filename="a.mp4", title="")
        assert empty.value.message_dict == {"length": ["An upload needs at least one byte."]}

        session = uploads.upload_start(
            content=content, actor=None, length=10, filename="C:\\clips\\a.mp4", title=""
        )
        assert session.filename == "a.mp4"
        with pytest.raises(ValidationError, match="0 of 10 bytes"):
            uploads.upload_finish(session=session)
        with pytest.raises(ValidationError):
            uploads.upload_append(session=session, offset=0, chunk=io.BytesIO(b""), chunk_length=-1)
        assert (
            uploads.upload_append(session=session, offset=0, chunk=io.BytesIO(b""), chunk_length=0).offset
            == 0
        )
        uploads.upload_cancel(session=session)
        uploads.upload_cancel(session=session)  # already gone: nothing to do


@pytest.mark.django_db
def test_a_finished_session_is_returned_as_it_is(tus: APIClient, content: ARContent, clip: bytes) -> None:
    url = start(tus, content, len(clip))
    send(tus, url, 0, clip)
    session = session_of(url)
    with company_scope(content.company):
        assert uploads.upload_finish(session=session).video_id == session.video_id


@pytest.mark.django_db
def test_the_schema_documents_the_upload_routes(client: Any) -> None:
    import yaml

    paths = yaml.safe_load(client.get("/api/schema/").content)["paths"]
    create_op = paths["/api/v1/companies/{company_slug}/ar-content/{unique_id}/uploads/"]["post"]
    patch_op = paths["/api/v1/companies/{company_slug}/ar-content/{unique_id}/uploads/{upload_id}/"]["patch"]
    assert {"201", "401", "403", "404", "412", "413"} <= set(create_op["responses"])
    assert {"204", "409", "410", "413", "415"} <= set(patch_op["responses"])
    assert "application/offset+octet-stream" in patch_op["requestBody"]["content"]


# --- real clients over HTTP ---------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_tuspy_client_uploads_a_video_in_small_chunks(
    live_server: Any, storage_backend: str, company: Company, editor: User, clip: bytes
) -> None:
    from tusclient.client import TusClient

    with company_scope(company):
        item = make_content(company)
    token = RefreshToken.for_user(editor).access_token
    client = TusClient(f"{live_server.url}{uploads_url(item)}", headers={"Authorization": f"Bearer {token}"})
    uploader = client.uploader(
        file_stream=io.BytesIO(clip),
        chunk_size=4096,
        metadata={"filename": "clip.mp4", "title": "From tuspy"},
    )

    uploader.upload()

    assert uploader.offset == len(clip)
    assert uploader.url is not None
    session = session_of(uploader.url)
    assert session.video_id is not None
    assert session.completed_at is not None
    assert session.chunk_keys == []
    with company_scope(company):
        video = Video.objects.select_related("original").get(pk=session.video_id)
    assert video.original is not None
    assert video.title == "From tuspy"
    assert video.original.sha256 == sha256(clip)
    assert stored_bytes(video.original.key) == clip
    assert not [key for key in walk_keys() if key.endswith(".part")]
    assert video.status != Video.Status.FAILED, video.error


class SlowBody:
    """A request body that trickles in, to keep its request inside the view for a while."""

    def __init__(self, data: bytes, pause: float) -> None:
        self.data, self.pause, self.position = data, pause, 0

    def __len__(self) -> int:
        return len(self.data)

    def read(self, size: int = -1) -> bytes:
        time.sleep(self.pause)
        piece = self.data[self.position : self.position + min(size if size > 0 else 1024, 1024)]
        self.position += len(piece)
        return piece


@pytest.mark.django_db(transaction=True)
def test_two_patches_at_the_same_offset_store_the_bytes_once(
    live_server: Any, company: Company, editor: User, clip: bytes
) -> None:
    with company_scope(company):
        item = make_content(company)
        session = uploads.upload_start(content=item, actor=editor, length=len(clip), filename="", title="")
    url = f"{live_server.url}{uploads_url(item)}{session.upload_id}/"
    token = RefreshToken.for_user(editor).access_token
    headers = {
        "Authorization": f"Bearer {token}",
        "Tus-Resumable": "1.0.0",
        "Upload-Offset": "0",
        "Content-Type": OFFSET_STREAM,
    }
    answers: dict[str, requests.Response] = {}

    def slow() -> None:
        answers["slow"] = requests.patch(url, data=SlowBody(clip[:6000], 0.2), headers=headers, timeout=30)

    first = threading.Thread(target=slow)
    first.start()
    time.sleep(0.5)  # the slow request holds the session's row lock while its body arrives
    answers["fast"] = requests.patch(url, data=clip[:6000], headers=headers, timeout=30)
    first.join()

    assert answers["slow"].status_code == 204
    assert answers["fast"].status_code == 409
    assert answers["fast"].json()["message"].startswith("The upload is at byte 6000, not 0.")
    stored = session_of(url)
    assert stored.offset == 6000
    assert len(stored.chunk_keys) == 1
    assert stored_bytes(stored.chunk_keys[0]) == clip[:6000]


@pytest.mark.django_db
def test_open_uploads_count_against_the_quota(tus: APIClient, company: Company, content: ARContent) -> None:
    with company_scope(company):
        company.storage_quota_bytes = 10**7 + sum(StoredFile.objects.values_list("size", flat=True))
    company.save()
    url = uploads_url(content)
    headers = {**TUS, "HTTP_UPLOAD_LENGTH": str(6 * 10**6)}
    assert tus.post(url, **headers).status_code == 201
    assert tus.post(url, **headers).status_code == 413  # the first upload's bytes are promised
