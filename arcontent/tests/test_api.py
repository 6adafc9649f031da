"""AR content through the API: create, list, actions, files, and the stateless check."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.test.testcases import TestCase
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader
from rest_framework.test import APIClient

from arcontent.models import ARContent
from arcontent.tests.factories import make_content, publishable
from arcontent.tests.photos import flat_jpeg, textured_jpeg
from arvlite.core.roles import Role
from arvlite.core.tenancy import scopes_disabled
from companies.models import Company, StoredFile, User
from companies.tests.factories import api_key_client
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]
MM = 72 / 25.4


def base(company: Company) -> str:
    return f"/api/v1/companies/{company.slug}/ar-content/"


def create(client: APIClient, company: Company, photo: bytes, **fields: Any) -> Any:
    project = fields.pop("project", None) or ProjectFactory(company=company)
    data = {
        "project": project.pk,
        "photo": io.BytesIO(photo),
        "print_width_cm": "15",
        "print_height_cm": "10",
        **fields,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(base(company), data, format="multipart")


def test_create_processes_the_photo_and_answers_with_the_content(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    client = api_client_for(editor)
    response = create(
        client, company, textured_jpeg(), customer_name="Anna", customer_email="Anna@Example.com"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "processing"  # the answer is made before the pipeline runs
    assert body["public_url"] == f"{settings.PUBLIC_URL}/view/{body['unique_id']}"
    detail = client.get(f"{base(company)}{body['unique_id']}/").json()
    assert detail["status"] == "ready"
    assert detail["analysis"]["level"] == "good"
    assert detail["customer_email"] == "anna@example.com"
    assert detail["files"]["thumbnail_150x112"].startswith("http")
    # Nothing in the photo blocks it; what is left is the video to play.
    assert detail["publish_blockers"] == [
        "Add a video before publishing: it is what a scan of the print plays."
    ]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"print_width_cm": "0"}, "print_width_cm"),
        ({"print_height_cm": "500"}, "print_height_cm"),
        ({"customer_email": "not-an-email"}, "customer_email"),
        ({"customer_phone": "12"}, "customer_phone"),
        ({"term_years": 40}, "term_years"),
    ],
)
def test_bad_fields_are_400_with_nothing_stored(
    api_client_for: Clients, company: Company, editor: User, fields: dict[str, Any], field: str
) -> None:
    response = create(api_client_for(editor), company, textured_jpeg(), **fields)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    with scopes_disabled():
        assert not StoredFile.objects.exists()


def test_a_renamed_text_file_is_400(api_client_for: Clients, company: Company, editor: User) -> None:
    response = create(api_client_for(editor), company, b"I am not a photo at all")
    assert response.status_code == 400
    assert "photo" in response.json()["errors"]


def test_another_companys_project_is_refused(
    api_client_for: Clients, company: Company, other_company: Company, editor: User
) -> None:
    response = create(
        api_client_for(editor), company, textured_jpeg(), project=ProjectFactory(company=other_company)
    )
    assert response.status_code == 400
    assert response.json()["errors"]["project"] == ["Unknown project."]


def test_list_filters_searches_and_keeps_its_query_count(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    project = ProjectFactory(company=company)
    make_content(company, project=project, customer_name="Maria Ivanova")
    make_content(company, status=ARContent.Status.DRAFT)
    client = api_client_for(viewer)
    assert client.get(base(company)).json()["count"] == 2
    assert client.get(f"{base(company)}?status=draft").json()["count"] == 1
    assert client.get(f"{base(company)}?project={project.pk}").json()["count"] == 1
    found = client.get(f"{base(company)}?search=ivanova").json()
    assert [c["customer_name"] for c in found["results"]] == ["Maria Ivanova"]
    with CaptureQueriesContext(connection) as few:
        client.get(base(company))
    for _ in range(5):
        make_content(company, project=project)
    with CaptureQueriesContext(connection) as many:
        client.get(base(company))
    assert len(many) == len(few)


def test_another_companys_content_is_404(
    api_client_for: Clients, company: Company, other_company: Company, owner: User
) -> None:
    theirs = make_content(other_company)
    client = api_client_for(owner)
    assert client.get(f"{base(company)}{theirs.unique_id}/").status_code == 404
    assert client.get(f"{base(other_company)}{theirs.unique_id}/").status_code == 404
    assert client.post(f"{base(company)}{theirs.unique_id}/publish/").status_code == 404


def test_workflow_actions(api_client_for: Clients, company: Company, editor: User) -> None:
    content = publishable(company)
    client = api_client_for(editor)
    url = f"{base(company)}{content.unique_id}/"
    assert client.post(f"{url}publish/").json()["status"] == "active"
    assert client.post(f"{url}pause/").json()["status"] == "paused"
    again = client.post(f"{url}pause/")
    assert again.status_code == 400
    assert "cannot be paused" in again.json()["message"]
    assert client.post(f"{url}resume/").json()["status"] == "active"
    renewed = client.post(f"{url}renew/", {"years": 2}).json()
    assert renewed["expires_at"] > content.created_at.isoformat()
    assert client.post(f"{url}renew/", {"years": 99}).status_code == 400
    assert client.delete(url).status_code == 403  # editors cannot delete
    assert client.post(f"{url}archive/").json()["status"] == "archived"


def test_publishing_a_poor_marker_explains_why_and_override_unblocks(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    content = publishable(company, analysis={"score": 10, "level": "poor", "recommendations": []})
    client = api_client_for(editor)
    url = f"{base(company)}{content.unique_id}/"
    refused = client.post(f"{url}publish/")
    assert refused.status_code == 400
    assert "hard to recognise" in refused.json()["message"]
    assert client.post(f"{url}override/", {"what": "quality"}).status_code == 200
    assert client.post(f"{url}publish/").json()["status"] == "active"


def test_the_qr_png_decodes_to_the_public_url(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    content = make_content(company)
    response = api_client_for(viewer).get(f"{base(company)}{content.unique_id}/qr.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    image = cv2.imdecode(np.frombuffer(response.content, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert image is not None, "not a PNG"
    decoded, _, _ = cv2.QRCodeDetectorAruco().detectAndDecode(image)
    assert decoded == f"{settings.PUBLIC_URL}/view/{content.unique_id}"


def test_the_qr_svg_is_vector(api_client_for: Clients, company: Company, viewer: User) -> None:
    content = make_content(company)
    svg = api_client_for(viewer).get(f"{base(company)}{content.unique_id}/qr.svg").content
    assert b"<path" in svg
    assert b"<image" not in svg


@pytest.mark.parametrize(
    ("style", "shows_company", "label_in_brand_colour"),
    [("standard", True, False), ("branded", True, True), ("minimal", False, False)],
)
def test_the_label_is_printed_in_the_project_label_style(
    api_client_for: Clients, company: Company, viewer: User, style: str, shows_company: bool,
    label_in_brand_colour: bool,
) -> None:  # fmt: skip
    from arcontent.printing.tests.pdfs import filled_rectangles_mm

    company.brand_color = "#ff8800"
    company.save(update_fields=["brand_color"])
    content = make_content(company, project=ProjectFactory(company=company, qr_label_style=style))

    answer = api_client_for(viewer).get(f"{base(company)}{content.unique_id}/label.pdf")

    page = PdfReader(io.BytesIO(answer.content)).pages[0]
    text = page.extract_text()
    assert content.order_number in text
    assert (company.name in text) is shows_company
    whole_label = [
        (round(w), round(h)) for colour, w, h in filled_rectangles_mm(page) if colour == (1.0, 0.533, 0.0)
    ]
    assert ((70, 50) in whole_label) is label_in_brand_colour


def test_the_label_and_print_sheet_pdfs_have_their_page_sizes(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    from arcontent.tests.photos import textured_jpeg as photo
    from companies.files import stored_file_create

    marker = stored_file_create(company=company, kind="marker", content=io.BytesIO(photo(size=(1024, 683))))
    content = make_content(company, marker=marker)
    client = api_client_for(viewer)
    label = PdfReader(io.BytesIO(client.get(f"{base(company)}{content.unique_id}/label.pdf").content))
    box = label.pages[0].mediabox
    assert (round(float(box.width) / MM), round(float(box.height) / MM)) == (70, 50)
    assert content.order_number in label.pages[0].extract_text()
    sheet = PdfReader(io.BytesIO(client.get(f"{base(company)}{content.unique_id}/print-sheet.pdf").content))
    box = sheet.pages[0].mediabox
    assert sorted((round(float(box.width) / MM), round(float(box.height) / MM))) == [210, 297]


def test_the_export_pack_has_the_files_and_a_page(
    api_client_for: Clients, company: Company, viewer: User
) -> None:
    content = make_content(company)
    response = api_client_for(viewer).get(f"{base(company)}{content.unique_id}/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.getvalue()))
    names = set(archive.namelist())
    assert {"photo.png", "marker.jpg", "qr.png", "qr.svg", "index.html"} <= names
    assert content.order_number in archive.read("index.html").decode()


def test_photo_analysis_is_stateless(api_client_for: Clients, company: Company, viewer: User) -> None:
    client = api_client_for(viewer)
    good = client.post("/api/v1/photo-analysis/", {"photo": io.BytesIO(textured_jpeg())}, format="multipart")
    assert good.status_code == 200
    assert good.json()["level"] == "good"
    poor = client.post(
        "/api/v1/photo-analysis/", {"photo": io.BytesIO(flat_jpeg())}, format="multipart"
    ).json()
    assert poor["level"] == "poor"
    assert poor["score"] < good.json()["score"]
    bad = client.post("/api/v1/photo-analysis/", {"photo": io.BytesIO(b"nope")}, format="multipart")
    assert bad.status_code == 400
    with scopes_disabled():
        assert not StoredFile.objects.exists()


def test_the_print_size_and_term_default_to_the_projects(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    from decimal import Decimal

    project = ProjectFactory(company=company, print_width_cm=Decimal("20"), print_height_cm=Decimal("30"))
    project.default_term_years = 3
    project.save()
    data = {"project": project.pk, "photo": io.BytesIO(textured_jpeg())}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_client_for(editor).post(base(company), data, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["print_width_cm"], body["print_height_cm"], body["term_years"]) == ("20.00", "30.00", 3)


def test_without_a_print_size_anywhere_the_answer_says_so(
    api_client_for: Clients, company: Company, editor: User
) -> None:
    data = {"project": ProjectFactory(company=company).pk, "photo": io.BytesIO(textured_jpeg())}
    response = api_client_for(editor).post(base(company), data, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"]["print_width_cm"] == ["Give the print size: the project has no default."]
    with scopes_disabled():
        assert not StoredFile.objects.exists()


def test_only_a_person_can_accept_a_similar_marker(company: Company) -> None:
    content = make_content(company)
    url = f"/api/v1/companies/{company.slug}/ar-content/{content.unique_id}/override/"
    response = api_key_client(company, Role.EDITOR).post(url, {"what": "similar"})
    assert response.status_code == 403
    assert "API keys cannot" in response.json()["message"]


def test_photo_checks_refuse_oversized_uploads_before_reading(
    settings: Any, api_client_for: Clients, company: Company, viewer: User
) -> None:
    settings.PHOTO_MAX_BYTES = 1000
    client = api_client_for(viewer)
    announced = client.generic(
        "POST", "/api/v1/photo-analysis/", "--x--", content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(10**9),
    )  # fmt: skip
    assert announced.status_code == 400
    actual = client.post(
        "/api/v1/photo-analysis/", {"photo": io.BytesIO(textured_jpeg())}, format="multipart"
    )
    assert actual.status_code == 400
    assert "larger than" in actual.json()["errors"]["photo"][0]
