"""The storage layer, run on local disk and on a real S3-compatible server."""

from __future__ import annotations

import hashlib
import io
import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from arvlite.core.storage.access import file_url, is_s3
from arvlite.core.storage.keys import build_key, safe_name
from arvlite.core.tenancy import scopes_disabled
from companies import files
from companies.models import Company, StoredFile, User
from companies.storage_cleanup import cleanup_storage, walk_keys
from companies.tests.media import jpeg_bytes, png_bytes, stored_png

pytestmark = pytest.mark.django_db
KEY_SHAPE = re.compile(r"^(\d+)/photo/[0-9a-f]{32}/[a-z0-9._-]+\.(png|jpg|webp)$")


def stored_objects() -> list[str]:
    return list(walk_keys())


def fetch(url: str, client: Client | None = None, **headers: str) -> tuple[int, bytes, dict[str, str]]:
    """GET a file link the way a phone would: S3 links over HTTP, local links through Django."""
    if is_s3():  # a presigned link to the S3 test server, on whatever port it found free
        response = requests.get(url, headers=headers, timeout=10)
        return response.status_code, response.content, dict(response.headers)
    parts = urlsplit(url)
    django_headers: dict[str, Any] = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    answer = (client or Client()).get(f"{parts.path}?{parts.query}", **django_headers)
    return answer.status_code, answer.getvalue(), {k: v for k, v in answer.items()}


# --- put / get ---------------------------------------------------------------------------


def test_it_stores_a_file_with_its_record(storage_backend: str, company: Company) -> None:
    content = png_bytes()
    stored = stored_png(company, name="Свадьба Ивановых.PNG")
    assert KEY_SHAPE.match(stored.key)
    assert stored.key.startswith(f"{company.pk}/photo/")
    assert stored.key.endswith("/svadba-ivanovykh.png") or stored.key.endswith(".png")
    assert (stored.size, stored.mime_type) == (len(content), "image/png")
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    with default_storage.open(stored.key, "rb") as handle:
        assert handle.read() == content


def test_the_type_comes_from_the_content_not_the_name(storage_backend: str, company: Company) -> None:
    stored = files.stored_file_create(
        company=company, kind="photo", content=io.BytesIO(png_bytes()), original_name="holiday.jpg"
    )
    assert stored.mime_type == "image/png"
    assert stored.key.endswith(".png")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"just some text pretending to be a photo", "not an accepted type"),
        (b"%PDF-1.7\n%binary", "not an accepted type"),
    ],
)
def test_bad_content_is_refused_and_nothing_is_stored(
    storage_backend: str, company: Company, content: bytes, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        files.stored_file_create(
            company=company, kind="photo", content=io.BytesIO(content), original_name="x.jpg"
        )
    assert stored_objects() == []
    assert not StoredFile.objects.with_scopes_disabled().exists()


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd.jpg", "..\\..\\windows\\system32.png", "/absolute/path.png", "....png", ""]
)
def test_client_names_never_become_paths(storage_backend: str, company: Company, name: str) -> None:
    stored = files.stored_file_create(
        company=company, kind="photo", content=io.BytesIO(png_bytes()), original_name=name
    )
    assert KEY_SHAPE.match(stored.key), stored.key
    assert ".." not in stored.key
    assert stored_objects() == [stored.key]


def test_safe_names_and_keys() -> None:
    assert safe_name("../../Passport Scan (1).JPEG", "jpg") == "passport-scan-1.jpg"
    assert safe_name("....", "png") == "file.png"
    first = build_key(company_id=7, kind="photo", original_name="a.png", extension="png")
    second = build_key(company_id=7, kind="photo", original_name="a.png", extension="png")
    assert first != second  # a random part in every key
    with pytest.raises(ValueError, match="saved company"):
        build_key(company_id=0, kind="photo", original_name="a.png", extension="png")
    with pytest.raises(ValueError, match="Unexpected file kind"):
        build_key(company_id=1, kind="../x", original_name="a.png", extension="png")


# --- links and Range -----------------------------------------------------------------------


