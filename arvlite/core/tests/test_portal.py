from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from companies.models import Company, User
from companies.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_the_login_page_signs_in_and_lands_on_the_company_dashboard(
    client: Client, company: Company, owner: User
) -> None:
    response = client.post(
        "/accounts/login/", {"username": owner.email, "password": TEST_PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/c/{company.slug}/"
    assert b"Alice Photo" in response.content
    assert b'data-testid="company-switcher"' in response.content


def test_a_wrong_password_shows_a_clear_error(client: Client, owner: User) -> None:
    response = client.post("/accounts/login/", {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct e-mail and password" in response.content


def test_logout_needs_post_and_returns_to_login(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/").status_code == 302


def test_a_user_without_a_company_lands_on_create_your_company(client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/companies/new/", 302)]
    assert b"not a member of any company yet" in response.content


def test_the_dashboard_lists_the_team_and_the_switcher_lists_my_companies(
    client: Client, company: Company, other_company: Company, owner: User, viewer: User
) -> None:
    from arvlite.core.roles import Role
    from companies.tests.factories import MembershipFactory

    MembershipFactory(company=other_company, user=owner, role=Role.VIEWER)
    client.force_login(owner)
    html = client.get(f"/c/{company.slug}/").content.decode()
    assert viewer.get_full_name() in html
    assert f"/c/{other_company.slug}/" in html  # the company switcher


def test_activity_is_hidden_from_viewers(
    client: Client, company: Company, viewer: User, manager: User
) -> None:
    client.force_login(viewer)
    assert b"Recent activity" not in client.get(f"/c/{company.slug}/").content
    client.force_login(manager)
    assert b"Nothing has happened here yet" in client.get(f"/c/{company.slug}/").content


def test_error_pages_share_the_portal_style(
    client: Client, company: Company, viewer: User, outsider: User
) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"portal.css" in response.content
    client.force_login(outsider)
    assert b"Page not found" in client.get(f"/c/{company.slug}/").content


def test_the_portal_speaks_russian_and_english(client: Client) -> None:
    russian = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Войти".encode() in russian.content
    english = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Sign in" in english.content
    assert "Войти".encode() not in english.content


def test_the_language_switcher_remembers_the_choice(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    assert "Войти".encode() in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content


def test_vendored_front_end_libraries_are_served_locally(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "//unpkg.com" not in page
    assert "cdn." not in page
    for path in (
        "/static/vendor/htmx/htmx-2.0.11.min.js",
        "/static/vendor/alpinejs/alpine-3.17.5.min.js",
        "/static/vendor/chartjs/chart-4.6.1.umd.min.js",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        response.getvalue()  # read the stream to the end


def test_the_admin_login_page_answers(client: Client) -> None:
    assert client.get("/admin/login/").status_code == 200


def test_operators_see_every_tenant_in_the_admin(
    client: Client, company: Company, other_company: Company
) -> None:
    from companies.audit import audit_log

    audit_log(company=company, actor=None, action="a.one")
    audit_log(company=other_company, actor=None, action="b.two")
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    html = client.get("/admin/companies/auditentry/").content.decode()
    assert "a.one" in html
    assert "b.two" in html
    assert client.get("/admin/companies/company/").status_code == 200


def test_lockout_after_repeated_failures_answers_429(client: Client, owner: User, settings: object) -> None:
    for _ in range(5):
        client.post("/accounts/login/", {"username": owner.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"username": owner.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
