from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.models import AuditEntry, Company, User
from companies.tests.factories import api_key_client
from projects.models import Project, ProjectTemplate
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory

pytestmark = pytest.mark.django_db
Clients = Callable[[User], APIClient]
BASE = "/api/v1/companies/alice-photo"


@pytest.fixture
def as_editor(api_client_for: Clients, editor: User) -> APIClient:
    return api_client_for(editor)


def _names(body: dict[str, Any]) -> list[str]:
    return [row["name"] for row in body["results"]]


# --- reading ------------------------------------------------------------------------------


def test_it_lists_the_companys_projects_with_their_content_count(
    as_editor: APIClient, company: Company, other_company: Company
) -> None:
    template = ProjectTemplateFactory(company=company, name="A4")
    ProjectFactory(company=company, name="Wedding", template=template)
    ProjectFactory(company=other_company, name="Secret")
    body = as_editor.get(f"{BASE}/projects/").json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["name"] == "Wedding"
    assert row["content_count"] == 0
    assert row["template"] == template.pk
    assert row["template_name"] == "A4"
    assert row["status"] == "active"
    assert row["is_read_only"] is False


def test_it_filters_by_status_searches_and_orders(as_editor: APIClient, company: Company) -> None:
    ProjectFactory(company=company, name="Birthday", description="for Anna")
    ProjectFactory(company=company, name="Wedding", status=Project.Status.PAUSED)
    ProjectFactory(company=company, name="Anniversary", status=Project.Status.ARCHIVED)
    url = f"{BASE}/projects/"
    assert _names(as_editor.get(url).json()) == ["Anniversary", "Birthday", "Wedding"]
    assert _names(as_editor.get(url, {"status": "paused"}).json()) == ["Wedding"]
    assert _names(as_editor.get(url, {"search": "anna"}).json()) == ["Birthday"]
    assert _names(as_editor.get(url, {"search": "wed"}).json()) == ["Wedding"]
    assert _names(as_editor.get(url, {"ordering": "-name"}).json()) == ["Wedding", "Birthday", "Anniversary"]
    assert _names(as_editor.get(url, {"ordering": "-created_at"}).json())[0] == "Anniversary"