def test_a_link_serves_the_file_and_byte_ranges(storage_backend: str, company: Company) -> None:
    content = jpeg_bytes(320, 240)
    stored = files.stored_file_create(
        company=company, kind="photo", content=io.BytesIO(content), original_name="a.jpg"
    )
    url = file_url(stored.key)

    status, body, headers = fetch(url)
    assert (status, body) == (200, content)
    assert headers.get("Content-Type") == "image/jpeg"

    status, body, headers = fetch(url, Range="bytes=10-19")
    assert status == 206
    assert body == content[10:20]
    assert headers["Content-Range"] == f"bytes 10-19/{len(content)}"
    assert headers["Accept-Ranges"] == "bytes"

    status, body, _ = fetch(url, Range="bytes=-5")
    assert (status, body) == (206, content[-5:])

    status, _, headers = fetch(url, Range=f"bytes={len(content) + 10}-")
    assert status == 416


def test_links_expire_and_cannot_be_tampered_with(storage_backend: str, company: Company) -> None:
    stored = stored_png(company)
    url = file_url(stored.key, expires_in=1)
    tampered = re.sub(
        r"(signature=|X-Amz-Signature=)([0-9a-f])",
        lambda m: m.group(1) + ("1" if m.group(2) != "1" else "2"),
        url,
    )
    assert fetch(tampered)[0] in (403, 404)
    time.sleep(2.1)
    assert fetch(url)[0] in (403, 404)


def test_local_files_need_a_signature_or_membership(
    settings: Any, company: Company, owner: User, outsider: User, client: Client
) -> None:
    stored = stored_png(company)
    path = f"/files/{stored.key}"
    assert client.get(path).status_code == 404  # anonymous, unsigned
    client.force_login(outsider)
    assert client.get(path).status_code == 404  # another company's member
    client.force_login(owner)
    response = client.get(path, HTTP_RANGE="bytes=0-3")
    assert response.status_code == 206
    assert response.getvalue() == png_bytes()[:4]
    head = client.head(path)
    assert head.status_code == 200
    assert head["Content-Length"] == str(stored.size)
    assert head.content == b""


@pytest.mark.parametrize(
    "path",
    [
        "/files/1/photo/../../../../etc/passwd",
        "/files/../settings.py",
        "/files/%2e%2e/%2e%2e/etc/passwd",
        "/files/x",
    ],
)
def test_traversal_attempts_find_nothing(client: Client, owner: User, path: str) -> None:
    client.force_login(owner)
    assert client.get(path).status_code in (400, 404)


def test_s3_links_are_presigned_and_short_lived(s3_storage: Any, company: Company) -> None:
    url = file_url(stored_png(company).key, expires_in=120)
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=120" in url
    assert requests.get(url.split("?")[0], timeout=10).status_code == 403  # no anonymous reads


# --- quota -----------------------------------------------------------------------------------


def test_an_upload_over_the_quota_is_refused_before_anything_is_stored(
    storage_backend: str, company: Company
) -> None:
    company.storage_quota_bytes = len(png_bytes()) + 10
    company.save()
    stored_png(company)
    with pytest.raises(files.StorageQuotaExceededError) as refused:
        stored_png(company)
    assert "only 10\xa0bytes of your" in refused.value.messages[0]
    assert len(stored_objects()) == 1
    assert StoredFile.objects.with_scopes_disabled().count() == 1


def test_crossing_80_and_100_percent_is_announced_after_commit(
    company: Company, django_capture_on_commit_callbacks: Any
) -> None:
    size = len(png_bytes())
    company.storage_quota_bytes = size * 2
    company.save()
    heard: list[int] = []

    def listener(sender: Any, company: Company, threshold: int, **kwargs: Any) -> None:
        heard.append(threshold)

    files.quota_threshold_reached.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            stored_png(company)  # 50 %
        assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            stored_png(company)  # 100 %
        assert heard == [80, 100]
    finally:
        files.quota_threshold_reached.disconnect(listener)


def test_usage_is_summed_per_kind_and_project(company: Company) -> None:
    from projects.tests.factories import ProjectFactory

    project = ProjectFactory(company=company, name="Weddings")
    stored_png(company, project=project)
    files.stored_file_create(
        company=company, kind="photo", content=io.BytesIO(jpeg_bytes()), original_name="b.jpg"
    )
    usage = files.storage_usage(company=company)
    assert usage.used_bytes == len(png_bytes()) + len(jpeg_bytes())
    assert usage.by_kind == [{"kind": "photo", "bytes": usage.used_bytes, "files": 2}]
    assert {row["project_name"] for row in usage.by_project} == {"Weddings", None}


