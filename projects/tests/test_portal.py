from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.models import AuditEntry, Company, User
from projects.models import Project, ProjectTemplate
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory

pytestmark = pytest.mark.django_db
BASE = "/c/alice-photo"


@pytest.fixture
def as_editor(client: Client, editor: User) -> Client:
    client.force_login(editor)
    return client


@pytest.fixture
def as_viewer(client: Client, viewer: User) -> Client:
    client.force_login(viewer)
    return client


def _project(pk: int) -> Project:
    with scopes_disabled():
        return Project.objects.get(pk=pk)


# --- list ---------------------------------------------------------------------------------


def test_the_list_shows_projects_with_their_content_count(
    as_editor: Client, company: Company, other_company: Company
) -> None:
    ProjectFactory(company=company, name="Wedding")
    ProjectFactory(company=other_company, name="Secret")
    html = as_editor.get(f"{BASE}/projects/").content.decode()
    assert "Wedding" in html
    assert "Secret" not in html
    assert 'data-testid="content-count">0<' in html
    assert 'data-testid="new-project"' in html


def test_the_list_filters_by_status_and_search(as_editor: Client, company: Company) -> None:
    ProjectFactory(company=company, name="Wedding", status=Project.Status.PAUSED)
    ProjectFactory(company=company, name="Birthday", description="for Anna")
    paused = as_editor.get(f"{BASE}/projects/", {"status": "paused"}).content.decode()
    assert "Wedding" in paused
    assert "Birthday" not in paused
    found = as_editor.get(f"{BASE}/projects/", {"search": "anna"}).content.decode()
    assert "Birthday" in found
    assert "Wedding" not in found
    nothing = as_editor.get(f"{BASE}/projects/", {"search": "zzz"}).content.decode()
    assert 'data-testid="no-match"' in nothing
    assert 'data-testid="empty-state"' not in nothing


def test_an_unknown_status_filter_shows_no_rows_and_no_error(as_editor: Client, company: Company) -> None:
    ProjectFactory(company=company, name="Wedding")
    response = as_editor.get(f"{BASE}/projects/", {"status": "gone"})
    assert response.status_code == 200
    assert "Wedding" in response.content.decode()  # an invalid filter is ignored, not fatal


def test_the_list_paginates_and_keeps_the_filters(as_editor: Client, company: Company) -> None:
    for n in range(30):
        ProjectFactory(company=company, name=f"Project {n:02d}")
    first = as_editor.get(f"{BASE}/projects/", {"search": "Project"}).content.decode()
    assert "Project 24" in first
    assert "Project 25" not in first
    assert "?search=Project&amp;page=2" in first
    second = as_editor.get(f"{BASE}/projects/", {"search": "Project", "page": "2"}).content.decode()
    assert "Project 25" in second
    assert "Project 00" not in second


def test_an_empty_company_sees_the_empty_state_with_a_create_button(
    as_editor: Client, company: Company
) -> None:
    html = as_editor.get(f"{BASE}/projects/").content.decode()
    assert "No projects yet" in html
    assert 'data-testid="create-first-project"' in html


def test_viewers_see_no_create_button(as_viewer: Client, company: Company) -> None:
    html = as_viewer.get(f"{BASE}/projects/").content.decode()
    assert "No projects yet" in html
    assert 'data-testid="create-first-project"' not in html
    assert 'data-testid="new-project"' not in html
    templates = as_viewer.get(f"{BASE}/project-templates/").content.decode()
    assert 'data-testid="new-template"' not in templates


def test_the_list_page_runs_a_fixed_number_of_queries(
    as_editor: Client, company: Company, editor: User
) -> None:
    url = f"{BASE}/projects/"
    ProjectFactory(company=company, template=ProjectTemplateFactory(company=company), created_by=editor)
    as_editor.get(url)
    with CaptureQueriesContext(connection) as one:
        as_editor.get(url)
    for _ in range(9):
        ProjectFactory(company=company, template=ProjectTemplateFactory(company=company), created_by=editor)
    with CaptureQueriesContext(connection) as ten:
        as_editor.get(url)
    assert len(ten) == len(one)


# --- create -------------------------------------------------------------------------------


def test_an_editor_creates_a_project_through_the_form(
    as_editor: Client, company: Company, editor: User
) -> None:
    template = ProjectTemplateFactory(company=company, name="A4", default_term_years=6)
    form = as_editor.get(f"{BASE}/projects/new/").content.decode()
    assert "A4" in form
    response = as_editor.post(
        f"{BASE}/projects/new/", {"name": "Wedding", "description": "June", "template": template.pk}
    )
    with company_scope(company):
        project = Project.objects.get(name="Wedding")
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/projects/{project.pk}/"
    assert project.default_term_years == 6
    assert project.created_by == editor
    detail = as_editor.get(response["Location"]).content.decode()
    assert "Project created." in detail


