from __future__ import annotations

import pytest
from django_scopes import ScopeError

from arvlite.core.roles import Role, role_allows
from arvlite.core.tenancy import company_scope, scopes_disabled
from companies.audit import audit_log
from companies.models import AuditEntry, Company, User
from companies.selectors import membership_for

pytestmark = pytest.mark.django_db


def test_an_unscoped_query_on_a_tenant_model_raises(company: Company) -> None:
    audit_log(company=company, actor=None, action="test.event")
    with pytest.raises(ScopeError):
        list(AuditEntry.objects.all())
    with pytest.raises(ScopeError):
        AuditEntry.objects.filter(action="test.event").count()


def test_a_scoped_query_sees_only_its_company(company: Company, other_company: Company) -> None:
    audit_log(company=company, actor=None, action="mine")
    audit_log(company=other_company, actor=None, action="theirs")
    with company_scope(company):
        assert [e.action for e in AuditEntry.objects.all()] == ["mine"]
        assert not AuditEntry.objects.filter(action="theirs").exists()


def test_cross_tenant_code_must_say_so(company: Company, other_company: Company) -> None:
    audit_log(company=company, actor=None, action="a")
    audit_log(company=other_company, actor=None, action="b")
    with scopes_disabled():
        assert AuditEntry.objects.count() == 2


def test_a_scope_without_a_company_is_refused() -> None:
    with pytest.raises(ValueError, match="saved company"):
        company_scope(None)  # type: ignore[arg-type]  # the misuse under test


def test_membership_for_hides_other_companies(company: Company, outsider: User, owner: User) -> None:
    from django.http import Http404

    assert membership_for(user=owner, company_slug=company.slug).role == Role.OWNER
    with pytest.raises(Http404):
        membership_for(user=outsider, company_slug=company.slug)
    with pytest.raises(Http404):
        membership_for(user=owner, company_slug="does-not-exist")


def test_membership_for_hides_deactivated_companies(company: Company, owner: User) -> None:
    from django.http import Http404

    company.status = Company.Status.DEACTIVATED
    company.save()
    with pytest.raises(Http404):
        membership_for(user=owner, company_slug=company.slug)


@pytest.mark.parametrize(
    ("held", "required", "allowed"),
    [
        (Role.OWNER, Role.VIEWER, True),
        (Role.MANAGER, Role.MANAGER, True),
        (Role.EDITOR, Role.MANAGER, False),
        (Role.VIEWER, Role.EDITOR, False),
        (Role.OWNER, None, False),
        (None, Role.VIEWER, False),
    ],
)
def test_roles_are_ordered(held: str | None, required: str | None, allowed: bool) -> None:
    assert role_allows(held, required) is allowed


def test_audit_log_records_actor_target_and_changes(company: Company, owner: User) -> None:
    entry = audit_log(
        company=company, actor=owner, action="company.rename", target=company, changes={"name": ["A", "B"]}
    )
    with company_scope(company):
        stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == owner
    assert (stored.target_type, stored.target_id) == ("companies.company", str(company.pk))
    assert stored.changes == {"name": ["A", "B"]}
    assert str(stored) == f"company.rename {company.name}"
