"""Who may use the videos app's routes (read by the permission-matrix test)."""

from __future__ import annotations

from typing import Any

from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from arvlite.core.tests.matrix import Expect, Page
from companies.models import Company

W = Role.EDITOR


def content(company: Company) -> dict[str, Any]:
    with company_scope(company):
        return {"unique_id": make_content(company).unique_id}


def video(company: Company) -> dict[str, Any]:
    from videos.tests.factories import make_video

    with company_scope(company):
        item = make_content(company)
        return {"unique_id": item.unique_id, "pk": make_video(item).pk, "video_id": make_video(item).pk}


def schedule(company: Company) -> dict[str, Any]:
    from datetime import timedelta

    from django.utils import timezone

    from videos.tests.factories import make_video

    with company_scope(company):
        item = make_content(company)
        clip = make_video(item)
        window = item.video_schedules.create(
            company=company, video=clip, starts_at=timezone.now(), ends_at=timezone.now() + timedelta(days=1)
        )
        return {"unique_id": item.unique_id, "video_id": clip.pk, "pk": window.pk}


def upload(company: Company) -> dict[str, Any]:
    from videos.uploads import upload_start

    with company_scope(company):
        item = make_content(company)
        session = upload_start(content=item, actor=None, length=1024, filename="clip.mp4", title="")
        return {"unique_id": item.unique_id, "upload_id": session.upload_id}


API_ROUTES = {
    # tus: JSON bodies without Tus-Resumable answer 412, past the roles (HEAD and OPTIONS
    # are covered in test_uploads.py).
    "video-upload-list": Expect({"POST": W}, kwargs=content),
    "video-upload-detail": Expect({"PATCH": W, "DELETE": W}, kwargs=upload),
    # JSON bodies reach the multipart upload and answer 400/415: past the roles.
    "video-list": Expect({"GET": Role.VIEWER, "POST": W}, kwargs=content),
    "video-reorder": Expect({"POST": W}, kwargs=content),
    "video-detail": Expect(
        {"GET": Role.VIEWER, "PATCH": W, "DELETE": W},
        kwargs=video,
        payloads={"PATCH": lambda company: {"title": "Intro"}},
    ),
    "video-set-active": Expect({"POST": W}, kwargs=video),
    "video-reprocess": Expect({"POST": W}, kwargs=video),
    "video-schedule-list": Expect({"GET": Role.VIEWER, "POST": W}, kwargs=video),
    "video-schedule-detail": Expect(
        {"PATCH": W, "DELETE": W}, kwargs=schedule, payloads={"PATCH": lambda company: {"note": "Birthday"}}
    ),
    "content-rotation": Expect(
        {"GET": Role.VIEWER, "PUT": W}, kwargs=content, payloads={"PUT": lambda company: {"mode": "cyclic"}}
    ),
    "content-calendar": Expect({"GET": Role.VIEWER}, kwargs=content),
}

PORTAL_PAGES = {
    "video-list-page": Page(Role.VIEWER, kwargs=content),
    "video-table-partial": Page(Role.VIEWER, kwargs=content),
    "playback-page": Page(Role.VIEWER, kwargs=content),
    "video-upload-page": Page(W, kwargs=content, post=lambda company: {}),
    "video-action-page": Page(
        W, kwargs=lambda company: {**video(company), "action": "disable"}, post=lambda company: {}
    ),
}