# --- delete after commit -----------------------------------------------------------------------


def test_a_deleted_record_removes_its_object_only_after_commit(
    storage_backend: str, company: Company
) -> None:
    stored = stored_png(company)
    pk = stored.pk

    def delete_then_fail() -> None:
        with transaction.atomic():
            files.stored_file_delete(stored_file=stored)
            raise RuntimeError("roll back")

    with pytest.raises(RuntimeError):
        delete_then_fail()
    assert default_storage.exists(stored.key)  # rolled back: nothing removed

    from django.test.testcases import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        files.stored_file_delete(stored_file=StoredFile.objects.with_scopes_disabled().get(pk=pk))
    assert not default_storage.exists(stored.key)


def test_deleting_a_company_removes_its_objects(company: Company) -> None:
    from django.test.testcases import TestCase

    stored = stored_png(company)
    with TestCase.captureOnCommitCallbacks(execute=True):
        company.delete()
    assert not default_storage.exists(stored.key)


# --- clean-up -----------------------------------------------------------------------------------


def test_cleanup_removes_orphans_both_ways_and_is_safe_to_repeat(
    storage_backend: str, company: Company
) -> None:
    kept = stored_png(company)
    row_without_object = stored_png(company)
    default_storage.delete(row_without_object.key)
    orphan_key = build_key(company_id=company.pk, kind="photo", original_name="orphan.png", extension="png")
    default_storage.save(orphan_key, io.BytesIO(png_bytes()))
    logo_key = f"branding/{company.pk}/abc/logo.png"
    default_storage.save(logo_key, io.BytesIO(png_bytes()))

    later = timezone.now() + timedelta(hours=2)
    report = cleanup_storage(now=later)
    assert (report.rows_removed, report.objects_removed) == (1, 1)
    assert report.bytes_freed == len(png_bytes())
    assert report.removed_keys == [orphan_key]
    assert sorted(stored_objects()) == sorted([kept.key, logo_key])
    with scopes_disabled():
        assert list(StoredFile.objects.values_list("pk", flat=True)) == [kept.pk]

    again = cleanup_storage(now=later)
    assert (again.rows_removed, again.objects_removed) == (0, 0)


def test_cleanup_leaves_recent_uploads_alone(storage_backend: str, company: Company) -> None:
    orphan_key = build_key(
        company_id=company.pk, kind="photo", original_name="in-flight.png", extension="png"
    )
    default_storage.save(orphan_key, io.BytesIO(png_bytes()))
    report = cleanup_storage()
    assert report.objects_removed == 0
    assert default_storage.exists(orphan_key)


def test_the_cleanup_task_reports(storage_backend: str, company: Company) -> None:
    from companies.tasks import cleanup_storage_task

    stored_png(company)
    assert cleanup_storage_task.delay().get()["objects_checked"] == 1


# --- API ----------------------------------------------------------------------------------------


def upload(
    client: APIClient, company: Company, content: bytes, name: str = "photo.png", kind: str = "photo"
) -> Any:
    return client.post(
        f"/api/v1/companies/{company.slug}/files/",
        {"file": io.BytesIO(content), "kind": kind},
        format="multipart",
    )


def test_api_upload_list_and_delete(
    storage_backend: str, api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    client = api_client_for(editor)
    response = upload(client, company, png_bytes())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["mime_type"], body["size"]) == ("photo", "image/png", len(png_bytes()))
    assert fetch(body["url"])[1] == png_bytes()
    assert client.get(f"/api/v1/companies/{company.slug}/files/?kind=photo").json()["count"] == 1
    assert client.get(f"/api/v1/companies/{company.slug}/storage/").json()["used_bytes"] == len(png_bytes())
    from django.test.testcases import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.delete(f"/api/v1/companies/{company.slug}/files/{body['id']}/").status_code == 204
    assert stored_objects() == []


