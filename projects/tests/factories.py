from __future__ import annotations

import factory

from arvlite.core.testing.factories import ModelFactory
from companies.tests.factories import CompanyFactory
from projects.models import Project, ProjectTemplate


class ProjectTemplateFactory(ModelFactory[ProjectTemplate]):
    class Meta:
        model = ProjectTemplate

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Template {n}")


class ProjectFactory(ModelFactory[Project]):
    class Meta:
        model = Project

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
