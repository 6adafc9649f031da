"""Sign-up: every problem at once, a taken address that tells nothing, and the e-mail
confirmation that comes before a person's first company (EMAIL_VERIFICATION_REQUIRED)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail, signing
from django.test import Client, RequestFactory
from rest_framework.test import APIClient
from social_django.utils import load_backend, load_strategy

from companies.accounts import VERIFY_SALT, email_verification_url
from companies.models import Company, Membership, User
from companies.tests.factories import InvitationFactory, UserFactory

# Mail leaves after commit: with real commits the outbox fills as each request ends.
pytestmark = pytest.mark.django_db(transaction=True)
STRONG = "violet-Harbour-57-kettle"


@pytest.fixture
def confirming(settings: Any) -> None:
    settings.EMAIL_VERIFICATION_REQUIRED = True


def link_in(message: Any) -> str:
    found = re.search(r"https?://\S+?(/accounts/email/confirm/\S+?/)(?:\s|$)", str(message.body))
    assert found, message.body
    return found.group(1)


def without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- Every problem at once ----------------------------------------------------------------


def test_the_form_shows_every_problem_at_once(client: Client) -> None:
    response = client.post("/accounts/signup/", {"email": "not-an-address", "password": "123"})
    assert response.status_code == 200
    assert b"Enter a valid email address." in response.content
    assert b"This password is too short" in response.content
    assert b"This password is entirely numeric" in response.content


def test_a_taken_address_and_a_weak_password_show_together(client: Client) -> None:
    UserFactory(email="taken@example.com")
    response = client.post("/accounts/signup/", {"email": "taken@example.com", "password": "123"})
    content = response.content.decode()
    assert "sign in or reset your password" in content
    assert "This password is too short" in content
    assert "already exists" not in content


def test_the_api_answers_every_problem_at_once(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/register/", {"email": "nope", "password": "123"}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"email", "password"}
    assert any("too short" in message for message in errors["password"])


def test_the_api_refuses_odd_shapes_with_a_400(api_client: APIClient) -> None:
    response = api_client.post("/api/v1/auth/register/", ["a", "list"], format="json")
    assert response.status_code == 400
    response = api_client.post("/api/v1/auth/register/", {"email": ["x"], "password": 5}, format="json")
    assert response.status_code == 400


# --- A taken address tells nothing (confirmation on) --------------------------------------


@pytest.mark.usefixtures("confirming")
def test_a_new_and_a_taken_address_get_the_same_answer() -> None:
    UserFactory(email="taken@example.com")
    answers = []
    for email in ("new@example.com", "taken@example.com"):
        client = Client()
        response = client.post("/accounts/signup/", {"email": email, "password": STRONG, "full_name": "Nina"})
        page = client.get(response["Location"])
        answers.append((response.status_code, response["Location"], signed_in(client), "sessionid" in response.cookies,
                        without_tokens(page.content.decode()).replace(email, "ADDRESS")))  # fmt: skip
    assert answers[0] == answers[1]
    assert answers[0][:3] == (302, "/accounts/signup/sent/", False)
    new = User.objects.get(email="new@example.com")
    assert not new.email_verified
    # Each address hears what applies to it, in its mailbox only.
    to_new, to_taken = mail.outbox
    assert to_new.to == ["new@example.com"]
    assert "Confirm your e-mail" in to_new.subject
    assert to_taken.to == ["taken@example.com"]
    assert "already have an ARVlite account" in to_taken.subject
    assert "/accounts/password-reset/" in str(to_taken.body)
    assert "/accounts/email/confirm/" not in str(to_taken.body)  # that account is confirmed
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.usefixtures("confirming")
def test_the_api_answers_the_same_for_a_new_and_a_taken_address(api_client: APIClient) -> None:
    UserFactory(email="taken@example.com")
    new = api_client.post("/api/v1/auth/register/", {"email": "new@example.com", "password": STRONG})
    taken = api_client.post("/api/v1/auth/register/", {"email": "TAKEN@example.com", "password": STRONG})
    assert (new.status_code, new.json()) == (taken.status_code, taken.json())
    assert new.status_code == 202
    assert not User.objects.get(email="new@example.com").email_verified
    assert not User.objects.get(email="taken@example.com").check_password(STRONG)  # untouched
    assert [m.to for m in mail.outbox] == [["new@example.com"], ["taken@example.com"]]


@pytest.mark.usefixtures("confirming")
def test_a_weak_password_is_refused_alike_for_a_taken_address(client: Client) -> None:
    UserFactory(email="taken@example.com")
    new = client.post("/accounts/signup/", {"email": "new@example.com", "password": "123"})
    taken = client.post("/accounts/signup/", {"email": "taken@example.com", "password": "123"})
    assert new.status_code == taken.status_code == 200
    assert without_tokens(new.content.decode()).replace("new@example.com", "X") == without_tokens(
        taken.content.decode()
    ).replace("taken@example.com", "X")
    assert not mail.outbox


@pytest.mark.usefixtures("confirming")
def test_a_taken_address_is_mailed_at_most_three_times_an_hour() -> None:
    UserFactory(email="taken@example.com")
    for _ in range(5):
        Client().post("/accounts/signup/", {"email": "taken@example.com", "password": STRONG})
    assert len(mail.outbox) == 3


@pytest.mark.usefixtures("confirming")
def test_an_unconfirmed_account_signing_up_again_gets_a_confirmation_link_too() -> None:
    Client().post("/accounts/signup/", {"email": "nina@example.com", "password": STRONG})
    Client().post("/accounts/signup/", {"email": "nina@example.com", "password": STRONG})
    assert "already have an ARVlite account" in mail.outbox[1].subject
    assert Client().get(link_in(mail.outbox[1])).status_code == 302
    assert User.objects.get(email="nina@example.com").email_verified


# --- Confirming the address ---------------------------------------------------------------


@pytest.mark.usefixtures("confirming")
def test_the_link_in_the_browser_that_signed_up_confirms_and_signs_in(client: Client) -> None:
    client.post("/accounts/signup/", {"full_name": "Nina", "email": "nina@example.com", "password": STRONG})
    response = client.get(link_in(mail.outbox[0]), follow=True)
    assert response.redirect_chain[-1][0] == "/companies/new/"
    assert signed_in(client)
    assert b"is confirmed" in response.content
    response = client.post("/companies/new/", {"name": "Nina Studio", "slug": "nina-studio"}, follow=True)
    assert response.redirect_chain[-1][0] == "/c/nina-studio/"
    assert User.objects.get(email="nina@example.com").email_verified


@pytest.mark.usefixtures("confirming")
def test_the_link_elsewhere_confirms_but_asks_to_sign_in(client: Client) -> None:
    client.post("/accounts/signup/", {"email": "nina@example.com", "password": STRONG})
    phone = Client()
    response = phone.get(link_in(mail.outbox[0]))
    assert response["Location"] == "/accounts/login/"
    assert not signed_in(phone)
    assert User.objects.get(email="nina@example.com").email_verified


@pytest.mark.usefixtures("confirming")
def test_a_taken_address_session_is_not_signed_in_by_anothers_link() -> None:
    UserFactory(email="taken@example.com")
    attacker = Client()
    attacker.post("/accounts/signup/", {"email": "taken@example.com", "password": STRONG})
    victim = User.objects.get(email="taken@example.com")
    victim.email_verified_at = None
    victim.save()
    attacker.get(email_verification_url(victim).split("8000", 1)[1])
    assert not signed_in(attacker)


def test_a_forged_or_expired_link_is_refused(client: Client) -> None:
    user = UserFactory(email_verified_at=None)
    response = client.get("/accounts/email/confirm/not-a-token/")
    assert response.status_code == 400
    assert b"not valid" in response.content

    class SignedLongAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)

    old = SignedLongAgo(salt=VERIFY_SALT).sign_object({"u": user.pk, "e": user.email}, compress=True)
    response = client.get(f"/accounts/email/confirm/{old}/")
    assert response.status_code == 400
    assert b"expired" in response.content
    user.refresh_from_db()
    assert not user.email_verified


def test_a_link_for_an_address_since_changed_is_refused(client: Client) -> None:
    user = UserFactory(email="old@example.com", email_verified_at=None)
    path = email_verification_url(user).split("8000", 1)[1]
    User.objects.filter(pk=user.pk).update(email="new@example.com")
    assert client.get(path).status_code == 400


# --- No company before the address is confirmed -------------------------------------------


@pytest.mark.usefixtures("confirming")
def test_the_company_page_waits_for_a_confirmed_address(client: Client) -> None:
    user = UserFactory(email="nina@example.com", email_verified_at=None)
    client.force_login(user)
    page = client.get("/companies/new/")
    assert b'data-testid="confirm-email"' in page.content
    assert b'data-testid="company-create-submit"' not in page.content
    response = client.post("/companies/new/", {"name": "Nina Studio", "slug": "nina-studio"})
    assert response.status_code == 403
    assert b'data-testid="confirm-email"' in response.content
    assert not Company.objects.filter(slug="nina-studio").exists()

    response = client.post("/accounts/email/resend/", follow=True)
    assert b"A new link is on its way to nina@example.com." in response.content
    client.get(link_in(mail.outbox[-1]))
    response = client.post("/companies/new/", {"name": "Nina Studio", "slug": "nina-studio"})
    assert response.status_code == 302
    assert Membership.objects.get(company__slug="nina-studio").user == user


@pytest.mark.usefixtures("confirming")
def test_asking_for_links_too_often_waits(client: Client) -> None:
    client.force_login(UserFactory(email_verified_at=None))
    for _ in range(3):
        client.post("/accounts/email/resend/")
    response = client.post("/accounts/email/resend/", follow=True)
    assert b"Try again in a few minutes." in response.content
    assert len(mail.outbox) == 3


@pytest.mark.usefixtures("confirming")
def test_the_company_api_waits_for_a_confirmed_address(api_client_for: Any) -> None:
    user = UserFactory(email_verified_at=None)
    api = api_client_for(user)
    assert api.get("/api/v1/auth/me/").json()["email_verified"] is False
    response = api.post("/api/v1/companies/", {"name": "Nina Studio", "slug": "nina-studio"})
    assert response.status_code == 403
    assert response.json()["code"] == "email_not_verified"
    assert "verify-email/resend" in response.json()["message"]

    assert api.post("/api/v1/auth/verify-email/resend/").status_code == 202
    Client().get(link_in(mail.outbox[-1]))
    assert api.post("/api/v1/auth/verify-email/resend/").status_code == 200
    assert api.post("/api/v1/companies/", {"name": "Nina Studio", "slug": "nina-studio"}).status_code == 201


def test_without_confirmation_a_new_account_creates_its_company_at_once(api_client_for: Any) -> None:
    user = UserFactory(email_verified_at=None)  # EMAIL_VERIFICATION_REQUIRED off, as in the embedded run
    assert (
        api_client_for(user).post("/api/v1/companies/", {"name": "Studio", "slug": "st"}).status_code == 201
    )


# --- Addresses that are confirmed already -------------------------------------------------


@pytest.mark.usefixtures("confirming")
def test_signing_up_through_an_invitation_confirms_the_address(client: Client, company: Company) -> None:
    invitation = InvitationFactory(company=company, email="colin@example.com")
    from companies.invitations import invitation_token

    client.post(
        f"/invitations/{invitation_token(invitation)}/",
        {"full_name": "Colin", "email": "colin@example.com", "password": STRONG},
    )
    user = User.objects.get(email="colin@example.com")
    assert user.email_verified
    assert Membership.objects.filter(company=company, user=user).exists()


@pytest.mark.usefixtures("confirming")
def test_accepting_an_invitation_confirms_an_unconfirmed_account(client: Client, company: Company) -> None:
    from companies.invitations import invitation_token

    user = UserFactory(email="colin@example.com", email_verified_at=None)
    invitation = InvitationFactory(company=company, email="colin@example.com")
    client.force_login(user)
    client.post(f"/invitations/{invitation_token(invitation)}/")
    user.refresh_from_db()
    assert user.email_verified


def test_yandex_confirms_the_address_of_an_account_it_links(client: Client) -> None:
    user = UserFactory(email="olga@yandex.ru", email_verified_at=None)
    user.set_password("set-by-someone-else-1234")
    user.save()
    squatter = Client()
    squatter.force_login(user)  # signed in with the password they set
    assert squatter.get("/accounts/me/").status_code == 200
    request = RequestFactory().get("/")
    request.session = client.session
    backend = load_backend(load_strategy(request), "yandex-oauth2", redirect_uri="/")
    backend.user_data = lambda access_token, *args, **kwargs: {"id": "9", "default_email": "olga@yandex.ru"}
    assert backend.do_auth("token") == user
    user.refresh_from_db()
    assert user.email_verified
    # Whoever registered the unconfirmed address loses it: the password and its sessions end.
    assert not user.has_usable_password()
    assert squatter.get("/accounts/me/").status_code == 302


def test_accounts_made_outside_sign_up_are_confirmed() -> None:
    assert User.objects.create_user("op@example.com", "x").email_verified
    assert User.objects.create_superuser("root@example.com", "x").email_verified
