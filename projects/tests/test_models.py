from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from arvlite.core.tenancy import scopes_disabled
from companies.models import Company
from projects.models import Project
from projects.tests.factories import ProjectFactory, ProjectTemplateFactory

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_project_name_differing_only_in_case(company: Company) -> None:
    ProjectFactory(company=company, name="Wedding")
    with pytest.raises(IntegrityError, match="project_unique_name_per_company"):
        ProjectFactory(company=company, name="WEDDING")


def test_the_database_refuses_a_duplicate_template_name(company: Company) -> None:
    ProjectTemplateFactory(company=company, name="A4 portrait")
    with pytest.raises(IntegrityError, match="project_template_unique_name_per_company"):
        ProjectTemplateFactory(company=company, name="a4 Portrait")


def test_two_companies_may_use_the_same_project_name(company: Company, other_company: Company) -> None:
    ProjectFactory(company=company, name="Wedding")
    assert ProjectFactory(company=other_company, name="Wedding").pk


@pytest.mark.parametrize("years", [0, 26])
def test_the_database_refuses_a_term_outside_1_to_25(company: Company, years: int) -> None:
    with pytest.raises(IntegrityError, match="project_term_years_in_range"):
        ProjectFactory(company=company, default_term_years=years)


def test_the_database_refuses_half_a_print_size(company: Company) -> None:
    with pytest.raises(IntegrityError, match="projecttemplate_print_size_complete"):
        ProjectTemplateFactory(company=company, print_width_cm=Decimal("10"), print_height_cm=None)


def test_the_database_refuses_a_print_size_over_200_cm(company: Company) -> None:
    with pytest.raises(IntegrityError, match="project_print_width_in_range"):
        ProjectFactory(company=company, print_width_cm=Decimal("250"), print_height_cm=Decimal("10"))


def test_a_project_refuses_a_template_of_another_company(company: Company, other_company: Company) -> None:
    foreign = ProjectTemplateFactory(company=other_company)
    project = Project(company=company, name="Wedding", template=foreign)
    with scopes_disabled(), pytest.raises(ValidationError) as error:
        project.full_clean()
    assert error.value.message_dict == {"template": ["Unknown template."]}


def test_a_project_knows_where_it_may_go_next() -> None:
    assert Project(status=Project.Status.ACTIVE).allowed_statuses() == ["paused", "archived"]
    assert Project(status=Project.Status.PAUSED).allowed_statuses() == ["active", "archived"]
    assert Project(status=Project.Status.ARCHIVED).allowed_statuses() == ["active"]
    assert Project(status=Project.Status.ARCHIVED).is_read_only
    assert not Project(status=Project.Status.PAUSED).is_read_only
    assert str(Project(name="Wedding")) == "Wedding"
