"""Sign-up, JWT tokens, lockout, logout, me, passwords — through the API."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from companies.models import Company, User
from companies.tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
STRONG = "violet-Harbour-57-kettle"


def error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    return body


def test_it_registers_a_user(api_client: APIClient) -> None:
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "New@Example.com", "password": STRONG, "full_name": "Nina"}
    )
    assert response.status_code == 201
    assert response.json()["email"] == "new@example.com"
    assert User.objects.get(email="new@example.com").check_password(STRONG)


def test_it_refuses_a_duplicate_email_where_sign_up_signs_in_at_once(api_client: APIClient) -> None:
    # EMAIL_VERIFICATION_REQUIRED off (the test default): see test_signup.py for the flow
    # that answers the same for both.
    UserFactory(email="taken@example.com")
    body = error(
        api_client.post("/api/v1/auth/register/", {"email": "TAKEN@example.com", "password": STRONG}),
        400,
        "validation_error",
    )
    assert "sign in or reset your password" in body["errors"]["email"][0]
    assert "exists" not in body["errors"]["email"][0]


@pytest.mark.parametrize("password", ["short", "12345678901", "password123", "newuser@example.com"])
def test_it_refuses_a_weak_password(api_client: APIClient, password: str) -> None:
    body = error(
        api_client.post("/api/v1/auth/register/", {"email": "newuser@example.com", "password": password}),
        400,
        "validation_error",
    )
    assert body["errors"]["password"]
    assert not User.objects.filter(email="newuser@example.com").exists()


def test_it_refuses_a_malformed_email(api_client: APIClient) -> None:
    body = error(
        api_client.post("/api/v1/auth/register/", {"email": "nope", "password": STRONG}),
        400,
        "validation_error",
    )
    assert "email" in body["errors"]


def test_it_issues_a_token_pair_that_works(api_client: APIClient, owner: User) -> None:
    response = api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": TEST_PASSWORD})
    assert response.status_code == 200
    pair = response.json()
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert api_client.get("/api/v1/auth/me/").json()["email"] == owner.email


def test_a_wrong_password_is_401(api_client: APIClient, owner: User) -> None:
    error(
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong"}),
        401,
        "no_active_account",
    )


def test_repeated_failures_lock_the_api_login_with_429(api_client: APIClient, owner: User) -> None:
    for _ in range(5):
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": "wrong"})
    body = error(
        api_client.post("/api/v1/auth/token/", {"email": owner.email, "password": TEST_PASSWORD}),
        429,
        "locked_out",
    )
    assert "Too many failed sign-in attempts" in body["message"]


def test_refresh_rotates_and_a_rotated_token_cannot_be_reused(api_client: APIClient, owner: User) -> None:
    refresh = str(RefreshToken.for_user(owner))
    rotated = api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != refresh
    error(api_client.post("/api/v1/auth/token/refresh/", {"refresh": refresh}), 401, "token_not_valid")


def test_a_tampered_jwt_is_401(api_client: APIClient, owner: User) -> None:
    token = str(AccessToken.for_user(owner))
    header, payload, signature = token.split(".")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {header}.{payload}.{signature[::-1]}")
    error(api_client.get("/api/v1/auth/me/"), 401, "token_not_valid")


def test_an_expired_jwt_is_401(api_client: APIClient, owner: User) -> None:
    token = AccessToken.for_user(owner)
    token.set_exp(lifetime=-timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    error(api_client.get("/api/v1/auth/me/"), 401, "token_not_valid")


def test_logout_revokes_the_refresh_token(api_client_for: Callable[[User], APIClient], owner: User) -> None:
    refresh = str(RefreshToken.for_user(owner))
    assert api_client_for(owner).post("/api/v1/auth/logout/", {"refresh": refresh}).status_code == 205
    error(APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}), 401, "token_not_valid")


def test_logout_refuses_another_users_token(
    api_client_for: Callable[[User], APIClient], owner: User, viewer: User
) -> None:
    refresh = str(RefreshToken.for_user(viewer))
    error(api_client_for(owner).post("/api/v1/auth/logout/", {"refresh": refresh}), 400, "validation_error")
    assert APIClient().post("/api/v1/auth/token/refresh/", {"refresh": refresh}).status_code == 200


def test_me_lists_memberships_of_active_companies(
    api_client_for: Callable[[User], APIClient], owner: User, company: Company
) -> None:
    body = api_client_for(owner).get("/api/v1/auth/me/").json()
    assert body["memberships"] == [
        {"company_slug": company.slug, "company_name": company.name, "role": "owner"}
    ]
    company.status = Company.Status.DEACTIVATED
    company.save()
    assert api_client_for(owner).get("/api/v1/auth/me/").json()["memberships"] == []


def _reset_link_parts() -> tuple[str, str]:
    match = re.search(r"/accounts/reset/([^/]+)/([^/]+)/", str(mail.outbox[-1].body))
    assert match, mail.outbox[-1].body
    return match.group(1), match.group(2)


def test_password_reset_by_email(
    api_client: APIClient, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/auth/password-reset/", {"email": owner.email.upper()})
    assert response.status_code == 202
    assert mail.outbox[-1].to == [owner.email]
    message = mail.outbox[-1]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.alternatives  # an HTML part too
    uid, token = _reset_link_parts()

    confirm = {"uid": uid, "token": token, "new_password": STRONG}
    assert api_client.post("/api/v1/auth/password-reset/confirm/", confirm).status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(STRONG)
    body = error(api_client.post("/api/v1/auth/password-reset/confirm/", confirm), 400, "validation_error")
    assert "invalid or has expired" in body["errors"]["token"][0]


def test_password_reset_says_the_same_for_unknown_addresses(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/auth/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 202
    assert mail.outbox == []


def test_password_reset_refuses_a_weak_new_password(
    api_client: APIClient, owner: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        api_client.post("/api/v1/auth/password-reset/", {"email": owner.email})
    uid, token = _reset_link_parts()
    body = error(
        api_client.post(
            "/api/v1/auth/password-reset/confirm/", {"uid": uid, "token": token, "new_password": "123"}
        ),
        400,
        "validation_error",
    )
    assert body["errors"]["password"]


def test_password_change(api_client_for: Callable[[User], APIClient], owner: User) -> None:
    client = api_client_for(owner)
    wrong = client.post("/api/v1/auth/password-change/", {"old_password": "nope", "new_password": STRONG})
    assert error(wrong, 400, "validation_error")["errors"]["old_password"]
    weak = client.post(
        "/api/v1/auth/password-change/", {"old_password": TEST_PASSWORD, "new_password": "abc"}
    )
    assert error(weak, 400, "validation_error")["errors"]["password"]
    ok = client.post("/api/v1/auth/password-change/", {"old_password": TEST_PASSWORD, "new_password": STRONG})
    assert ok.status_code == 200
    owner.refresh_from_db()
    assert owner.check_password(STRONG)


def test_the_admin_login_is_locked_too(client: Any) -> None:
    User.objects.create_superuser("ops@example.com", "pw-1234567890")
    for _ in range(5):
        client.post("/admin/login/", {"username": "ops@example.com", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "ops@example.com", "password": "pw-1234567890"})
    assert response.status_code == 429


def test_sign_up_and_token_calls_are_rate_limited_per_ip(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    for _ in range(3):
        api_client.post("/api/v1/auth/password-reset/", {"email": "someone@example.com"})
    body = error(api_client.post("/api/v1/auth/register/", {}), 429, "throttled")
    assert body["retry_after"] > 0


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/api/v1/auth/token/", {"email": "someone@example.com", "password": "wrong"}),
        ("/api/v1/auth/token/refresh/", {"refresh": "not-a-token"}),
        ("/api/v1/auth/register/", {}),
        ("/api/v1/auth/password-reset/", {"email": "someone@example.com"}),
    ],
)
def test_a_rotating_forwarded_for_header_does_not_escape_the_rate_limit(
    api_client: APIClient, monkeypatch: pytest.MonkeyPatch, settings: Any, path: str, data: dict[str, str]
) -> None:
    """Found by an outside probe: the limits were keyed on the raw X-Forwarded-For header.
    Without a trusted proxy in front the header is ignored; behind one, only the address
    the proxy saw counts."""
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"})
    for number in range(3):
        api_client.post(path, data, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    error(api_client.post(path, data, HTTP_X_FORWARDED_FOR="198.51.100.99"), 429, "throttled")

    # Behind a trusted proxy (the test client connects from 127.0.0.1) a new bucket, the client's.
    settings.VIEWER_TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(3):
        api_client.post(path, data, HTTP_X_FORWARDED_FOR="10.9.8.7, 203.0.113.5")
    error(api_client.post(path, data, HTTP_X_FORWARDED_FOR="10.9.8.8, 203.0.113.5"), 429, "throttled")
    fresh = api_client.post(path, data, HTTP_X_FORWARDED_FOR="203.0.113.6")
    # Another client behind the proxy has a bucket of its own (the token route may still
    # answer the password lockout for this address, which is not the rate limit).
    assert fresh.json().get("code") != "throttled", fresh.content


def _pair(client: APIClient, email: str, password: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/token/", {"email": email, "password": password})
    assert response.status_code == 200, response.content
    return dict(response.json())


def _assert_revoked(client: APIClient, pair: dict[str, str]) -> None:
    error(client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}), 401, "token_not_valid")
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair['access']}")
    assert client.get("/api/v1/auth/me/").status_code == 401
    client.credentials()


@pytest.mark.parametrize("how", ["api_change", "api_reset", "portal_change"])
def test_a_new_password_ends_every_token_issued_before_it(
    owner: User, django_capture_on_commit_callbacks: Any, how: str
) -> None:
    """Found by an outside probe: refresh tokens issued before a password change or reset
    kept working for their whole life."""
    client = APIClient()
    stolen = _pair(client, owner.email, TEST_PASSWORD)
    rotated = client.post("/api/v1/auth/token/refresh/", {"refresh": stolen["refresh"]}).json()
    if how == "api_change":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {stolen['access']}")
        changed = client.post(
            "/api/v1/auth/password-change/", {"old_password": TEST_PASSWORD, "new_password": STRONG}
        )
        assert changed.status_code == 200, changed.content
        client.credentials()
    elif how == "api_reset":
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/api/v1/auth/password-reset/", {"email": owner.email})
        uid, token = _reset_link_parts()
        confirm = {"uid": uid, "token": token, "new_password": STRONG}
        assert client.post("/api/v1/auth/password-reset/confirm/", confirm).status_code == 200
    else:
        browser = Client()
        browser.force_login(owner)
        form = {
            "form": "password",
            "old_password": TEST_PASSWORD,
            "new_password1": STRONG,
            "new_password2": STRONG,
        }
        assert browser.post("/accounts/me/", form).status_code == 302

    _assert_revoked(client, stolen | {"refresh": rotated["refresh"]})
    fresh = _pair(client, owner.email, STRONG)
    assert client.post("/api/v1/auth/token/refresh/", {"refresh": fresh["refresh"]}).status_code == 200


def test_the_refresh_of_a_deleted_user_is_401(owner: User) -> None:
    client = APIClient()
    pair = _pair(client, owner.email, TEST_PASSWORD)
    owner.delete()
    error(client.post("/api/v1/auth/token/refresh/", {"refresh": pair["refresh"]}), 401, "token_not_valid")
