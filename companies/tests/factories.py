from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone
from rest_framework.test import APIClient

from arvlite.core.roles import Role
from arvlite.core.testing.factories import ModelFactory
from companies.models import Company, CompanyApiKey, Invitation, Membership, User

TEST_PASSWORD = "correct-horse-battery-staple"


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)
    email_verified_at = factory.LazyFunction(timezone.now)


class CompanyFactory(ModelFactory[Company]):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Studio {n}")
    slug = factory.Sequence(lambda n: f"studio-{n}")
    contact_email = factory.LazyAttribute(lambda c: f"hello@{c.slug}.example.com")


class MembershipFactory(ModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = Role.VIEWER


class InvitationFactory(ModelFactory[Invitation]):
    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Role.EDITOR
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


def make_api_key(
    company: Company, role: str = Role.EDITOR, name: str = "Print lab"
) -> tuple[CompanyApiKey, str]:
    """A real key issued through the service; returns the row and the secret."""
    from companies.api_keys import api_key_create

    creator = MembershipFactory(company=company, role=Role.MANAGER).user
    issued = api_key_create(company=company, actor=creator, name=name, role=role, actor_role=Role.MANAGER)
    return issued.api_key, issued.key


def api_key_client(company: Company, role: str = Role.EDITOR) -> APIClient:
    """An API client that authenticates with a fresh company API key of ``role``."""
    _, secret = make_api_key(company, role=role)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client
