from __future__ import annotations

import factory

from companies.tests.factories import CompanyFactory
from projects.models import Project, ProjectTemplate


class ProjectTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectTemplate

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Template {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"Project {n}")