def test_an_unknown_status_filter_is_a_400(as_editor: APIClient, company: Company) -> None:
    response = as_editor.get(f"{BASE}/projects/", {"status": "deleted"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_it_paginates_projects(as_editor: APIClient, company: Company) -> None:
    for n in range(5):
        ProjectFactory(company=company, name=f"Project {n}")
    page = as_editor.get(f"{BASE}/projects/", {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5
    assert _names(page) == ["Project 2", "Project 3"]
    assert page["next"]
    assert page["previous"]


def test_the_project_list_runs_a_fixed_number_of_queries(
    as_editor: APIClient, company: Company, editor: User
) -> None:
    url = f"{BASE}/projects/"
    template = ProjectTemplateFactory(company=company)
    ProjectFactory(company=company, template=template, created_by=editor)
    as_editor.get(url)
    with CaptureQueriesContext(connection) as one:
        assert as_editor.get(url).json()["count"] == 1
    for _ in range(9):
        ProjectFactory(company=company, template=ProjectTemplateFactory(company=company), created_by=editor)
    with CaptureQueriesContext(connection) as ten:
        assert as_editor.get(url).json()["count"] == 10
    # Today: user, membership, count, and one page of rows with template and creator joined.
    assert len(ten) == len(one)


def test_it_shows_one_project(as_editor: APIClient, company: Company, editor: User) -> None:
    project = ProjectFactory(company=company, name="Wedding", created_by=editor)
    body = as_editor.get(f"{BASE}/projects/{project.pk}/").json()
    assert body["id"] == project.pk
    assert body["created_by_email"] == "editor@alice.example.com"
    assert body["content_count"] == 0


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("patch", "", {"name": "Mine now"}),
        ("delete", "", None),
        ("post", "status/", {"status": "paused"}),
        ("post", "save-as-template/", {"name": "Stolen"}),
    ],
)
def test_another_companys_project_is_not_found(
    api_client_for: Clients,
    owner: User,
    other_company: Company,
    method: str,
    suffix: str,
    payload: dict[str, str] | None,
) -> None:
    foreign = ProjectFactory(company=other_company, name="Secret")
    response = getattr(api_client_for(owner), method)(f"{BASE}/projects/{foreign.pk}/{suffix}", payload)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    with company_scope(other_company):
        foreign.refresh_from_db()
        assert foreign.name == "Secret"
        assert foreign.status == Project.Status.ACTIVE
        assert not ProjectTemplate.objects.exists()


# --- writing ------------------------------------------------------------------------------


def test_an_editor_creates_a_project_from_a_template(
    as_editor: APIClient, company: Company, editor: User
) -> None:
    template = ProjectTemplateFactory(company=company, default_term_years=5, qr_label_style="branded")
    response = as_editor.post(
        f"{BASE}/projects/", {"name": "Wedding", "description": "June", "template": template.pk}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Wedding"
    assert body["default_term_years"] == 5
    assert body["qr_label_style"] == "branded"
    assert body["content_count"] == 0
    assert body["created_by_email"] == editor.email
    with company_scope(company):
        assert AuditEntry.objects.get(action="project.create").target_id == str(body["id"])


def test_another_companys_template_is_an_unknown_template(
    as_editor: APIClient, company: Company, other_company: Company
) -> None:
    foreign = ProjectTemplateFactory(company=other_company)
    for template in (foreign.pk, 999_999, "abc"):
        response = as_editor.post(f"{BASE}/projects/", {"name": "Wedding", "template": template})
        assert response.status_code == 400
        assert response.json()["errors"] == {"template": ["Unknown template."]}


def test_bad_input_answers_the_documented_error_body(as_editor: APIClient, company: Company) -> None:
    response = as_editor.post(f"{BASE}/projects/", {"description": 5 * "x"})
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400
    assert body["code"] == "validation_error"
    assert body["errors"] == {"name": ["This field is required."]}
    assert body["message"] == "The request has invalid fields: name."
    assert body["request_id"]


def test_a_duplicate_name_is_a_400_on_the_name_field(as_editor: APIClient, company: Company) -> None:
    ProjectFactory(company=company, name="Wedding")
    response = as_editor.post(f"{BASE}/projects/", {"name": "WEDDING"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["A project with this name already exists in this company."]}


def test_an_editor_changes_a_project(as_editor: APIClient, company: Company) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    response = as_editor.patch(
        f"{BASE}/projects/{project.pk}/",
        {"description": "June", "print_width_cm": "20.5", "print_height_cm": "30", "default_term_years": 3},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["description"] == "June"
    assert body["print_width_cm"] == "20.50"
    assert body["default_term_years"] == 3
    assert body["name"] == "Wedding"


def test_out_of_range_defaults_are_field_errors(as_editor: APIClient, company: Company) -> None:
    project = ProjectFactory(company=company)
    response = as_editor.patch(
        f"{BASE}/projects/{project.pk}/",
        {"default_term_years": 26, "print_width_cm": "0.5", "playback_mode": "shuffle"},
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"default_term_years", "print_width_cm", "playback_mode"}


def test_half_a_print_size_is_a_field_error(as_editor: APIClient, company: Company) -> None:
    project = ProjectFactory(company=company)
    response = as_editor.patch(f"{BASE}/projects/{project.pk}/", {"print_width_cm": "20"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["print_height_cm"]


def test_an_archived_project_cannot_be_changed(as_editor: APIClient, company: Company) -> None:
    project = ProjectFactory(company=company, status=Project.Status.ARCHIVED, name="Wedding")
    response = as_editor.patch(f"{BASE}/projects/{project.pk}/", {"name": "Renamed"})
    assert response.status_code == 400
    body = response.json()
    assert body["errors"] == {"non_field_errors": ["Archived projects are read-only."]}
    assert body["message"] == "Archived projects are read-only."


def test_status_moves_through_the_lifecycle(as_editor: APIClient, company: Company) -> None:
    project = ProjectFactory(company=company)
    url = f"{BASE}/projects/{project.pk}/status/"
    assert as_editor.post(url, {"status": "paused"}).json()["status"] == "paused"
    assert as_editor.post(url, {"status": "archived"}).json()["is_read_only"] is True
    refused = as_editor.post(url, {"status": "paused"})
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"status": ["A project cannot go from archived to paused."]}
    assert as_editor.post(url, {"status": "active"}).json()["status"] == "active"
    assert as_editor.post(url, {"status": "gone"}).status_code == 400


def test_save_as_template_answers_the_new_template(as_editor: APIClient, company: Company) -> None:
    project = ProjectFactory(company=company, default_term_years=9)
    response = as_editor.post(f"{BASE}/projects/{project.pk}/save-as-template/", {"name": "Nine years"})
    assert response.status_code == 201
    assert response.json()["name"] == "Nine years"
    assert response.json()["default_term_years"] == 9
    again = as_editor.post(f"{BASE}/projects/{project.pk}/save-as-template/", {"name": "nine YEARS"})
    assert again.status_code == 400
    assert list(again.json()["errors"]) == ["name"]


def test_viewers_cannot_write(api_client_for: Clients, company: Company, viewer: User) -> None:
    client = api_client_for(viewer)
    project = ProjectFactory(company=company, name="Wedding")
    assert client.post(f"{BASE}/projects/", {"name": "New"}).status_code == 403
    assert client.patch(f"{BASE}/projects/{project.pk}/", {"name": "X"}).status_code == 403
    assert client.post(f"{BASE}/projects/{project.pk}/status/", {"status": "paused"}).status_code == 403
    assert client.post(f"{BASE}/project-templates/", {"name": "T"}).status_code == 403
    response = client.delete(f"{BASE}/projects/{project.pk}/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_editors_cannot_delete_but_managers_can(api_client_for: Clients, editor: User, manager: User) -> None:
    project = ProjectFactory(company=editor.memberships.get().company)
    url = f"{BASE}/projects/{project.pk}/"
    assert api_client_for(editor).delete(url).status_code == 403
    assert api_client_for(manager).delete(url).status_code == 204
    assert api_client_for(manager).get(url).status_code == 404


# --- templates ----------------------------------------------------------------------------


def test_templates_can_be_created_listed_changed_and_deleted(
    api_client_for: Clients, company: Company, other_company: Company, editor: User, manager: User
) -> None:
    company.default_term_years = 2
    company.save()
    ProjectTemplateFactory(company=other_company, name="Secret")
    client = api_client_for(editor)
    created = client.post(
        f"{BASE}/project-templates/",
        {"name": "Square", "print_width_cm": "20", "print_height_cm": "20", "playback_mode": "sequential"},
    )
    assert created.status_code == 201
    template = created.json()
    assert template["default_term_years"] == 2
    assert template["notify_expiry"] is True
    listing = client.get(f"{BASE}/project-templates/").json()
    assert _names(listing) == ["Square"]
    url = f"{BASE}/project-templates/{template['id']}/"
    changed = client.patch(url, {"notify_expiry": False, "name": "Square 20"})
    assert changed.status_code == 200
    assert changed.json()["notify_expiry"] is False
    assert client.get(url).json()["name"] == "Square 20"
    assert client.delete(url).status_code == 403
    assert api_client_for(manager).delete(url).status_code == 204


def test_template_input_errors_are_field_errors(as_editor: APIClient, company: Company) -> None:
    ProjectTemplateFactory(company=company, name="Square")
    duplicate = as_editor.post(f"{BASE}/project-templates/", {"name": "square"})
    assert duplicate.status_code == 400
    assert duplicate.json()["errors"] == {
        "name": ["A template with this name already exists in this company."]
    }
    bad = as_editor.post(f"{BASE}/project-templates/", {"name": "Zero", "default_term_years": 0})
    assert bad.status_code == 400
    assert list(bad.json()["errors"]) == ["default_term_years"]


def test_another_companys_template_is_not_found(
    api_client_for: Clients, owner: User, other_company: Company
) -> None:
    foreign = ProjectTemplateFactory(company=other_company)
    client = api_client_for(owner)
    url = f"{BASE}/project-templates/{foreign.pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "Mine"}).status_code == 404
    assert client.delete(url).status_code == 404


def test_the_schema_documents_every_project_endpoint_with_its_shapes(client: Client) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    prefix = "/api/v1/companies/{company_slug}"
    expected = {
        f"{prefix}/projects/": {"get", "post"},
        f"{prefix}/projects/{{id}}/": {"get", "patch", "delete"},
        f"{prefix}/projects/{{id}}/status/": {"post"},
        f"{prefix}/projects/{{id}}/save-as-template/": {"post"},
        f"{prefix}/project-templates/": {"get", "post"},
        f"{prefix}/project-templates/{{id}}/": {"get", "patch", "delete"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) >= methods, path
        for method in methods & {"post", "patch"}:
            assert "requestBody" in paths[path][method], (path, method)
    list_parameters = {p["name"] for p in paths[f"{prefix}/projects/"]["get"]["parameters"]}
    assert {"search", "status", "ordering", "page", "page_size"} <= list_parameters
    project = schema["components"]["schemas"]["Project"]["properties"]
    assert "content_count" in project
    status = paths[f"{prefix}/projects/{{id}}/status/"]["post"]
    assert status["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Project"
    }


def test_an_api_key_creates_projects_without_a_creator(company: Company) -> None:
    response = api_key_client(company, Role.EDITOR).post(
        f"/api/v1/companies/{company.slug}/projects/", {"name": "Lab orders"}
    )
    assert response.status_code == 201, response.content
    with company_scope(company):
        created = Project.objects.get(pk=response.json()["id"])
    assert created.name == "Lab orders"
    assert created.created_by is None  # a key is not a person
