from __future__ import annotations

import pytest
from django.test import Client

from arvlite.core.tenancy import scopes_disabled
from companies.models import AuditEntry, Company, User
from companies.tests.factories import UserFactory
from projects.models import Project, ProjectTemplate
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client: Client) -> User:
    user = UserFactory(email="operator@arvlite.example.com", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _audit(action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action).order_by("id"))


def test_the_archive_action_archives_through_the_service(
    client: Client, operator: User, company: Company, other_company: Company
) -> None:
    mine = ProjectFactory(company=company, name="Wedding")
    theirs = ProjectFactory(company=other_company, name="Birthday", status=Project.Status.PAUSED)
    done = ProjectFactory(company=company, name="Old", status=Project.Status.ARCHIVED)
    response = client.post(
        "/admin/projects/project/",
        {"action": "archive_selected", "_selected_action": [mine.pk, theirs.pk, done.pk]},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2 projects archived." in html
    assert "Already archived, left as they are: Old." in html
    with scopes_disabled():
        assert set(Project.objects.values_list("status", flat=True)) == {Project.Status.ARCHIVED}
    entries = _audit("project.status")
    assert {(e.company_id, e.actor_id) for e in entries} == {
        (company.pk, operator.pk),
        (other_company.pk, operator.pk),
    }


def test_the_changelist_searches_across_companies(
    client: Client, operator: User, company: Company, other_company: Company
) -> None:
    ProjectFactory(company=company, name="Wedding", template=ProjectTemplateFactory(company=company))
    ProjectFactory(company=other_company, name="Birthday")
    html = client.get("/admin/projects/project/", {"q": "bob"}).content.decode()
    assert "Birthday" in html
    assert "Wedding" not in html
    assert client.get("/admin/projects/projecttemplate/").status_code == 200
    assert client.get("/admin/projects/project/add/").status_code == 403


def test_an_admin_edit_goes_through_the_service(client: Client, operator: User, company: Company) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    url = f"/admin/projects/project/{project.pk}/change/"
    assert client.get(url).status_code == 200
    data = {
        "name": "Wedding 2026",
        "description": "",
        "default_term_years": 1,
        "playback_mode": "cyclic",
        "qr_label_style": "standard",
        "notify_content_ready": "on",
        "notify_expiry": "on",
    }
    assert client.post(url, data).status_code == 302
    [entry] = _audit("project.update")
    assert entry.changes == {"name": ["Wedding", "Wedding 2026"]}
    duplicate = ProjectFactory(company=company, name="Birthday")
    response = client.post(
        f"/admin/projects/project/{duplicate.pk}/change/", {**data, "name": "WEDDING 2026"}
    )
    assert response.status_code == 200
    assert "A project with this name already exists in this company." in response.content.decode()


def test_an_archived_project_is_read_only_in_the_admin(
    client: Client, operator: User, company: Company
) -> None:
    project = ProjectFactory(company=company, name="Wedding", status=Project.Status.ARCHIVED)
    url = f"/admin/projects/project/{project.pk}/change/"
    assert 'name="name"' not in client.get(url).content.decode()
    assert client.post(url, {"name": "Renamed"}).status_code == 302
    with scopes_disabled():
        assert Project.objects.get(pk=project.pk).name == "Wedding"


def test_admin_deletes_are_audited(client: Client, operator: User, company: Company) -> None:
    projects = [ProjectFactory(company=company) for _ in range(3)]
    templates = [ProjectTemplateFactory(company=company) for _ in range(3)]
    client.post(f"/admin/projects/project/{projects[0].pk}/delete/", {"post": "yes"})
    client.post(f"/admin/projects/projecttemplate/{templates[0].pk}/delete/", {"post": "yes"})
    for model, rows in (("project", projects[1:]), ("projecttemplate", templates[1:])):
        client.post(
            f"/admin/projects/{model}/",
            {"action": "delete_selected", "_selected_action": [row.pk for row in rows], "post": "yes"},
        )
    with scopes_disabled():
        assert not Project.objects.exists()
        assert not ProjectTemplate.objects.exists()
    assert len(_audit("project.delete")) == 3
    assert len(_audit("project_template.delete")) == 3


def test_admin_template_add_and_change_go_through_the_services(
    client: Client, operator: User, company: Company
) -> None:
    data = {
        "company": company.pk,
        "name": "Square",
        "default_term_years": 2,
        "playback_mode": "cyclic",
        "qr_label_style": "standard",
        "print_width_cm": "20",
        "print_height_cm": "20",
    }
    assert client.post("/admin/projects/projecttemplate/add/", data).status_code == 302
    with scopes_disabled():
        template = ProjectTemplate.objects.get(name="Square")
    assert template.company == company
    change = {key: value for key, value in data.items() if key != "company"}
    response = client.post(
        f"/admin/projects/projecttemplate/{template.pk}/change/", {**change, "name": "Square 20"}
    )
    assert response.status_code == 302
    assert [e.action for e in _audit("project_template.create") + _audit("project_template.update")] == [
        "project_template.create",
        "project_template.update",
    ]
