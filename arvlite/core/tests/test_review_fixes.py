"""Regression tests for defects found in review: API-key actors, files of deleted
content's videos, memory-safe size checks, quota of open uploads, and bad input that used
to answer 500."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.test.testcases import TestCase
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import Company, StoredFile, User
from companies.tests.factories import make_api_key
from videos.tests.factories import make_video

pytestmark = pytest.mark.django_db


def key_client(company: Company, role: str = Role.MANAGER) -> APIClient:
    _, secret = make_api_key(company, role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


@pytest.fixture
def content(company: Company) -> ARContent:
    with company_scope(company):
        return make_content(company)


def test_an_api_key_creates_projects_without_a_creator(company: Company) -> None:
    response = key_client(company, Role.EDITOR).post(
        f"/api/v1/companies/{company.slug}/projects/", {"name": "Lab orders"}
    )
    assert response.status_code == 201, response.content


def test_an_api_key_cannot_mint_keys(company: Company) -> None:
    response = key_client(company).post(
        f"/api/v1/companies/{company.slug}/api-keys/", {"name": "x", "role": "viewer"}
    )
    assert response.status_code == 403


def test_only_a_person_can_accept_a_similar_marker(company: Company, content: ARContent) -> None:
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/override/"
    response = key_client(company, Role.EDITOR).post(url, {"what": "similar"})
    assert response.status_code == 403
    assert "API keys cannot" in response.json()["message"]


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
    with scopes_disabled():
        assert not StoredFile.objects.filter(pk=original).exists()


def test_photo_checks_refuse_oversized_uploads_before_reading(
    settings: Any, api_client_for: Callable[[User], APIClient], company: Company, viewer: User
) -> None:
    settings.PHOTO_MAX_BYTES = 1000
    client = api_client_for(viewer)
    announced = client.generic(
        "POST", "/api/v1/photo-analysis/", "--x--", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10**9),
    )  # fmt: skip
    assert announced.status_code == 400
    from arcontent.tests.photos import textured_jpeg

    actual = client.post(
        "/api/v1/photo-analysis/", {"photo": io.BytesIO(textured_jpeg())}, format="multipart"
    )
    assert actual.status_code == 400
    assert "larger than" in actual.json()["errors"]["photo"][0]


def test_open_uploads_count_against_the_quota(
    api_client_for: Callable[[User], APIClient], company: Company, content: ARContent, editor: User
) -> None:
    company.storage_quota_bytes = 10**7 + sum(
        StoredFile.objects.with_scopes_disabled().filter(company=company).values_list("size", flat=True)
    )
    company.save()
    client = api_client_for(editor)
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/uploads/"
    headers: dict[str, Any] = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_UPLOAD_LENGTH": str(6 * 10**6)}
    assert client.post(url, **headers).status_code == 201
    assert client.post(url, **headers).status_code == 413  # the first upload's bytes are promised


@pytest.mark.parametrize(
    "path",
    ["/files/\u00b2/x", "/files/1/photo/abc/x.png?expires=\u00b2&signature=a"],
)
def test_odd_digits_in_file_links_are_404(client: Client, path: str) -> None:
    assert client.get(path).status_code == 404


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
    assert client.get(f"/c/{company.slug}/content/?project=\u00b2").status_code == 200
    with company_scope(company):
        clip = make_video(content)
        window = content.video_schedules.create(
            company=company, video=clip, starts_at="2026-12-01T10:00Z", ends_at="2026-12-02T10:00Z"
        )
    listed = api.patch(f"{base}videos/{clip.pk}/schedules/{window.pk}/", [1, 2], format="json")
    assert listed.status_code == 400


def test_an_invitation_revoked_after_the_link_was_checked_is_refused(company: Company, owner: User) -> None:
    from django.core.exceptions import ValidationError

    from companies import invitations
    from companies.tests.factories import InvitationFactory, UserFactory

    invitation = InvitationFactory(company=company, email="late@example.com")
    token = invitations.invitation_token(invitation)
    checked = invitations.invitation_from_token(token)
    invitations.invitation_revoke(invitation=checked, actor=owner)
    with pytest.raises(ValidationError, match="no longer valid"):
        invitations.invitation_accept(token=token, user=UserFactory(email="late@example.com"))


def test_members_of_a_deactivated_company_cannot_fetch_its_files(
    client: Client, company: Company, owner: User
) -> None:
    from companies.tests.media import stored_png

    stored = stored_png(company)
    client.force_login(owner)
    assert client.get(f"/files/{stored.key}").status_code == 200
    company.status = Company.Status.DEACTIVATED
    company.save()
    assert client.get(f"/files/{stored.key}").status_code == 404
