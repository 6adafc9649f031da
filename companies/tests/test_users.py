from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import RequestFactory

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
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


def test_removing_a_member_outside_any_scope_revokes_their_keys(
    company: Company, owner: User, viewer: User
) -> None:
    from companies.api_keys import api_key_create
    from companies.services import membership_remove

    with company_scope(company):
        issued = api_key_create(
            company=company, actor=viewer, name="Lab", role=Role.VIEWER, actor_role=Role.VIEWER
        )
        membership = company.memberships.get(user=viewer)
    membership_remove(membership=membership, actor=owner)  # as the admin does: no tenant scope
    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked_at is not None


def test_deleting_a_user_revokes_the_keys_they_created(company: Company, viewer: User) -> None:
    from companies.api_keys import api_key_create

    with company_scope(company):
        issued = api_key_create(
            company=company, actor=viewer, name="Lab", role=Role.VIEWER, actor_role=Role.VIEWER
        )
    viewer.delete()  # as the admin's user page does: the memberships go by cascade
    issued.api_key.refresh_from_db()
    assert issued.api_key.revoked_at is not None
