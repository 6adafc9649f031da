"""The task base: the row is loaded across tenants, the body runs in its company's scope."""

from __future__ import annotations

from typing import Any

import pytest
from django_scopes import ScopeError, get_scope

from arcontent.models import ARContent
from arcontent.tests.factories import make_content
from arvlite.core.tenancy import company_scope
from arvlite.core.tenant_tasks import tenant_task
from companies.audit import audit_log
from companies.models import AuditEntry, Company

pytestmark = pytest.mark.django_db
seen: list[dict[str, Any]] = []


@tenant_task("arcontent.ARContent", name="tests.look_around", select_related=("project",))
def look_around(content: ARContent, note: str = "") -> int:
    seen.append({"scope": get_scope(), "content": content, "note": note})
    return AuditEntry.objects.count()  # a tenant query: only this company's rows


@tenant_task("companies.Company", name="tests.company_itself")
def company_itself(company: Company) -> str:
    return str(get_scope()["company"].pk)


def test_the_body_runs_in_the_rows_company_scope(company: Company, other_company: Company) -> None:
    seen.clear()
    with company_scope(company):
        mine = make_content(company)
    audit_log(company=company, actor=None, action="test.mine")
    audit_log(company=other_company, actor=None, action="test.theirs")
    audit_log(company=other_company, actor=None, action="test.theirs")
    with company_scope(company):
        expected = AuditEntry.objects.count()

    assert look_around(mine.pk, note="hi") == expected
    [call] = seen
    assert call["scope"]["company"] == company
    assert call["scope"]["_enabled"] is True
    assert call["content"] == mine
    assert call["note"] == "hi"
    assert "project" in call["content"]._state.fields_cache  # select_related applied


def test_the_scope_ends_with_the_task(company: Company) -> None:
    with company_scope(company):
        content = make_content(company)
    look_around(content.pk)
    with pytest.raises(ScopeError):
        AuditEntry.objects.count()


def test_a_row_deleted_before_the_task_runs_is_skipped(company: Company) -> None:
    seen.clear()
    assert look_around(987654321) is None
    assert seen == []


def test_the_tenant_row_is_its_own_company(company: Company) -> None:
    assert company_itself(company.pk) == str(company.pk)
