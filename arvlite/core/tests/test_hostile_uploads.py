"""The hostile-file corpus (issue 18): every upload route fed files made to hurt it, on local
disk and on S3. Each is refused with a 4xx in the documented error format — nothing left
behind: no row, no object in storage, no quota used, no upload parts, no video waiting —
or, for the few that are odd but harmless, accepted and processed to the end.

The files are made by arvlite.core.testing.hostile_files when the test runs."""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test.testcases import TestCase
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from arvlite.core.testing import hostile_files as hostile
from companies.files import storage_used_bytes
from companies.models import Company, StoredFile, User
from companies.storage_cleanup import walk_keys
from projects.tests.factories import ProjectFactory
from videos.models import UploadSession, Video

pytestmark = pytest.mark.django_db

TUS: dict[str, Any] = {"HTTP_TUS_RESUMABLE": "1.0.0"}


@dataclass(frozen=True)
class Case:
    route: str  # photo, video, tus, logo, files-photo, files-video, video-announced, tus-announced
    name: str  # the client's file name
    make: Callable[[], bytes]
    status: int
    says: str  # a piece of the message the user reads


cached = functools.cache

REFUSED = {
    "photo-empty": Case("photo", "empty.jpg", lambda: b"", 400, "empty"),
    "photo-text-renamed": Case("photo", "notes.jpg", lambda: b"just some notes\n" * 20, 400, "not an image"),
    "photo-html-script": Case("photo", "page.jpg", lambda: hostile.SCRIPT_HTML, 400, "not an image"),
    "photo-svg-script": Case("photo", "vector.jpg", lambda: hostile.SCRIPT_SVG, 400, "not an image"),
    "photo-jpeg-zip-polyglot": Case("photo", "photo.jpg", hostile.jpeg_with_zip, 400, "hidden"),
    "photo-png-html-polyglot": Case("photo", "photo.png", hostile.png_with_html, 400, "hidden"),
    "photo-pixel-bomb": Case("photo", "bomb.png", lambda: hostile.png_declaring(60_000, 60_000), 400, "megapixels"),
    "photo-zlib-bomb": Case("photo", "bomb.png", cached(hostile.zlib_bomb_png), 400, "damaged"),
    "photo-truncated-jpeg": Case("photo", "cut.jpg", lambda: hostile.truncated(hostile.jpeg()), 400, ""),
    "photo-truncated-png": Case("photo", "cut.png", lambda: hostile.truncated(hostile.png()), 400, ""),
    "photo-corrupt-jpeg": Case("photo", "noise.jpg", hostile.corrupt_jpeg, 400, ""),
    "photo-corrupt-png": Case("photo", "noise.png", hostile.corrupt_png, 400, ""),
    "photo-absurd-dimensions": Case("photo", "line.png", lambda: hostile.png_declaring(1, 70_000_000), 400, "megapixels"),
    "photo-huge-exif": Case("photo", "exif.jpg", hostile.jpeg_with_huge_exif, 400, "metadata"),
    "video-empty": Case("video", "empty.mp4", lambda: b"", 400, "empty"),
    "video-text-renamed": Case("video", "notes.mp4", lambda: b"just some notes\n" * 20, 400, "accepted type"),
    "video-html-script": Case("video", "page.mp4", lambda: hostile.SCRIPT_HTML, 400, "accepted type"),
    "video-truncated-mp4": Case("video", "cut.mp4", lambda: hostile.truncated(hostile.clip()), 400, "incomplete"),
    "video-corrupt-mp4": Case("video", "noise.mp4", hostile.corrupt_mp4, 400, "picture"),
    "video-audio-only": Case("video", "song.mp4", lambda: hostile.clip(video=False, audio_streams=1), 400, "only sound"),
    "video-one-frame": Case("video", "still.mp4", lambda: hostile.clip(frames=1), 400, "only one frame"),
    "video-many-tracks": Case("video", "tracks.mp4", lambda: hostile.clip(audio_streams=20), 400, "tracks"),
    "video-png-renamed": Case("video", "photo.mp4", hostile.png, 400, "accepted type"),
    "tus-truncated-mp4": Case("tus", "cut.mp4", lambda: hostile.truncated(hostile.clip()), 400, "incomplete"),
    "tus-one-frame": Case("tus", "still.mp4", lambda: hostile.clip(frames=1), 400, "only one frame"),
    "tus-audio-only": Case("tus", "song.mp4", lambda: hostile.clip(video=False, audio_streams=1), 400, "only sound"),
    "tus-text-renamed": Case("tus", "notes.mp4", lambda: b"just some notes\n" * 20, 400, "accepted type"),
    "logo-svg-script": Case("logo", "logo.png", lambda: hostile.SCRIPT_SVG, 400, ""),
    "logo-pixel-bomb": Case("logo", "logo.png", lambda: hostile.png_declaring(60_000, 60_000), 400, "image"),
    "logo-png-html-polyglot": Case("logo", "logo.png", hostile.png_with_html, 400, "hidden"),
    "files-photo-pixel-bomb": Case("files-photo", "big.png", lambda: hostile.png_declaring(20_000, 20_000), 400, "megapixels"),
    "files-photo-jpeg-zip-polyglot": Case("files-photo", "photo.jpg", hostile.jpeg_with_zip, 400, "hidden"),
    "files-photo-truncated-png": Case("files-photo", "cut.png", lambda: hostile.truncated(hostile.png()), 400, ""),
    "files-video-truncated-mp4": Case("files-video", "cut.mp4", lambda: hostile.truncated(hostile.clip()), 400, "incomplete"),
    "files-video-one-frame": Case("files-video", "still.mp4", lambda: hostile.clip(frames=1), 400, "only one frame"),
    "video-announced-over-limit": Case("video-announced", "big.mp4", lambda: b"", 413, "at most"),
    "tus-announced-over-limit": Case("tus-announced", "big.mp4", lambda: b"", 413, ""),
}  # fmt: skip