def test_the_form_offers_only_this_companys_templates(
    as_editor: Client, company: Company, other_company: Company
) -> None:
    foreign = ProjectTemplateFactory(company=other_company, name="Secret template")
    assert "Secret template" not in as_editor.get(f"{BASE}/projects/new/").content.decode()
    response = as_editor.post(f"{BASE}/projects/new/", {"name": "Wedding", "template": foreign.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["template"]
    with scopes_disabled():
        assert not Project.objects.exists()


def test_a_duplicate_name_is_a_form_error_not_a_crash(as_editor: Client, company: Company) -> None:
    ProjectFactory(company=company, name="Wedding")
    response = as_editor.post(f"{BASE}/projects/new/", {"name": "wedding"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "name": ["A project with this name already exists in this company."]
    }
    assert "A project with this name already exists in this company." in response.content.decode()


def test_viewers_cannot_open_or_post_the_create_form(as_viewer: Client, company: Company) -> None:
    assert as_viewer.get(f"{BASE}/projects/new/").status_code == 403
    assert as_viewer.post(f"{BASE}/projects/new/", {"name": "Wedding"}).status_code == 403
    with company_scope(company):
        assert not Project.objects.exists()


# --- detail, edit, status -----------------------------------------------------------------


def test_an_editor_edits_a_project(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    page = as_editor.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert 'data-testid="edit-form"' in page
    data = {
        "name": "Wedding 2026",
        "description": "",
        "default_term_years": 2,
        "playback_mode": "sequential",
        "print_width_cm": "",
        "print_height_cm": "",
        "qr_label_style": "standard",
        "notify_content_ready": "on",
    }
    response = as_editor.post(f"{BASE}/projects/{project.pk}/", data)
    assert response.status_code == 302
    project = _project(project.pk)
    assert project.name == "Wedding 2026"
    assert project.playback_mode == "sequential"
    assert project.notify_expiry is False
    with company_scope(company):
        changes = AuditEntry.objects.get(action="project.update").changes
    assert set(changes) == {"name", "default_term_years", "playback_mode", "notify_expiry"}


def test_an_edit_with_half_a_print_size_shows_the_error(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company)
    data = {"name": project.name, "default_term_years": 1, "playback_mode": "cyclic"}
    data |= {"qr_label_style": "standard", "print_width_cm": "20", "print_height_cm": ""}
    response = as_editor.post(f"{BASE}/projects/{project.pk}/", data)
    assert response.status_code == 200
    assert "Give both the print width and the print height, or neither." in response.content.decode()


def test_an_archived_project_is_shown_read_only(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company, name="Wedding", status=Project.Status.ARCHIVED)
    html = as_editor.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert 'data-testid="read-only-notice"' in html
    assert "Save changes" not in html
    assert 'data-testid="status-active"' in html  # restore
    assert 'data-testid="status-paused"' not in html
    response = as_editor.post(f"{BASE}/projects/{project.pk}/", {"name": "Renamed"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == ["Archived projects are read-only."]
    assert 'data-testid="form-errors"' in response.content.decode()
    assert _project(project.pk).name == "Wedding"


def test_viewers_see_the_project_without_edit_controls(as_viewer: Client, company: Company) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    html = as_viewer.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert "Wedding" in html
    assert 'data-testid="edit-form"' not in html
    assert 'data-testid="status-buttons"' not in html
    assert 'data-testid="save-as-template-form"' not in html
    assert as_viewer.post(f"{BASE}/projects/{project.pk}/", {"name": "X"}).status_code == 403
    assert as_viewer.post(f"{BASE}/projects/{project.pk}/status/", {"status": "paused"}).status_code == 403


def test_another_companys_project_page_is_not_found(as_editor: Client, other_company: Company) -> None:
    foreign = ProjectFactory(company=other_company)
    assert as_editor.get(f"{BASE}/projects/{foreign.pk}/").status_code == 404
    assert as_editor.post(f"{BASE}/projects/{foreign.pk}/status/", {"status": "paused"}).status_code == 404
    assert _project(foreign.pk).status == Project.Status.ACTIVE


def test_the_status_buttons_pause_archive_and_restore(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company)
    url = f"{BASE}/projects/{project.pk}/status/"
    for status in ("paused", "active", "archived", "active"):
        response = as_editor.post(url, {"status": status})
        assert response.status_code == 302
        assert response["Location"] == f"{BASE}/projects/{project.pk}/"
        assert _project(project.pk).status == status
    page = as_editor.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert "Status changed to Active." in page


def test_an_illegal_status_change_shows_the_reason(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company, status=Project.Status.ARCHIVED)
    page = as_editor.get(f"{BASE}/projects/{project.pk}/status/").content.decode()
    assert "Restore" in page
    response = as_editor.post(f"{BASE}/projects/{project.pk}/status/", {"status": "paused"})
    assert response.status_code == 200
    assert "A project cannot go from archived to paused." in response.content.decode()
    assert _project(project.pk).status == Project.Status.ARCHIVED


# --- templates ----------------------------------------------------------------------------


def test_save_as_template_from_the_detail_page(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company, default_term_years=4)
    url = f"{BASE}/projects/{project.pk}/save-as-template/"
    assert "Template name" in as_editor.get(url).content.decode()
    response = as_editor.post(url, {"name": "Four years"})
    assert response.status_code == 302
    assert response["Location"] == f"{BASE}/project-templates/"
    listing = as_editor.get(response["Location"]).content.decode()
    assert "Four years" in listing
    duplicate = as_editor.post(url, {"name": "four YEARS"})
    assert duplicate.status_code == 200
    assert "A template with this name already exists in this company." in duplicate.content.decode()


def test_an_editor_creates_a_template_through_the_form(as_editor: Client, company: Company) -> None:
    company.default_term_years = 3
    company.save()
    form = as_editor.get(f"{BASE}/project-templates/new/")
    assert form.context["form"]["default_term_years"].value() == 3
    data = {
        "name": "Square",
        "default_term_years": 3,
        "playback_mode": "cyclic",
        "print_width_cm": "20",
        "print_height_cm": "20",
        "qr_label_style": "minimal",
        "notify_expiry": "on",
    }
    response = as_editor.post(f"{BASE}/project-templates/new/", data)
    assert response.status_code == 302
    with company_scope(company):
        template = ProjectTemplate.objects.get(name="Square")
    assert template.qr_label_style == "minimal"
    assert template.notify_content_ready is False
    listing = as_editor.get(f"{BASE}/project-templates/").content.decode()
    assert "20 \N{MULTIPLICATION SIGN} 20 cm" in listing
    duplicate = as_editor.post(f"{BASE}/project-templates/new/", {**data, "name": "SQUARE"})
    assert duplicate.status_code == 200
    assert duplicate.context["form"].errors["name"]


def test_an_empty_template_list_explains_templates(as_editor: Client, company: Company) -> None:
    html = as_editor.get(f"{BASE}/project-templates/").content.decode()
    assert "No templates yet" in html
    assert 'data-testid="new-template"' in html


def test_the_dashboard_shows_the_panels_of_every_app_in_order(
    client: Client, company: Company, other_company: Company, manager: User
) -> None:
    ProjectFactory(company=company, name="Wedding season")
    ProjectFactory(company=other_company, name="Not ours")
    client.force_login(manager)
    html = client.get(f"/c/{company.slug}/").content.decode()
    # analytics (a band), then the cards: recent projects, team, activity
    order = [
        html.index(marker)
        for marker in (
            'data-testid="dashboard-analytics"',
            'data-panel="recent_projects"',
            'data-panel="team"',
            'data-panel="activity"',
        )
    ]
    assert order == sorted(order)
    assert "Wedding season" in html
    assert "Not ours" not in html


def test_a_new_company_is_led_through_its_first_steps(as_editor: Client, company: Company) -> None:
    html = as_editor.get(f"/c/{company.slug}/").content.decode()
    assert 'data-testid="first-steps"' in html
    assert 'data-testid="step-project"' in html  # no project yet: the first step is a link
    assert 'data-testid="first-project-link"' in html  # and the empty projects card says it too
    project = ProjectFactory(company=company, name="Weddings")
    html = as_editor.get(f"/c/{company.slug}/").content.decode()
    assert f"/content/new/?project={project.pk}" in html  # next step: content in that project
    with company_scope(company):
        make_content(company, project=project)
    assert 'data-testid="first-steps"' not in as_editor.get(f"/c/{company.slug}/").content.decode()


def test_viewers_get_no_first_steps(as_viewer: Client, company: Company) -> None:
    html = as_viewer.get(f"/c/{company.slug}/").content.decode()
    assert 'data-testid="first-steps"' not in html
    assert 'data-testid="first-project-link"' not in html


def test_the_project_page_lists_its_content_and_adds_more_to_it(as_editor: Client, company: Company) -> None:
    project = ProjectFactory(company=company)
    html = as_editor.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert 'data-testid="project-empty"' in html
    assert f'href="/c/{company.slug}/content/new/?project={project.pk}"' in html
    with company_scope(company):
        items = [make_content(company, project=project, customer_name=f"Client {n}") for n in range(6)]
        make_content(company, customer_name="In another project")
    html = as_editor.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert items[-1].order_number in html
    assert "Client 5" in html
    assert "In another project" not in html
    assert f"/content/?project={project.pk}" in html  # six items, five shown: a link to all
    form = as_editor.get(f"/c/{company.slug}/content/new/?project={project.pk}").content.decode()
    assert f'<option value="{project.pk}" selected>' in form


def test_viewers_get_no_add_content_button(as_viewer: Client, company: Company) -> None:
    project = ProjectFactory(company=company)
    html = as_viewer.get(f"{BASE}/projects/{project.pk}/").content.decode()
    assert 'data-testid="add-content"' not in html
