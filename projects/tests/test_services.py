from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from companies.models import AuditEntry, Company, User
from projects import services
from projects.models import PlaybackMode, Project, ProjectTemplate, QrLabelStyle
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scoped")]

Status = Project.Status


def _actions(company: Company) -> list[str]:
    return list(AuditEntry.objects.filter(company=company).order_by("id").values_list("action", flat=True))


def _only_error(error: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return error.value.message_dict


# --- create -------------------------------------------------------------------------------


def test_it_copies_the_template_defaults_into_a_new_project(company: Company, editor: User) -> None:
    template = ProjectTemplateFactory(
        company=company,
        default_term_years=5,
        playback_mode=PlaybackMode.SEQUENTIAL,
        print_width_cm=Decimal("15"),
        print_height_cm=Decimal("10"),
        qr_label_style=QrLabelStyle.BRANDED,
        notify_content_ready=False,
        notify_expiry=False,
        scene_defaults={"fit": "contain", "scale": 0.8},
    )
    project = services.project_create(company=company, actor=editor, name="  Wedding  ", template=template)
    project.refresh_from_db()
    assert project.name == "Wedding"
    assert project.template == template
    assert project.created_by == editor
    assert project.content_defaults() == template.content_defaults()
    assert project.scene_defaults == {"fit": "contain", "scale": 0.8}


def test_later_template_edits_do_not_change_existing_projects(company: Company, editor: User) -> None:
    template = ProjectTemplateFactory(company=company, default_term_years=5)
    project = services.project_create(company=company, actor=editor, name="Wedding", template=template)
    services.template_update(template=template, actor=editor, default_term_years=10)
    project.refresh_from_db()
    assert project.default_term_years == 5


def test_without_a_template_it_uses_the_company_term_and_model_defaults(
    company: Company, editor: User
) -> None:
    company.default_term_years = 3
    company.save()
    project = services.project_create(company=company, actor=editor, name="Wedding", description="June")
    assert project.content_defaults() == {
        "default_term_years": 3,
        "playback_mode": PlaybackMode.CYCLIC,
        "print_width_cm": None,
        "print_height_cm": None,
        "qr_label_style": QrLabelStyle.STANDARD,
        "notify_content_ready": True,
        "notify_expiry": True,
        "scene_defaults": {},
    }
    assert project.status == Status.ACTIVE
    assert project.template is None


def test_it_refuses_another_companys_template(company: Company, other_company: Company, editor: User) -> None:
    foreign = ProjectTemplateFactory(company=other_company)
    with pytest.raises(ValidationError) as error:
        services.project_create(company=company, actor=editor, name="Wedding", template=foreign)
    assert _only_error(error) == {"template": ["Unknown template."]}
    assert not Project.objects.exists()


@pytest.mark.parametrize("name", ["Wedding", "wedding", "WEDDING", " Wedding "])
def test_it_refuses_a_duplicate_project_name_ignoring_case(company: Company, editor: User, name: str) -> None:
    ProjectFactory(company=company, name="Wedding")
    with pytest.raises(ValidationError) as error:
        services.project_create(company=company, actor=editor, name=name)
    assert _only_error(error) == {"name": ["A project with this name already exists in this company."]}


def test_it_refuses_renaming_onto_another_projects_name(company: Company, editor: User) -> None:
    ProjectFactory(company=company, name="Wedding")
    project = ProjectFactory(company=company, name="Birthday")
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, actor=editor, name="wedding")
    assert "name" in _only_error(error)


def test_a_project_may_change_the_case_of_its_own_name(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company, name="wedding")
    assert services.project_update(project=project, actor=editor, name="Wedding").name == "Wedding"


def test_a_duplicate_that_slips_past_the_check_is_still_a_name_error(company: Company) -> None:
    # Two requests at once both pass the check; the database constraint decides.
    ProjectFactory(company=company, name="Wedding")
    racing = Project(company=company, name="WEDDING")
    with pytest.raises(ValidationError) as error:
        services._save_catching_duplicates(racing)
    assert _only_error(error) == {"name": ["A project with this name already exists in this company."]}


def test_other_integrity_errors_are_not_disguised_as_name_errors(company: Company) -> None:
    broken = Project(company=company, name="Wedding", default_term_years=99)
    with pytest.raises(IntegrityError, match="project_term_years_in_range"):
        services._save_catching_duplicates(broken)


def test_it_refuses_half_a_print_size(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company)
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, actor=editor, print_width_cm=Decimal("20"))
    assert _only_error(error) == {
        "print_height_cm": ["Give both the print width and the print height, or neither."]
    }


# --- update and lifecycle -------------------------------------------------------------------