# Odd but harmless: accepted, and the video is processed to the end (never left waiting).
ACCEPTED = {
    "video-mkv-named-mp4": Case("video", "clip.mp4", lambda: hostile.clip(container="matroska"), 201, ""),
    "video-hevc-10-bit": Case("video", "hevc.mp4", lambda: hostile.clip(codec="libx265", pix_fmt="yuv420p10le"), 201, ""),
    "video-lying-duration": Case("video", "long.mp4", hostile.mp4_with_huge_duration, 201, ""),
    "photo-bogus-orientation": Case("files-photo", "turned.jpg", hostile.jpeg_with_bogus_orientation, 201, ""),
}  # fmt: skip


def test_the_corpus_is_big_enough() -> None:
    assert len(REFUSED) >= 25


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


def _leftovers(company: Company) -> dict[str, Any]:
    with scopes_disabled():
        company.refresh_from_db()
        return {
            "objects": sorted(walk_keys()),
            "files": sorted(StoredFile.objects.values_list("pk", flat=True)),
            "contents": ARContent.objects.count(),
            "videos": Video.objects.count(),
            "upload parts": [
                keys for keys in UploadSession.objects.values_list("chunk_keys", flat=True) if keys
            ],
            "used": storage_used_bytes(company=company),
            "logo": company.logo.name if company.logo else "",
        }


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _send(
    client: APIClient, case: Case, company: Company, content: ARContent, data: bytes, settings: Any
) -> Any:
    handle = io.BytesIO(data)
    handle.name = case.name
    slug = company.slug
    content_url = f"/api/v1/companies/{slug}/ar-content/{content.unique_id}/"
    if case.route == "photo":
        project = ProjectFactory(company=company)
        fields = {"project": project.pk, "photo": handle, "print_width_cm": "15", "print_height_cm": "10"}
        return client.post(f"/api/v1/companies/{slug}/ar-content/", fields, format="multipart")
    if case.route == "video":
        return client.post(f"{content_url}videos/", {"file": handle, "title": "x"}, format="multipart")
    if case.route.startswith("files-"):
        kind = case.route.removeprefix("files-")
        return client.post(
            f"/api/v1/companies/{slug}/files/", {"file": handle, "kind": kind}, format="multipart"
        )
    if case.route == "logo":
        return client.patch(f"/api/v1/companies/{slug}/", {"logo": handle}, format="multipart")
    if case.route == "video-announced":
        return client.generic(
            "POST", f"{content_url}videos/", "--x--", content_type="multipart/form-data; boundary=x",
            CONTENT_LENGTH=str(settings.VIDEO_UPLOAD_MAX_BYTES + 1),
        )  # fmt: skip
    uploads = f"{content_url}uploads/"
    if case.route == "tus-announced":
        return client.post(uploads, **TUS, HTTP_UPLOAD_LENGTH=str(settings.VIDEO_UPLOAD_MAX_BYTES + 1))
    created = client.post(
        uploads, **TUS, HTTP_UPLOAD_LENGTH=str(len(data)), HTTP_UPLOAD_METADATA=f"filename {_b64(case.name)}"
    )
    assert created.status_code == 201, created.content
    half = len(data) // 2
    first = client.generic(
        "PATCH", created["Location"], data[:half], content_type="application/offset+octet-stream",  # type: ignore[arg-type]
        **TUS, HTTP_UPLOAD_OFFSET="0",
    )  # fmt: skip
    assert first.status_code == 204, first.content
    return client.generic(
        "PATCH", created["Location"], data[half:], content_type="application/offset+octet-stream",  # type: ignore[arg-type]
        **TUS, HTTP_UPLOAD_OFFSET=str(half),
    )  # fmt: skip


@pytest.mark.parametrize("case", REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_upload_is_refused_and_leaves_nothing(
    case: Case,
    storage_backend: str,
    settings: Any,
    api_client_for: Callable[[User], APIClient],
    owner: User,
    company: Company,
    content: ARContent,
) -> None:
    client = api_client_for(owner)
    data = case.make()
    before = _leftovers(company)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _send(client, case, company, content, data, settings)
    assert response.status_code == case.status, response.content
    body = response.json()
    # The documented error body (docs/API.md "Errors").
    assert {"status", "code", "message", "errors", "request_id"} <= set(body), body
    assert body["status"] == case.status
    said = " ".join([body["message"], *(m for messages in body["errors"].values() for m in messages)])
    assert case.says in said, said
    assert said.strip().endswith("."), said
    assert _leftovers(company) == before


@pytest.mark.parametrize("case", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_an_odd_but_harmless_upload_is_processed_to_the_end(
    case: Case,
    storage_backend: str,
    settings: Any,
    api_client_for: Callable[[User], APIClient],
    owner: User,
    company: Company,
    content: ARContent,
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = _send(api_client_for(owner), case, company, content, case.make(), settings)
    assert response.status_code == 201, response.content
    if case.route == "video":
        with scopes_disabled():
            video = Video.objects.get()
        assert video.status == Video.Status.READY, video.error
        assert video.duration_seconds == 1
