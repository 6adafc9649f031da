"""Portal pages for AR content (the browser test covers the JavaScript side)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.test.testcases import TestCase

from arcontent.models import ARContent
from arcontent.tests.factories import make_content, publishable
from arcontent.tests.photos import textured_jpeg
from arvlite.core.tenancy import company_scope
from companies.models import Company, User
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def form(project_id: int, photo: bytes, **extra: Any) -> dict[str, Any]:
    upload = io.BytesIO(photo)
    upload.name = "photo.jpg"
    return {"project": project_id, "photo": upload, "print_width_cm": "15", "print_height_cm": "10",
            "term_years": 1, **extra}  # fmt: skip


def test_the_list_shows_an_empty_state_then_tiles_and_filters(
    client: Client, company: Company, viewer: User
) -> None:
    client.force_login(viewer)
    assert b"No AR content yet" in client.get(f"/c/{company.slug}/content/").content
    make_content(company, customer_name="Maria")
    make_content(company, status=ARContent.Status.DRAFT, customer_name="Boris")
    page = client.get(f"/c/{company.slug}/content/?status=draft").content.decode()
    assert "Boris" in page
    assert "Maria" not in page
    assert "New content" not in page  # viewers create nothing


def test_create_without_javascript_redirects_to_the_detail_page(
    client: Client, company: Company, editor: User
) -> None:
    client.force_login(editor)
    project = ProjectFactory(company=company)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(f"/c/{company.slug}/content/new/", form(project.pk, textured_jpeg()))
    assert response.status_code == 302
    with company_scope(company):
        content = ARContent.objects.get()
    assert response["Location"] == f"/c/{company.slug}/content/{content.unique_id}/"
    page = client.get(response["Location"]).content.decode()
    assert content.order_number in page
    assert 'data-status="ready"' in page


def test_create_with_javascript_gets_json_errors(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    project = ProjectFactory(company=company)
    response = client.post(
        f"/c/{company.slug}/content/new/",
        form(project.pk, b"not a photo", print_width_cm="0"),
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "print_width_cm" in errors


def test_a_bad_photo_is_explained_on_the_form(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    project = ProjectFactory(company=company)
    response = client.post(f"/c/{company.slug}/content/new/", form(project.pk, b"GIF89a" + b"\0" * 100))
    assert response.status_code == 400
    assert b"not supported" in response.content


def test_the_status_card_asks_for_a_reload_when_the_status_changed(
    client: Client, company: Company, viewer: User
) -> None:
    client.force_login(viewer)
    content = make_content(company)
    url = f"/c/{company.slug}/content/{content.unique_id}/status/"
    assert client.get(f"{url}?was=processing")["HX-Refresh"] == "true"
    assert "HX-Refresh" not in client.get(f"{url}?was=ready")


def test_actions_and_their_refusals_show_as_messages(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    content = publishable(company)
    base = f"/c/{company.slug}/content/{content.unique_id}"
    page = client.post(f"{base}/publish/", follow=True).content.decode()
    assert "Published: scans now play the video." in page
    page = client.post(f"{base}/publish/", follow=True).content.decode()
    assert "Published" in page
    page = client.post(f"{base}/resume/", follow=True).content.decode()
    assert "cannot be resumed" in page


def test_the_edit_page_saves_and_validates(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    content = make_content(company)
    url = f"/c/{company.slug}/content/{content.unique_id}/edit/"
    fields = {"print_width_cm": "20", "print_height_cm": "15", "term_years": 2, "customer_name": "Olga",
              "customer_phone": "", "customer_email": ""}  # fmt: skip
    assert client.post(url, fields).status_code == 302
    content.refresh_from_db()
    assert (str(content.print_width_cm), content.term_years, content.customer_name) == ("20.00", 2, "Olga")
    bad = client.post(url, {**fields, "customer_phone": "123"})
    assert bad.status_code == 400
    assert b"valid phone number" in bad.content


def test_the_admin_lists_content_with_thumbnails_and_runs_actions(client: Client, company: Company) -> None:
    content = publishable(company)
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    assert content.order_number in client.get("/admin/arcontent/arcontent/").content.decode()
    client.post("/admin/arcontent/arcontent/", {"action": "publish", "_selected_action": [content.pk]})
    client.post("/admin/arcontent/arcontent/", {"action": "expire", "_selected_action": [content.pk]})
    content.refresh_from_db()
    assert content.status == ARContent.Status.EXPIRED


def test_an_odd_project_filter_is_not_500(client: Client, company: Company, editor: User) -> None:
    client.force_login(editor)
    assert client.get(f"/c/{company.slug}/content/?project=\u00b2").status_code == 200