def test_an_update_is_audited_with_old_and_new_values(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    services.project_update(
        project=project,
        actor=editor,
        name="Wedding 2026",
        print_width_cm=Decimal("20"),
        print_height_cm=Decimal("30"),
        description=project.description,
    )
    entry = AuditEntry.objects.get(action="project.update")
    assert entry.actor == editor
    assert entry.target_id == str(project.pk)
    assert entry.changes == {
        "name": ["Wedding", "Wedding 2026"],
        "print_width_cm": [None, "20"],
        "print_height_cm": [None, "30"],
    }


def test_an_update_without_changes_writes_nothing(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    services.project_update(project=project, actor=editor, name="Wedding")
    assert _actions(company) == []


def test_it_refuses_fields_that_are_not_editable(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company)
    with pytest.raises(TypeError, match="status"):
        services.project_update(project=project, actor=editor, status=Status.ARCHIVED)


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (Status.ACTIVE, Status.PAUSED),
        (Status.PAUSED, Status.ACTIVE),
        (Status.ACTIVE, Status.ARCHIVED),
        (Status.PAUSED, Status.ARCHIVED),
        (Status.ARCHIVED, Status.ACTIVE),
    ],
)
def test_it_allows_the_lifecycle_moves(company: Company, editor: User, start: str, target: str) -> None:
    project = ProjectFactory(company=company, status=start)
    services.project_set_status(project=project, actor=editor, status=target)
    project.refresh_from_db()
    assert project.status == target
    entry = AuditEntry.objects.get(action="project.status")
    assert entry.changes == {"status": [start, target]}
    assert entry.actor == editor


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        (Status.ARCHIVED, Status.PAUSED, "A project cannot go from archived to paused."),
        (Status.ACTIVE, Status.ACTIVE, "The project is already active."),
        (Status.PAUSED, Status.PAUSED, "The project is already paused."),
        (Status.ARCHIVED, Status.ARCHIVED, "The project is already archived."),
        (Status.ACTIVE, "deleted", "Unknown status."),
    ],
)
def test_it_refuses_other_moves_with_a_clear_message(
    company: Company, editor: User, start: str, target: str, message: str
) -> None:
    project = ProjectFactory(company=company, status=start)
    with pytest.raises(ValidationError) as error:
        services.project_set_status(project=project, actor=editor, status=target)
    assert _only_error(error) == {"status": [message]}
    project.refresh_from_db()
    assert project.status == start
    assert _actions(company) == []


def test_an_archived_project_is_read_only_until_restored(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company, status=Status.ARCHIVED, name="Wedding")
    with pytest.raises(ValidationError) as error:
        services.project_update(project=project, actor=editor, name="Renamed")
    assert error.value.messages == ["Archived projects are read-only."]
    services.project_set_status(project=project, actor=editor, status=Status.ACTIVE)
    assert services.project_update(project=project, actor=editor, name="Renamed").name == "Renamed"


def test_it_checks_the_transition_against_the_stored_status(company: Company, editor: User) -> None:
    project = ProjectFactory(company=company, status=Status.ACTIVE)
    stale = Project.objects.get(pk=project.pk)
    services.project_set_status(project=project, actor=editor, status=Status.ARCHIVED)
    # The stale copy still says "active", but the row is archived: pausing is refused.
    with pytest.raises(ValidationError):
        services.project_set_status(project=stale, actor=editor, status=Status.PAUSED)


def test_delete_is_audited(company: Company, manager: User) -> None:
    project = ProjectFactory(company=company, name="Wedding")
    project_id = project.pk
    services.project_delete(project=project, actor=manager)
    assert not Project.objects.filter(pk=project_id).exists()
    entry = AuditEntry.objects.get(action="project.delete")
    assert entry.target_id == str(project_id)
    assert entry.changes == {"name": "Wedding"}


# --- templates ----------------------------------------------------------------------------


def test_save_as_template_copies_the_project_defaults(company: Company, editor: User) -> None:
    project = ProjectFactory(
        company=company,
        default_term_years=7,
        playback_mode=PlaybackMode.SEQUENTIAL,
        print_width_cm=Decimal("30"),
        print_height_cm=Decimal("20"),
        qr_label_style=QrLabelStyle.MINIMAL,
        notify_expiry=False,
    )
    template = services.project_save_as_template(project=project, actor=editor, name="Big prints")
    template.refresh_from_db()
    assert template.company == company
    assert template.content_defaults() == project.content_defaults()
    entry = AuditEntry.objects.get(action="project.save_as_template")
    assert entry.target_id == str(template.pk)
    assert entry.changes == {"project": project.pk}


def test_save_as_template_refuses_a_duplicate_template_name(company: Company, editor: User) -> None:
    ProjectTemplateFactory(company=company, name="Big prints")
    project = ProjectFactory(company=company)
    with pytest.raises(ValidationError) as error:
        services.project_save_as_template(project=project, actor=editor, name="BIG PRINTS")
    assert _only_error(error) == {"name": ["A template with this name already exists in this company."]}


def test_template_create_defaults_to_the_company_term(company: Company, editor: User) -> None:
    company.default_term_years = 2
    company.save()
    template = services.template_create(company=company, actor=editor, name="Default")
    assert template.default_term_years == 2
    explicit = services.template_create(company=company, actor=editor, name="Long", default_term_years=10)
    assert explicit.default_term_years == 10
    assert _actions(company) == ["project_template.create", "project_template.create"]


def test_template_update_and_delete_are_audited(company: Company, manager: User) -> None:
    template = ProjectTemplateFactory(company=company, name="A4")
    project = ProjectFactory(company=company, template=template, default_term_years=4)
    services.template_update(template=template, actor=manager, name="A4 portrait")
    services.template_update(template=template, actor=manager, name="A4 portrait")  # no change
    services.template_delete(template=template, actor=manager)
    assert not ProjectTemplate.objects.exists()
    project.refresh_from_db()
    assert project.template is None
    assert project.default_term_years == 4
    assert _actions(company) == ["project_template.update", "project_template.delete"]
    assert AuditEntry.objects.get(action="project_template.update").changes == {"name": ["A4", "A4 portrait"]}


def test_template_update_refuses_an_out_of_range_term(company: Company, editor: User) -> None:
    template = ProjectTemplateFactory(company=company)
    with pytest.raises(ValidationError) as error:
        services.template_update(template=template, actor=editor, default_term_years=26)
    assert list(_only_error(error)) == ["default_term_years"]
    assert str(template) == template.name
