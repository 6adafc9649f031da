"""S3 stopped under the running app (issue 18, item 3): a private SeaweedFS server is
stopped and started again on the same port and data. While it is away, uploads — a simple
file upload and a resumable part — answer 503 storage_unavailable with Retry-After and leave
nothing behind (no row, no quota used, the upload's offset unchanged); once it is back the
same requests succeed, without restarting anything."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from arvlite.core.testing.seaweed import SeaweedServer, start_seaweedfs
from arvlite.core.testing.storage import use_s3_storage
from companies.models import Company, StoredFile, User
from companies.tests.media import png_bytes
from videos.tests.test_uploads import send, start  # the tus requests as a client sends them

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def s3(settings: Any) -> Iterator[SeaweedServer]:
    server = start_seaweedfs(Path(tempfile.mkdtemp(prefix="arvlite-s3-down-")))
    use_s3_storage(settings, server)
    try:
        yield server
    finally:
        server.stop()


def _upload(client: APIClient, company: Company, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = SimpleUploadedFile(name, png_bytes(), content_type="image/png")
    return client.post(
        f"/api/v1/companies/{company.slug}/files/", {"file": photo, "kind": "photo"}, format="multipart"
    )


def _assert_storage_unavailable(response: Any) -> None:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["code"] == "storage_unavailable"
    assert set(body) >= {"status", "code", "message", "errors", "request_id"}


def test_uploads_answer_503_while_s3_is_away_and_succeed_once_it_is_back(
    s3: SeaweedServer,
    settings: Any,
    api_client_for: Callable[[User], APIClient],
    editor: User,
    company: Company,
) -> None:
    client = api_client_for(editor)
    assert _upload(client, company, "before.png").status_code == 201
    with company_scope(company):
        content: ARContent = make_content(company)
    location = start(client, content, 2048)
    used = client.get(f"/api/v1/companies/{company.slug}/storage/").json()["used_bytes"]
    with company_scope(company):
        files_before = StoredFile.objects.filter(company=company).count()

    port = int(s3.endpoint.rsplit(":", 1)[1])
    s3.stop(keep_workdir=True)
    try:
        _assert_storage_unavailable(_upload(client, company, "during.png"))
        _assert_storage_unavailable(send(client, location, 0, b"\0" * 1024))
        head = client.head(location, HTTP_TUS_RESUMABLE="1.0.0")
        assert head["Upload-Offset"] == "0"
        with company_scope(company):
            assert StoredFile.objects.filter(company=company).count() == files_before
        assert client.get(f"/api/v1/companies/{company.slug}/storage/").json()["used_bytes"] == used
        page = Client(raise_request_exception=False)
        page.force_login(editor)
        listing = page.get(f"/c/{company.slug}/")  # pages that only read rows still work
        assert listing.status_code == 200
    finally:
        back = start_seaweedfs(s3.workdir, s3_port=port, bucket=s3.bucket)
    try:
        assert back.endpoint == s3.endpoint
        assert _upload(client, company, "after.png").status_code == 201
        patched = send(client, location, 0, b"\0" * 1024)
        assert patched.status_code == 204, patched.content
        assert patched["Upload-Offset"] == "1024"
    finally:
        back.stop(keep_workdir=True)
