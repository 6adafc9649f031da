from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.management.commands.seed_demo import DEMO_COMPANY_SLUG
from companies.models import Company, Membership, User
from companies.services import company_create, membership_set

pytestmark = pytest.mark.django_db


def test_the_email_is_the_login_and_is_case_insensitive() -> None:
    user = User.objects.create_user("Anna@Studio.Example.com", "a-long-password-1")
    assert user.email == "anna@studio.example.com"
    assert (
        authenticate(
            RequestFactory().post("/"), username="ANNA@studio.example.com", password="a-long-password-1"
        )
        == user
    )
    assert not hasattr(user, "username")


def test_a_user_without_a_password_cannot_log_in() -> None:
    user = User.objects.create_user("oauth@example.com")
    assert not user.has_usable_password()


def test_an_email_is_required() -> None:
    with pytest.raises(ValueError, match="e-mail address is required"):
        User.objects.create_user("")


def test_superusers_are_operators() -> None:
    admin = User.objects.create_superuser("ops@example.com", "a-long-password-1")
    assert admin.is_staff
    assert admin.is_superuser


def test_the_creator_of_a_company_becomes_its_owner() -> None:
    user = User.objects.create_user("founder@example.com", "pw-123456789")
    company = company_create(name="New Studio", slug="new-studio", owner=user)
    assert Membership.objects.get(company=company, user=user).role == Role.OWNER


def test_changing_a_role_is_audited(company: Company, owner: User, viewer: User) -> None:
    membership_set(company=company, user=viewer, role=Role.EDITOR, actor=owner)
    with company_scope(company):
        entry = company.audit_entries.get(action="membership.set")
    assert entry.changes == {"role": ["viewer", "editor"]}
    assert entry.actor == owner


def test_seed_demo_is_safe_to_run_twice_and_prints_working_passwords() -> None:
    out = io.StringIO()
    call_command("seed_demo", "--no-content", stdout=out)
    call_command("seed_demo", "--no-content", "--password", "demo-password-42", stdout=out)
    assert Company.objects.filter(slug=DEMO_COMPANY_SLUG).count() == 1
    company = Company.objects.get(slug=DEMO_COMPANY_SLUG)
    assert company.memberships.count() == 2
    assert "demo-password-42" in out.getvalue()
    owner = authenticate(
        RequestFactory().post("/"), username="owner@demo.arvlite.example", password="demo-password-42"
    )
    assert owner is not None
    assert Membership.objects.get(user=owner, company=company).role == Role.OWNER
    operator = User.objects.get(email="operator@demo.arvlite.example")
    assert operator.is_staff
    assert not operator.memberships.exists()