def test_api_upload_over_quota_is_413_with_the_numbers(
    storage_backend: str, api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    company.storage_quota_bytes = 100
    company.save()
    response = upload(api_client_for(editor), company, png_bytes())
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "quota_exceeded"
    assert "of your 100\xa0bytes storage is left" in body["message"]
    assert stored_objects() == []


def test_api_upload_of_a_renamed_text_file_is_400(
    api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    response = upload(api_client_for(editor), company, b"hello, not a photo")
    assert response.status_code == 400
    assert "not an accepted type" in response.json()["errors"]["file"][0]


def test_api_refuses_by_the_announced_length_before_reading_the_body(
    api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    company.storage_quota_bytes = 1000
    company.save()
    response = api_client_for(editor).generic(
        "POST",
        f"/api/v1/companies/{company.slug}/files/",
        "--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024**2),
    )
    assert response.status_code == 413
    assert "needs 50.0\xa0MB" in response.json()["message"]


def test_api_refuses_generated_kinds_from_clients(
    api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    response = upload(api_client_for(editor), company, png_bytes(), kind="marker")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_api_refuses_files_over_the_size_limit(
    settings: Any, api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    settings.FILE_UPLOAD_MAX_BYTES = 50
    response = upload(api_client_for(editor), company, png_bytes())
    assert response.status_code == 413
    assert "at most 50" in response.json()["message"]


def test_the_storage_page_shows_usage(client: Client, company: Company, viewer: User) -> None:
    client.force_login(viewer)
    assert b"Nothing stored yet" in client.get(f"/c/{company.slug}/storage/").content
    stored_png(company)
    html = client.get(f"/c/{company.slug}/storage/").content.decode()
    assert "Largest files" in html
    assert "photo.png" in html


def test_the_company_api_reports_storage_used(
    api_client_for: Callable[[User], APIClient], company: Company, owner: User
) -> None:
    client = api_client_for(owner)
    assert client.get(f"/api/v1/companies/{company.slug}/").json()["storage_used_bytes"] == 0
    stored_png(company)
    detail = client.get(f"/api/v1/companies/{company.slug}/").json()
    assert detail["storage_used_bytes"] == len(png_bytes())
    listed = client.get("/api/v1/companies/").json()["results"][0]
    assert listed["storage_used_bytes"] == len(png_bytes())


def test_operators_see_stored_files_and_set_quotas_in_the_admin(client: Client, company: Company) -> None:
    stored = stored_png(company)
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    assert stored.key in client.get("/admin/companies/storedfile/").content.decode()
    form = client.get(f"/admin/companies/company/{company.pk}/change/")
    assert b'name="storage_quota_bytes"' in form.content


@pytest.mark.parametrize(
    "path",
    ["/files/\u00b2/x", "/files/1/photo/abc/x.png?expires=\u00b2&signature=a"],
)
def test_odd_digits_in_file_links_are_404(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_members_of_a_deactivated_company_cannot_fetch_its_files(
    client: Client, company: Company, owner: User
) -> None:
    stored = stored_png(company)
    client.force_login(owner)
    assert client.get(f"/files/{stored.key}").status_code == 200
    company.status = Company.Status.DEACTIVATED
    company.save()
    assert client.get(f"/files/{stored.key}").status_code == 404


def test_signed_links_stop_working_when_the_company_is_deactivated(client: Client, company: Company) -> None:
    url = file_url(stored_png(company).key)  # local storage: served by /files/ with its signature
    assert client.get(url).status_code == 200
    company.status = Company.Status.DEACTIVATED
    company.save()
    assert client.get(url).status_code == 404
    company.status = Company.Status.ACTIVE
    company.save()
    assert client.get(url).status_code == 200


def _png_declaring(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height: the signature and an IHDR chunk with a
    valid CRC, then an end chunk — tiny on disk, huge once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


@pytest.mark.parametrize(("width", "height"), [(20_000, 20_000), (8_000, 8_000)])
def test_an_image_declaring_too_many_pixels_is_refused_by_the_generic_endpoint(
    storage_backend: str,
    api_client_for: Callable[[User], APIClient],
    company: Company,
    editor: User,
    width: int,
    height: int,
) -> None:
    response = upload(api_client_for(editor), company, _png_declaring(width, height))
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["file"] == ["Images can have at most 60 megapixels."]
    with scopes_disabled():
        assert not StoredFile.objects.exists()
    assert stored_objects() == []


def test_an_image_that_cannot_be_read_is_refused(
    api_client_for: Callable[[User], APIClient], company: Company, editor: User
) -> None:
    broken = png_bytes()[:20]  # the signature and half a header
    response = upload(api_client_for(editor), company, broken)
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["file"] == ["This image is damaged or cannot be read."]
