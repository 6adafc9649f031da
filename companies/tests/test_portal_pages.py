"""Identity pages of the portal: sign-up, company creation, settings, members,
invitations, API keys, password reset and Yandex sign-in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client, RequestFactory
from social_django.utils import load_backend, load_strategy

from arvlite.core.roles import Role
from arvlite.core.tenancy import company_scope
from companies.models import Company, CompanyApiKey, Invitation, Membership, User
from companies.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
STRONG = "violet-Harbour-57-kettle"


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_sign_up_then_create_a_company(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {"full_name": "Nina", "email": "nina@example.com", "password": STRONG},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/companies/new/"
    response = client.post("/companies/new/", {"name": "Nina Studio", "slug": "nina-studio"}, follow=True)
    assert response.redirect_chain[-1][0] == "/c/nina-studio/"
    assert Membership.objects.get(company__slug="nina-studio").role == Role.OWNER


def test_sign_up_shows_password_problems(client: Client) -> None:
    response = client.post("/accounts/signup/", {"email": "nina@example.com", "password": "123"})
    assert response.status_code == 200
    assert b"This password is too short" in response.content
    assert not User.objects.filter(email="nina@example.com").exists()


def test_a_taken_company_address_shows_on_the_form(client: Client, company: Company) -> None:
    client.force_login(UserFactory())
    response = client.post("/companies/new/", {"name": "Copy", "slug": company.slug})
    assert response.status_code == 200
    assert b"This address is already taken." in response.content


def test_settings_are_saved_and_bad_values_explained(client: Client, company: Company, manager: User) -> None:
    client.force_login(manager)
    form = {
        "name": "Alice Photo Studio",
        "brand_color": "#aa0000",
        "time_zone": "Europe/Moscow",
        "default_term_years": 3,
        "contact_email": "",
        "legal_name": "",
        "tax_id": "",
        "legal_address": "",
        "bank_details": "",
    }
    response = client.post(f"/c/{company.slug}/settings/", form, follow=True)
    assert "Settings saved." in messages_of(response)
    company.refresh_from_db()
    assert (company.name, company.default_term_years) == ("Alice Photo Studio", 3)

    bad = client.post(f"/c/{company.slug}/settings/", {**form, "time_zone": "Nowhere/Land"})
    assert bad.status_code == 200
    assert b"is not a known time zone" in bad.content


def test_deleting_a_company_needs_its_address_typed(client: Client, company: Company, owner: User) -> None:
    client.force_login(owner)
    response = client.post(f"/c/{company.slug}/delete/", {"confirm_slug": "nope"}, follow=True)
    assert "Type the company address to confirm the deletion." in messages_of(response)
    assert Company.objects.filter(pk=company.pk).exists()
    response = client.post(f"/c/{company.slug}/delete/", {"confirm_slug": company.slug})
    assert response["Location"] == "/"
    assert not Company.objects.filter(pk=company.pk).exists()


def test_members_page_role_change_and_last_owner_guard(
    client: Client, company: Company, owner: User, viewer: User
) -> None:
    client.force_login(owner)
    mine = Membership.objects.get(user=owner, company=company)
    theirs = Membership.objects.get(user=viewer, company=company)
    response = client.post(f"/c/{company.slug}/members/{theirs.pk}/role/", {"role": "editor"}, follow=True)
    assert f"{viewer.email} is now Editor." in messages_of(response)
    response = client.post(f"/c/{company.slug}/members/{mine.pk}/role/", {"role": "viewer"}, follow=True)
    assert any("at least one owner" in m for m in messages_of(response))
    response = client.post(f"/c/{company.slug}/members/{mine.pk}/remove/", follow=True)
    assert any("at least one owner" in m for m in messages_of(response))
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.role, mine.role) == (Role.EDITOR, Role.OWNER)


def test_invitation_by_portal_and_sign_up_through_the_link(
    client: Client, company: Company, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/c/{company.slug}/members/invite/", {"email": "new@example.com", "role": "viewer"}, follow=True
        )
    assert "Invitation sent to new@example.com." in messages_of(response)
    assert b"new@example.com" in response.content  # listed under open invitations
    found = re.search(r"http://\S+/invitations/\S+/", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    link = found.group(0)
    path = link.split("8000", 1)[-1] if "8000" in link else "/" + link.split("/", 3)[3]

    newcomer = Client()
    page = newcomer.get(path)
    assert page.status_code == 200
    assert b"Create your account to join" in page.content
    response = newcomer.post(
        path, {"email": "new@example.com", "full_name": "Newt", "password": STRONG}, follow=True
    )
    assert response.redirect_chain[-1][0] == f"/c/{company.slug}/"
    assert Membership.objects.get(company=company, user__email="new@example.com").role == Role.VIEWER
    assert newcomer.get(path).status_code == 400  # used


def test_a_signed_in_invitee_joins_with_one_click(client: Client, company: Company) -> None:
    from companies.invitations import invitation_token

    invitee = UserFactory(email="ivan@example.com")
    with company_scope(company):
        invitation = Invitation.objects.create(
            company=company,
            email="ivan@example.com",
            role=Role.EDITOR,
            expires_at=company.created_at.replace(year=2999),
        )
    client.force_login(invitee)
    response = client.post(f"/invitations/{invitation_token(invitation)}/", follow=True)
    assert response.redirect_chain[-1][0] == f"/c/{company.slug}/"


def test_an_existing_account_is_asked_to_sign_in(client: Client, company: Company) -> None:
    from companies.invitations import invitation_token

    UserFactory(email="has@example.com")
    with company_scope(company):
        invitation = Invitation.objects.create(
            company=company,
            email="has@example.com",
            role=Role.EDITOR,
            expires_at=company.created_at.replace(year=2999),
        )
    response = client.get(f"/invitations/{invitation_token(invitation)}/")
    assert b"Sign in to accept" in response.content


def test_a_broken_invitation_link_gets_a_friendly_400(client: Client) -> None:
    response = client.get("/invitations/not-a-real-token/")
    assert response.status_code == 400
    assert b"This invitation link is not valid." in response.content


def test_api_key_page_shows_a_new_key_once(client: Client, company: Company, manager: User) -> None:
    client.force_login(manager)
    response = client.post(f"/c/{company.slug}/api-keys/", {"name": "Lab", "role": "editor"})
    found = re.search(rb'data-testid="issued-key">([^<]+)<', response.content)
    assert found, response.content
    key = found.group(1).decode()
    assert key.startswith("arv_")
    assert key.encode() not in client.get(f"/c/{company.slug}/api-keys/").content
    with company_scope(company):
        api_key = CompanyApiKey.objects.get()
    response = client.post(f"/c/{company.slug}/api-keys/{api_key.pk}/revoke/", follow=True)
    assert "The key “Lab” no longer works." in messages_of(response)


def test_api_key_page_explains_bad_input(client: Client, company: Company, manager: User) -> None:
    client.force_login(manager)
    response = client.post(f"/c/{company.slug}/api-keys/", {"name": "", "role": "owner"})
    assert response.status_code == 400
    assert b"This field is required." in response.content


def test_password_reset_pages(client: Client, owner: User, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": owner.email}, follow=True)
    assert b"Check your e-mail" in response.content
    found = re.search(r"/accounts/reset/\S+/", str(mail.outbox[-1].body))
    assert found, mail.outbox[-1].body
    path = found.group(0)
    form_page = client.get(path, follow=True)
    assert b"Choose a new password" in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": STRONG, "new_password2": STRONG}, follow=True
    )
    assert b"Password changed" in done.content
    owner.refresh_from_db()
    assert owner.check_password(STRONG)


def test_yandex_sign_in_creates_the_user_and_asks_for_a_company(client: Client, settings: Any) -> None:
    """Runs social-auth's real pipeline with Yandex's answer given in place of the network."""
    settings.SOCIAL_AUTH_YANDEX_OAUTH2_KEY = "test-key"
    request = RequestFactory().get("/oauth/complete/yandex-oauth2/")
    request.session = client.session
    backend = load_backend(
        load_strategy(request), "yandex-oauth2", redirect_uri="/oauth/complete/yandex-oauth2/"
    )
    profile = {"id": "42", "login": "olga", "default_email": "olga@yandex.ru", "real_name": "Olga Y"}
    backend.user_data = lambda access_token, *args, **kwargs: profile
    user = backend.do_auth("yandex-access-token")
    assert user.email == "olga@yandex.ru"
    assert user.full_name == "Olga Y"
    assert not user.has_usable_password()
    client.force_login(user)
    assert client.get("/")["Location"] == "/companies/new/"


def test_yandex_sign_in_links_an_existing_account_by_email(client: Client, owner: User) -> None:
    request = RequestFactory().get("/")
    request.session = client.session
    backend = load_backend(load_strategy(request), "yandex-oauth2", redirect_uri="/")
    backend.user_data = lambda access_token, *args, **kwargs: {"id": "7", "default_email": owner.email}
    assert backend.do_auth("token") == owner
    assert owner.check_password(TEST_PASSWORD)


def test_a_viewer_sees_no_owner_controls(client: Client, company: Company, viewer: User) -> None:
    client.force_login(viewer)
    html = client.get(f"/c/{company.slug}/members/").content
    assert b"Invite a colleague" not in html
    assert b"/remove/" not in html
    assert b"Settings" not in client.get(f"/c/{company.slug}/").content


def test_operators_deactivate_companies_from_the_admin(client: Client, company: Company) -> None:
    client.force_login(User.objects.create_superuser("ops@example.com", "pw-1234567890"))
    response = client.post(
        "/admin/companies/company/", {"action": "deactivate", "_selected_action": [company.pk]}, follow=True
    )
    assert response.status_code == 200
    company.refresh_from_db()
    assert company.status == Company.Status.DEACTIVATED


def test_sign_in_with_yandex_is_offered_only_with_its_keys(client: Client, settings: Any) -> None:
    settings.SOCIAL_AUTH_YANDEX_OAUTH2_KEY = settings.SOCIAL_AUTH_YANDEX_OAUTH2_SECRET = ""
    page = client.get("/accounts/login/").content.decode()
    assert 'data-testid="yandex-sign-in"' not in page
    assert 'rel="icon"' in page  # the favicon
    settings.SOCIAL_AUTH_YANDEX_OAUTH2_KEY, settings.SOCIAL_AUTH_YANDEX_OAUTH2_SECRET = "key", "secret"
    assert 'data-testid="yandex-sign-in"' in client.get("/accounts/login/").content.decode()


def test_the_account_page_saves_name_and_language_and_changes_the_password(
    client: Client, owner: User
) -> None:
    from companies.tests.factories import TEST_PASSWORD

    assert client.get("/accounts/me/").status_code == 302  # signed in only
    client.force_login(owner)
    page = client.get("/accounts/me/")
    assert page.status_code == 200
    assert owner.email in page.content.decode()
    saved = client.post("/accounts/me/", {"form": "profile", "full_name": " Olga Petrova ", "language": "en"})
    assert saved.status_code == 302
    owner.refresh_from_db()
    assert (owner.full_name, owner.language) == ("Olga Petrova", "en")
    assert saved.cookies["django_language"].value == "en"
    assert (
        client.post("/accounts/me/", {"form": "profile", "language": "xx"}).status_code == 200
    )  # refused, shown
    owner.refresh_from_db()
    assert owner.language == "en"

    other_device = Client()
    other_device.force_login(owner)
    wrong = client.post("/accounts/me/", {"form": "password", "old_password": "nope", "new_password1": "x",
                                          "new_password2": "y"})  # fmt: skip
    assert wrong.status_code == 200
    assert 'class="field-error"' in wrong.content.decode()
    changed = client.post("/accounts/me/", {"form": "password", "old_password": TEST_PASSWORD,
                                            "new_password1": "Kh7#vQ2!lmPz", "new_password2": "Kh7#vQ2!lmPz"})  # fmt: skip
    assert changed.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("Kh7#vQ2!lmPz")
    assert client.get("/accounts/me/").status_code == 200  # this session stays signed in
    assert other_device.get("/accounts/me/").status_code == 302  # the other one is signed out
