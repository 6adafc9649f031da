from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from arvlite.core.roles import Role
from companies.audit import audit_log
from companies.models import Company, User
from companies.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db
Client = Callable[[User], APIClient]


def test_it_lists_only_my_companies_with_my_role(
    api_client_for: Client, company: Company, other_company: Company, editor: User, viewer: User
) -> None:
    MembershipFactory(company=other_company, user=editor, role=Role.OWNER)
    body = api_client_for(editor).get("/api/v1/companies/").json()
    assert body["count"] == 2
    roles = {c["slug"]: (c["my_role"], c["member_count"]) for c in body["results"]}
    assert roles == {company.slug: (Role.EDITOR, 2), other_company.slug: (Role.OWNER, 1)}


def test_it_hides_deactivated_companies(api_client_for: Client, company: Company, owner: User) -> None:
    company.status = Company.Status.DEACTIVATED
    company.save()
    assert api_client_for(owner).get("/api/v1/companies/").json()["count"] == 0
    assert api_client_for(owner).get(f"/api/v1/companies/{company.slug}/").status_code == 404


def test_it_shows_company_detail(api_client_for: Client, company: Company, owner: User) -> None:
    body = api_client_for(owner).get(f"/api/v1/companies/{company.slug}/").json()
    assert body["name"] == "Alice Photo"
    assert body["my_role"] == Role.OWNER


def test_it_lists_members_filtered_and_searched(
    api_client_for: Client, company: Company, members: dict[str, User]
) -> None:
    client = api_client_for(members[Role.VIEWER])
    everyone = client.get(f"/api/v1/companies/{company.slug}/members/").json()
    assert everyone["count"] == 4
    editors = client.get(f"/api/v1/companies/{company.slug}/members/?role=editor").json()
    assert [m["user"]["email"] for m in editors["results"]] == ["editor@alice.example.com"]
    found = client.get(f"/api/v1/companies/{company.slug}/members/?search=manager@").json()
    assert [m["role"] for m in found["results"]] == ["manager"]


def test_it_paginates_members(api_client_for: Client, company: Company, owner: User) -> None:
    for _ in range(5):
        MembershipFactory(company=company)
    page = api_client_for(owner).get(f"/api/v1/companies/{company.slug}/members/?page_size=2&page=2").json()
    assert page["count"] == 6
    assert len(page["results"]) == 2
    assert page["next"]
    assert page["previous"]


def test_member_list_runs_a_fixed_number_of_queries(
    api_client_for: Client, company: Company, owner: User
) -> None:
    client = api_client_for(owner)
    url = f"/api/v1/companies/{company.slug}/members/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        MembershipFactory(company=company)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_audit_log_shows_only_this_company(
    api_client_for: Client, company: Company, other_company: Company, manager: User
) -> None:
    audit_log(company=company, actor=manager, action="content.publish", target=company)
    audit_log(company=other_company, actor=None, action="secret.thing")
    body = api_client_for(manager).get(f"/api/v1/companies/{company.slug}/audit-log/").json()
    assert [e["action"] for e in body["results"]] == ["content.publish"]
    assert body["results"][0]["actor_email"] == "manager@alice.example.com"
